// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DestinationLock.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck {

DestinationLock::~DestinationLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the lock
}

QString DestinationLock::lockPathFor(const QString& destination)
{
    const QFileInfo info(destination);
    return info.absolutePath() + u"/."_s + info.fileName() + u".lock"_s;
}

QString DestinationLock::normalized(const QString& destination)
{
    return QDir::cleanPath(QFileInfo(destination).absoluteFilePath());
}

Result<std::unique_ptr<DestinationLock>> DestinationLock::acquire(const QString& destinationIn)
{
    const QString destination = normalized(destinationIn);
    const QString path = lockPathFor(destination);
    const QByteArray native = QFile::encodeName(path);
    int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    const bool writable = fd >= 0;
    // Left by another user (root's --onetime): flock works on a read-only descriptor too.
    if (fd < 0 && errno == EACCES)
        fd = ::open(native.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(ErrorCode::Io,
                         u"cannot open %1: %2"_s.arg(path, QString::fromLocal8Bit(std::strerror(errno))),
                         destination);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        char holder[32] = {};
        const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
        ::close(fd);
        if (err != EWOULDBLOCK)
            return makeError(ErrorCode::Io,
                             u"cannot lock %1: %2"_s.arg(path, QString::fromLocal8Bit(std::strerror(err))),
                             destination);
        const QString pid = n > 0 ? QString::fromLatin1(holder, n).trimmed() : u"unknown"_s;
        if (pid == QString::number(QCoreApplication::applicationPid()))
            return makeError(ErrorCode::Conflict,
                             u"another lbdeck-engine (pid %1, this process) already writes %2: two "
                             u"engines in one process name it"_s.arg(pid, destination),
                             destination);
        return makeError(
            ErrorCode::Conflict,
            u"another lbdeck-engine (pid %1) already writes %2; stop it, or give this one "
            u"another destination (%3 may be removed when no engine runs)"_s.arg(pid, destination, path),
            destination);
    }
    const QByteArray me = QByteArray::number(QCoreApplication::applicationPid()) + '\n';
    if (writable &&
        (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.constData(), size_t(me.size()), 0) != me.size())) {
        // The lock holds without the pid in it; only a refused engine's message loses it.
    }
    auto lock = std::make_unique<DestinationLock>();
    lock->m_destination = destination;
    lock->m_fd = fd;
    return lock;
}

} // namespace lbdeck
