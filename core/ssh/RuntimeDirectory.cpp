// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "RuntimeDirectory.h"

#include "core/util/Logging.h"

#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QStandardPaths>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck {

RuntimeDirectory::RuntimeDirectory(const QString& base, const QString& prefix)
    : m_dir(base + u'/' + prefix + u"XXXXXX"_s) // mkdtemp: 0700, a name nobody can predict
{}

RuntimeDirectory::~RuntimeDirectory() = default;

QString RuntimeDirectory::base(const QString& preferred)
{
    if (!preferred.isEmpty())
        return preferred;
    const QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    return runtime.isEmpty() ? QDir::tempPath() : runtime;
}

Result<std::unique_ptr<RuntimeDirectory>> RuntimeDirectory::create(const QString& base, const QString& prefix)
{
    std::unique_ptr<RuntimeDirectory> dir(new RuntimeDirectory(base, prefix));
    if (!dir->m_dir.isValid())
        return makeError(
            ErrorCode::Io,
            u"cannot create a private directory under %1: %2"_s.arg(base, dir->m_dir.errorString()), base);
    // QLockFile records pid, program and host: removeStale() in another process can tell whether
    // this one still runs.
    const QString lockPath = dir->path() + u'/' + OwnerLockName;
    dir->m_owner = std::make_unique<QLockFile>(lockPath);
    if (!dir->m_owner->tryLock(0))
        return makeError(ErrorCode::Io,
                         dir->m_owner->error() == QLockFile::PermissionError
                             ? u"cannot create the owner lock file: permission denied"_s
                             : u"cannot create the owner lock file"_s,
                         lockPath);
    return Result<std::unique_ptr<RuntimeDirectory>>(std::move(dir));
}

QStringList RuntimeDirectory::removeStale(const QString& base, const QStringList& prefixes)
{
    QStringList filters;
    for (const QString& prefix : prefixes)
        filters << prefix + u'*';
    QStringList removed;
    const QFileInfoList entries =
        QDir(base).entryInfoList(filters, QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
    for (const QFileInfo& entry : entries) {
        // In a shared /tmp: another user's directory is none of our business.
        if (entry.ownerId() != uint(::geteuid()))
            continue;
        const QString lockPath = entry.filePath() + u'/' + OwnerLockName;
        if (!QFileInfo::exists(lockPath))
            continue;
        QLockFile owner(lockPath);
        owner.setStaleLockTime(0); // stale only when its process is gone, however old the file is
        if (!owner.tryLock(0))
            continue; // a running instance's
        owner.unlock();
        if (QDir(entry.filePath()).removeRecursively()) {
            qCInfo(lcSsh) << "removed" << entry.filePath() << "left by an lbdeck that did not exit cleanly";
            removed << entry.filePath();
        } else {
            qCWarning(lcSsh) << "cannot remove the stale runtime directory" << entry.filePath();
        }
    }
    return removed;
}

} // namespace lbdeck
