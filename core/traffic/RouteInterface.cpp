// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "RouteInterface.h"

#include <QFile>
#include <QtEndian>

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck::traffic {

namespace {

bool isLoopback(const IpAddress& a)
{
    if (a.version == 4)
        return a.bytes[0] == 127;
    static const std::array<std::uint8_t, 16> one{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return a.version == 6 && a.bytes == one;
}

quint32 hostOrder(const IpAddress& a)
{
    return (quint32(a.bytes[0]) << 24) | (quint32(a.bytes[1]) << 16) | (quint32(a.bytes[2]) << 8) |
           quint32(a.bytes[3]);
}

// /proc/net/route holds destination and mask as little-endian hex of the network-order bytes.
quint32 routeHex(const QByteArray& hex)
{
    bool ok = false;
    const quint32 v = hex.toUInt(&ok, 16);
    return ok ? qFromBigEndian(qToLittleEndian(v)) : 0;
}

QString routeFor(quint32 address)
{
    QFile f(u"/proc/net/route"_s);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    f.readLine(); // header
    QString best;
    int bestBits = -1;
    while (!f.atEnd()) {
        const QList<QByteArray> cols = f.readLine().simplified().split(' ');
        if (cols.size() < 8)
            continue;
        const quint32 dest = routeHex(cols[1]);
        const quint32 mask = routeHex(cols[7]);
        const int bits = qPopulationCount(mask);
        if ((address & mask) == (dest & mask) && bits > bestBits) {
            best = QString::fromLatin1(cols[0]);
            bestBits = bits;
        }
    }
    return best;
}

// An address configured on this host: traffic to it goes over lo.
bool isOwnAddress(const IpAddress& a)
{
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0)
        return false;
    bool own = false;
    for (const ifaddrs* i = list; i != nullptr && !own; i = i->ifa_next) {
        if (i->ifa_addr == nullptr)
            continue;
        if (a.version == 4 && i->ifa_addr->sa_family == AF_INET) {
            const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
            own = std::memcmp(&in->sin_addr, a.bytes.data(), 4) == 0;
        } else if (a.version == 6 && i->ifa_addr->sa_family == AF_INET6) {
            const auto* in6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
            own = std::memcmp(&in6->sin6_addr, a.bytes.data(), 16) == 0;
        }
    }
    freeifaddrs(list);
    return own;
}

} // namespace

QString routeInterface(const std::vector<IpEndpoint>& upstreams, QString* why)
{
    const bool allLocal = std::all_of(upstreams.cbegin(), upstreams.cend(),
                                      [](const IpEndpoint& e) { return isLoopback(e.address); });
    if (allLocal)
        return u"lo"_s;
    const IpEndpoint& first = *std::find_if(upstreams.cbegin(), upstreams.cend(),
                                            [](const IpEndpoint& e) { return !isLoopback(e.address); });
    if (isOwnAddress(first.address))
        return u"lo"_s;
    if (first.address.version == 4) {
        if (QString dev = routeFor(hostOrder(first.address)); !dev.isEmpty())
            return dev;
    }
    if (why)
        *why = u"no route found for %1; capturing on \"any\" (bridged container traffic is then seen "
               u"twice: set [traffic] interface)"_s.arg(QString::fromStdString(addressText(first.address)));
    return u"any"_s;
}

bool isLoopbackInterface(const QString& name)
{
    const QByteArray dev = name.toLocal8Bit();
    if (dev.isEmpty() || dev.size() >= IFNAMSIZ)
        return false;
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    ifreq request{};
    std::memcpy(request.ifr_name, dev.constData(), static_cast<std::size_t>(dev.size()));
    const bool loopback = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0 && (request.ifr_flags & IFF_LOOPBACK) != 0;
    ::close(fd);
    return loopback;
}

} // namespace lbdeck::traffic
