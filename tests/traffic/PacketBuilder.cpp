// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "PacketBuilder.h"

#include <QHostAddress>

#include <pcap/dlt.h>

#include <cstring>

namespace lbdeck::traffic::test {

namespace {

void put16(QByteArray& b, std::uint16_t v)
{
    b.append(static_cast<char>(v >> 8));
    b.append(static_cast<char>(v & 0xff));
}

void put32(QByteArray& b, std::uint32_t v)
{
    put16(b, static_cast<std::uint16_t>(v >> 16));
    put16(b, static_cast<std::uint16_t>(v & 0xffff));
}

QByteArray addressBytes(const QString& text, bool ipv6)
{
    const QHostAddress a(text);
    QByteArray out;
    if (ipv6) {
        const Q_IPV6ADDR v6 = a.toIPv6Address();
        out.append(reinterpret_cast<const char*>(v6.c), 16);
    } else {
        put32(out, a.toIPv4Address());
    }
    return out;
}

} // namespace

QByteArray ipPacket(const SegmentSpec& s)
{
    QByteArray tcp;
    put16(tcp, s.srcPort);
    put16(tcp, s.dstPort);
    put32(tcp, s.seq);
    put32(tcp, s.ack);
    tcp.append(static_cast<char>((5 + s.tcpOptionWords) << 4));
    tcp.append(static_cast<char>(s.flags));
    put16(tcp, 65535); // window
    put16(tcp, 0);     // checksum (tcpdump -q does not check it)
    put16(tcp, 0);     // urgent
    tcp.append(QByteArray(s.tcpOptionWords * 4, '\x01'));
    tcp.append(QByteArray(s.payload, '\0'));

    QByteArray ip;
    if (s.ipv6) {
        QByteArray ext;
        if (s.hopByHop) {
            ext.append('\x06'); // next: TCP
            ext.append('\x00'); // 8 bytes
            ext.append(QByteArray(6, '\x00'));
        }
        put32(ip, 0x60000000u);
        put16(ip, static_cast<std::uint16_t>(ext.size() + tcp.size()));
        ip.append(s.hopByHop ? '\x00' : '\x06');
        ip.append('\x40');
        ip.append(addressBytes(s.src, true));
        ip.append(addressBytes(s.dst, true));
        ip.append(ext);
    } else {
        ip.append('\x45');
        ip.append('\x00');
        put16(ip, static_cast<std::uint16_t>(20 + tcp.size()));
        put16(ip, 0x1234); // id
        put16(ip, 0x4000); // DF
        ip.append('\x40'); // ttl
        ip.append('\x06'); // TCP
        put16(ip, 0);      // checksum
        ip.append(addressBytes(s.src, false));
        ip.append(addressBytes(s.dst, false));
    }
    ip.append(tcp);
    return ip;
}

int linkHeaderLength(int dlt, int vlanTags)
{
    switch (dlt) {
    case DLT_EN10MB:
        return 14 + 4 * vlanTags;
    case DLT_LINUX_SLL:
        return 16;
    case DLT_LINUX_SLL2:
        return 20;
    case DLT_NULL:
    case DLT_LOOP:
        return 4;
    default:
        return 0;
    }
}

QByteArray frame(int dlt, const QByteArray& ip, bool ipv6, int vlanTags)
{
    const std::uint16_t type = ipv6 ? 0x86dd : 0x0800;
    QByteArray f;
    switch (dlt) {
    case DLT_EN10MB:
        f.append(QByteArray(6, '\x00'));                     // destination MAC
        f.append(QByteArray("\x02\x00\x00\x00\x00\x01", 6)); // source MAC
        for (int i = 0; i < vlanTags; ++i) {
            put16(f, i == 0 && vlanTags > 1 ? 0x88a8 : 0x8100);
            put16(f, static_cast<std::uint16_t>(100 + i));
        }
        put16(f, type);
        break;
    case DLT_LINUX_SLL:
        put16(f, 0);   // packet type: to us
        put16(f, 772); // ARPHRD_LOOPBACK
        put16(f, 6);
        f.append(QByteArray(8, '\x00'));
        put16(f, type);
        break;
    case DLT_LINUX_SLL2:
        put16(f, type);
        put16(f, 0); // reserved
        put32(f, 1); // interface index
        put16(f, 772);
        f.append('\x00'); // packet type
        f.append('\x06'); // address length
        f.append(QByteArray(8, '\x00'));
        break;
    case DLT_NULL: {
        const std::uint32_t family = ipv6 ? 10 : 2;
        f.append(reinterpret_cast<const char*>(&family), 4);
        break;
    }
    case DLT_LOOP:
        put32(f, ipv6 ? 24 : 2);
        break;
    default:
        break;
    }
    f.append(ip);
    return f;
}

IpEndpoint endpoint(const char* key)
{
    IpEndpoint e;
    if (!parseEndpointKey(key, &e))
        qFatal("bad endpoint %s", key);
    return e;
}

TcpPacket segment(const char* src, const char* dst, std::uint8_t flags, std::uint32_t payload)
{
    TcpPacket p;
    p.src = endpoint(src);
    p.dst = endpoint(dst);
    p.flags = flags;
    p.payloadLength = payload;
    p.ipLength = (p.src.address.version == 6 ? 60 : 40) + payload;
    return p;
}

} // namespace lbdeck::traffic::test
