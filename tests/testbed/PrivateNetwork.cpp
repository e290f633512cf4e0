// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "PrivateNetwork.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck::testbed {

QString enterPrivateNetwork()
{
    if (::unshare(CLONE_NEWNET) != 0)
        return u"unshare(CLONE_NEWNET): %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno)));
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return u"socket: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno)));
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    QString error;
    if (::ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
        error = u"SIOCGIFFLAGS lo: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno)));
    } else {
        ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
        if (::ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
            error = u"bringing lo up: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno)));
    }
    ::close(fd);
    return error;
}

QString setNetSysctl(const QString& path, const QByteArray& value)
{
    QFile f(u"/proc/sys/"_s + path);
    if (!f.open(QIODevice::WriteOnly) || f.write(value) != value.size())
        return u"cannot set %1: %2"_s.arg(path, f.errorString());
    return QString();
}

} // namespace lbdeck::testbed
