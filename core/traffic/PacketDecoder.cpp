// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "PacketDecoder.h"

#include <pcap/dlt.h>

namespace lbdeck::traffic {

namespace {

constexpr std::uint16_t EtherTypeIpv4 = 0x0800;
constexpr std::uint16_t EtherTypeIpv6 = 0x86dd;
constexpr std::uint16_t EtherTypeVlan = 0x8100;
constexpr std::uint16_t EtherTypeQinQ = 0x88a8;
constexpr int MaxVlanTags = 2;
constexpr std::uint8_t ProtoTcp = 6;
constexpr std::size_t TcpMinHeader = 20;

// A bounded view: every read checks against the captured end.
struct Bytes
{
    const std::uint8_t* data;
    std::size_t size;

    bool has(std::size_t offset, std::size_t count) const { return offset <= size && count <= size - offset; }
    std::uint16_t be16(std::size_t o) const
    {
        return static_cast<std::uint16_t>((data[o] << 8) | data[o + 1]);
    }
    std::uint32_t be32(std::size_t o) const
    {
        return (std::uint32_t{data[o]} << 24) | (std::uint32_t{data[o + 1]} << 16) |
               (std::uint32_t{data[o + 2]} << 8) | std::uint32_t{data[o + 3]};
    }
    std::uint32_t host32(std::size_t o) const
    {
        std::uint32_t v = 0;
        std::memcpy(&v, data + o, 4);
        return v;
    }
};

// Link layer -> offset of the IP header and its ethertype, or a status.
DecodeStatus linkLayer(int linkType, const Bytes& b, std::size_t* offset, std::uint16_t* etherType)
{
    switch (linkType) {
    case DLT_EN10MB: {
        if (!b.has(0, 14))
            return DecodeStatus::Truncated;
        std::size_t o = 12;
        std::uint16_t type = b.be16(o);
        for (int tags = 0; type == EtherTypeVlan || type == EtherTypeQinQ; ++tags) {
            if (tags == MaxVlanTags)
                return DecodeStatus::NotIp;
            o += 4;
            if (!b.has(o, 2))
                return DecodeStatus::Truncated;
            type = b.be16(o);
        }
        *offset = o + 2;
        *etherType = type;
        return DecodeStatus::Ok;
    }
    case DLT_LINUX_SLL:
        if (!b.has(0, 16))
            return DecodeStatus::Truncated;
        *offset = 16;
        *etherType = b.be16(14);
        return DecodeStatus::Ok;
    case DLT_LINUX_SLL2:
        if (!b.has(0, 20))
            return DecodeStatus::Truncated;
        *offset = 20;
        *etherType = b.be16(0);
        return DecodeStatus::Ok;
    case DLT_NULL:
    case DLT_LOOP: {
        if (!b.has(0, 4))
            return DecodeStatus::Truncated;
        // DLT_NULL: the BSD address family in the capturing host's order; DLT_LOOP: network order.
        const std::uint32_t family = linkType == DLT_LOOP ? b.be32(0) : b.host32(0);
        *offset = 4;
        if (family == 2)
            *etherType = EtherTypeIpv4;
        else if (family == 10 || family == 24 || family == 28 || family == 30)
            *etherType = EtherTypeIpv6;
        else
            return DecodeStatus::NotIp;
        return DecodeStatus::Ok;
    }
    case DLT_RAW:
    case 101: // LINKTYPE_RAW as written in files
        if (!b.has(0, 1))
            return DecodeStatus::Truncated;
        *offset = 0;
        *etherType = (b.data[0] >> 4) == 6 ? EtherTypeIpv6 : EtherTypeIpv4;
        return DecodeStatus::Ok;
    default:
        return DecodeStatus::UnsupportedLinkType;
    }
}

DecodeStatus ipv4(const Bytes& b, std::size_t o, std::size_t wireLength, TcpPacket* out,
                  std::size_t* tcpOffset, std::uint32_t* ipPayload)
{
    if (!b.has(o, 20))
        return DecodeStatus::Truncated;
    if ((b.data[o] >> 4) != 4)
        return DecodeStatus::Malformed;
    const std::size_t ihl = std::size_t{b.data[o] & 0x0fu} * 4;
    const std::uint32_t total = b.be16(o + 2);
    if (ihl < 20 || total < ihl || o + total > wireLength)
        return DecodeStatus::Malformed;
    if (!b.has(o, ihl))
        return DecodeStatus::Truncated;
    if ((b.be16(o + 6) & 0x1fffu) != 0)
        return DecodeStatus::Fragment;
    if (b.data[o + 9] != ProtoTcp)
        return DecodeStatus::NotTcp;
    out->src.address.version = 4;
    out->dst.address.version = 4;
    std::memcpy(out->src.address.bytes.data(), b.data + o + 12, 4);
    std::memcpy(out->dst.address.bytes.data(), b.data + o + 16, 4);
    out->ipLength = total;
    *tcpOffset = o + ihl;
    *ipPayload = total - static_cast<std::uint32_t>(ihl);
    return DecodeStatus::Ok;
}

DecodeStatus ipv6(const Bytes& b, std::size_t o, std::size_t wireLength, TcpPacket* out,
                  std::size_t* tcpOffset, std::uint32_t* ipPayload)
{
    if (!b.has(o, 40))
        return DecodeStatus::Truncated;
    if ((b.data[o] >> 4) != 6)
        return DecodeStatus::Malformed;
    const std::uint32_t payload = b.be16(o + 4);
    if (o + 40 + payload > wireLength)
        return DecodeStatus::Malformed;
    out->src.address.version = 6;
    out->dst.address.version = 6;
    std::memcpy(out->src.address.bytes.data(), b.data + o + 8, 16);
    std::memcpy(out->dst.address.bytes.data(), b.data + o + 24, 16);
    out->ipLength = 40 + payload;
    std::uint8_t next = b.data[o + 6];
    std::size_t at = o + 40;
    std::uint32_t left = payload;
    // Walk hop-by-hop, routing and destination options; a fragment header means no TCP header here.
    for (int hops = 0; next == 0 || next == 43 || next == 60 || next == 44; ++hops) {
        if (next == 44)
            return DecodeStatus::Fragment;
        if (hops == 8 || !b.has(at, 8))
            return DecodeStatus::Truncated;
        const std::uint32_t extLength = (std::uint32_t{b.data[at + 1]} + 1) * 8;
        if (extLength > left)
            return DecodeStatus::Malformed;
        next = b.data[at];
        at += extLength;
        left -= extLength;
    }
    if (next != ProtoTcp)
        return DecodeStatus::NotTcp;
    *tcpOffset = at;
    *ipPayload = left;
    return DecodeStatus::Ok;
}

} // namespace

const char* decodeStatusName(DecodeStatus status)
{
    switch (status) {
    case DecodeStatus::Ok:
        return "ok";
    case DecodeStatus::UnsupportedLinkType:
        return "unsupported link type";
    case DecodeStatus::Truncated:
        return "truncated";
    case DecodeStatus::NotIp:
        return "not IP";
    case DecodeStatus::NotTcp:
        return "not TCP";
    case DecodeStatus::Fragment:
        return "fragment";
    case DecodeStatus::Malformed:
        return "malformed";
    }
    return "unknown";
}

DecodeStatus decodeTcpPacket(int linkType, const std::uint8_t* data, std::size_t caplen,
                             std::size_t wireLength, TcpPacket* out)
{
    if (data == nullptr || out == nullptr)
        return DecodeStatus::Truncated;
    if (wireLength < caplen)
        return DecodeStatus::Malformed;
    const Bytes b{data, caplen};
    std::size_t o = 0;
    std::uint16_t etherType = 0;
    if (const DecodeStatus s = linkLayer(linkType, b, &o, &etherType); s != DecodeStatus::Ok)
        return s;
    TcpPacket p;
    std::size_t tcp = 0;
    std::uint32_t ipPayload = 0;
    DecodeStatus s = DecodeStatus::NotIp;
    if (etherType == EtherTypeIpv4)
        s = ipv4(b, o, wireLength, &p, &tcp, &ipPayload);
    else if (etherType == EtherTypeIpv6)
        s = ipv6(b, o, wireLength, &p, &tcp, &ipPayload);
    if (s != DecodeStatus::Ok)
        return s;
    if (!b.has(tcp, TcpMinHeader))
        return DecodeStatus::Truncated;
    const std::uint32_t dataOffset = (std::uint32_t{b.data[tcp + 12]} >> 4) * 4;
    if (dataOffset < TcpMinHeader || dataOffset > ipPayload)
        return DecodeStatus::Malformed;
    p.src.port = b.be16(tcp);
    p.dst.port = b.be16(tcp + 2);
    p.seq = b.be32(tcp + 4);
    p.ack = b.be32(tcp + 8);
    p.flags = b.data[tcp + 13];
    p.payloadLength = ipPayload - dataOffset;
    const std::size_t start = tcp + dataOffset;
    if (start < b.size) {
        p.payload = b.data + start;
        p.payloadCaptured =
            static_cast<std::uint32_t>(std::min<std::size_t>(b.size - start, p.payloadLength));
    }
    *out = p;
    return DecodeStatus::Ok;
}

} // namespace lbdeck::traffic
