// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QLatin1String>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

class QLockFile;

namespace lbdeck {

// A private (0700) directory for sockets that names its owner: a lock file inside, held while the
// directory lives. Destruction removes it; a crash (kill -9) leaves it behind, and the next start
// removes it with removeStale(), which never touches the directories of a running instance.
class RuntimeDirectory
{
public:
    static constexpr QLatin1String SshTunnelPrefix{"lbdeck-ssh-"};
    static constexpr QLatin1String AskpassPrefix{"lbdeck-askpass-"};
    static constexpr QLatin1String OwnerLockName{"owner.lock"};

    ~RuntimeDirectory();
    RuntimeDirectory(const RuntimeDirectory&) = delete;
    RuntimeDirectory& operator=(const RuntimeDirectory&) = delete;

    // preferred if set, else the user's runtime directory ($XDG_RUNTIME_DIR), else the temp dir.
    static QString base(const QString& preferred = {});
    // A new base/<prefix>XXXXXX, owned by this process until the object goes.
    static Result<std::unique_ptr<RuntimeDirectory>> create(const QString& base, const QString& prefix);
    // Removes this user's base/<prefix>* directories whose owner process is gone; returns their paths.
    // A directory without an owner lock (being created, or from an older lbdeck) stays.
    static QStringList removeStale(const QString& base, const QStringList& prefixes = lbdeckPrefixes());
    static QStringList lbdeckPrefixes() { return {SshTunnelPrefix, AskpassPrefix}; }

    QString path() const { return m_dir.path(); }

private:
    RuntimeDirectory(const QString& base, const QString& prefix);

    // In this order: the lock is released (its file removed) before the directory goes.
    QTemporaryDir m_dir;
    std::unique_ptr<QLockFile> m_owner;
};

} // namespace lbdeck
