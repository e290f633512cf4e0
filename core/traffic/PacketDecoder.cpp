// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "PacketDecoder.h"

#include <pcap/dlt.h>

#include <algorithm>
#include <cstring>

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

// Where the layer-3 header said the addresses and the TCP header are; nothing written yet.
struct IpHeader
{
    std::size_t addresses = 0; // offset of the source address (the destination follows it)
    std::uint8_t version = 0;
    std::uint32_t ipLength = 0; // header + payload
    std::size_t tcp = 0;
    std::uint32_t ipPayload = 0; // what follows the IP headers (extensions included): TCP header + data
};

DecodeStatus ipv4(const Bytes& b, std::size_t o, std::size_t wireLength, IpHeader* h)
{
    if (!b.has(o, 20)) [[unlikely]]
        return DecodeStatus::Truncated;
    if ((b.data[o] >> 4) != 4) [[unlikely]]
        return DecodeStatus::Malformed;
    const std::size_t ihl = std::size_t{b.data[o] & 0x0fu} * 4;
    const std::uint32_t total = b.be16(o + 2);
    if (ihl < 20 || total < ihl || o + total > wireLength) [[unlikely]]
        return DecodeStatus::Malformed;
    if (!b.has(o, ihl)) [[unlikely]]
        return DecodeStatus::Truncated;
    if ((b.be16(o + 6) & 0x1fffu) != 0) [[unlikely]]
        return DecodeStatus::Fragment;
    if (b.data[o + 9] != ProtoTcp) [[unlikely]]
        return DecodeStatus::NotTcp;
    h->addresses = o + 12;
    h->version = 4;
    h->ipLength = total;
    h->tcp = o + ihl;
    h->ipPayload = total - static_cast<std::uint32_t>(ihl);
    return DecodeStatus::Ok;
}

DecodeStatus ipv6(const Bytes& b, std::size_t o, std::size_t wireLength, IpHeader* h)
{
    if (!b.has(o, 40))
        return DecodeStatus::Truncated;
    if ((b.data[o] >> 4) != 6)
        return DecodeStatus::Malformed;
    const std::uint32_t payload = b.be16(o + 4);
    if (o + 40 + payload > wireLength)
        return DecodeStatus::Malformed;
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
    h->addresses = o + 8;
    h->version = 6;
    h->ipLength = 40 + payload;
    h->tcp = at;
    h->ipPayload = left;
    return DecodeStatus::Ok;
}

// The address at data, every byte of the 16 set (an IPv4 one zero-padded), as IpAddress holds it.
void storeAddress(IpAddress* a, std::uint8_t version, const std::uint8_t* data)
{
    a->version = version;
    if (version == 4) [[likely]] {
        a->bytes = {};
        std::memcpy(a->bytes.data(), data, 4);
    } else {
        std::memcpy(a->bytes.data(), data, 16);
    }
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
    if (data == nullptr || out == nullptr) [[unlikely]]
        return DecodeStatus::Truncated;
    if (wireLength < caplen) [[unlikely]]
        return DecodeStatus::Malformed;
    const Bytes b{data, caplen};
    std::size_t o = 0;
    std::uint16_t etherType = 0;
    // Untagged Ethernet (lo, most NICs) first; tags and the other link types take the general path.
    if (linkType == DLT_EN10MB && b.has(0, 14) && b.be16(12) != EtherTypeVlan && b.be16(12) != EtherTypeQinQ)
        [[likely]] {
        o = 14;
        etherType = b.be16(12);
    } else if (const DecodeStatus s = linkLayer(linkType, b, &o, &etherType); s != DecodeStatus::Ok) {
        return s;
    }
    IpHeader h;
    DecodeStatus s = DecodeStatus::NotIp;
    if (etherType == EtherTypeIpv4) [[likely]]
        s = ipv4(b, o, wireLength, &h);
    else if (etherType == EtherTypeIpv6)
        s = ipv6(b, o, wireLength, &h);
    if (s != DecodeStatus::Ok) [[unlikely]]
        return s;
    const std::size_t tcp = h.tcp;
    if (!b.has(tcp, TcpMinHeader)) [[unlikely]]
        return DecodeStatus::Truncated;
    const std::uint32_t dataOffset = (std::uint32_t{b.data[tcp + 12]} >> 4) * 4;
    if (dataOffset < TcpMinHeader || dataOffset > h.ipPayload) [[unlikely]]
        return DecodeStatus::Malformed;
    // Valid: written straight into *out (untouched on every failure above), each field once.
    const std::size_t addressSize = h.version == 4 ? 4 : 16;
    storeAddress(&out->src.address, h.version, b.data + h.addresses);
    storeAddress(&out->dst.address, h.version, b.data + h.addresses + addressSize);
    out->src.port = b.be16(tcp);
    out->dst.port = b.be16(tcp + 2);
    out->seq = b.be32(tcp + 4);
    out->ack = b.be32(tcp + 8);
    out->flags = b.data[tcp + 13];
    out->ipLength = h.ipLength;
    const std::uint32_t payloadLength = h.ipPayload - dataOffset;
    out->payloadLength = payloadLength;
    const std::size_t start = tcp + dataOffset;
    if (start < b.size) {
        out->payload = b.data + start;
        out->payloadCaptured =
            static_cast<std::uint32_t>(std::min<std::size_t>(b.size - start, payloadLength));
    } else {
        out->payload = nullptr;
        out->payloadCaptured = 0;
    }
    return DecodeStatus::Ok;
}

} // namespace lbdeck::traffic
