// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DestinationLock.h"

#include <QCoreApplication>
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

Result<std::unique_ptr<DestinationLock>> DestinationLock::acquire(const QString& destination)
{
    const QString path = lockPathFor(destination);
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
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
        return makeError(ErrorCode::Conflict,
                         u"another lbdeck-engine (pid %1) already writes %2; stop it, or give this one "
                         u"another destination"_s.arg(pid, destination),
                         destination);
    }
    const QByteArray me = QByteArray::number(QCoreApplication::applicationPid()) + '\n';
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.constData(), size_t(me.size()), 0) != me.size()) {
        // The lock holds without the pid in it; only a refused engine's message loses it.
    }
    auto lock = std::make_unique<DestinationLock>();
    lock->m_destination = destination;
    lock->m_fd = fd;
    return lock;
}

} // namespace lbdeck
