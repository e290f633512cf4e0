// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ClusterProfile.h"
#include "core/util/Result.h"

#include <QStringList>

namespace lbdeck {

// Cluster profiles as JSON files in the XDG config dir (~/.config/lbdeck/profiles/<name>.json),
// written atomically. They never contain secrets (see SecretStore).
class ProfileStore
{
public:
    explicit ProfileStore(QString directory = defaultDirectory());
    static QString defaultDirectory();

    QStringList names() const;
    Result<ClusterProfile> load(const QString& name) const;
    Result<void> save(const ClusterProfile& profile) const;
    Result<void> remove(const QString& name) const;
    const QString& directory() const { return m_dir; }

    // What the environment already says about a cluster: ETCDCTL_ENDPOINTS, DOCKER_HOST, and the
    // Host aliases of ~/.ssh/config as candidate nodes (ssh://alias).
    static ClusterProfile fromEnvironment(const QString& sshConfigPath = {});
    static QStringList sshConfigHosts(const QString& sshConfigPath);

private:
    QString pathOf(const QString& name) const;
    QString m_dir;
};

} // namespace lbdeck
