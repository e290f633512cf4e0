// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/IpEndpoint.h"

#include <cstddef>
#include <cstdint>

namespace lbdeck::traffic {

// TCP flag bits as they are in the header.
namespace tcpflag {
inline constexpr std::uint8_t Fin = 0x01;
inline constexpr std::uint8_t Syn = 0x02;
inline constexpr std::uint8_t Rst = 0x04;
inline constexpr std::uint8_t Psh = 0x08;
inline constexpr std::uint8_t Ack = 0x10;
} // namespace tcpflag

// Why a packet was not decoded. Every reason is a value; nothing throws, nothing reads past the end.
enum class DecodeStatus
{
    Ok,
    UnsupportedLinkType,
    Truncated, // a header does not fit in the captured bytes
    NotIp,     // ARP, LLDP, an unknown ethertype
    NotTcp,    // UDP, ICMP, an IPv6 extension we do not walk
    Fragment,  // a non-first IPv4 fragment or an IPv6 fragment: no TCP header to read
    Malformed, // lengths that contradict each other (IHL < 5, data offset < 5, total < header)
};

const char* decodeStatusName(DecodeStatus status);

// The layer-3/4 facts of one TCP segment.
struct TcpPacket
{
    IpEndpoint src;
    IpEndpoint dst;
    std::uint8_t flags = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint32_t ipLength = 0;      // IP header + payload, from the IP header (what is counted as bytes)
    std::uint32_t payloadLength = 0; // TCP payload bytes, from the IP header (the capture may be shorter)
    // The payload's first bytes as captured (at most payloadLength; 0 when the snaplen cut them):
    // a view into the frame, valid while it is.
    const std::uint8_t* payload = nullptr;
    std::uint32_t payloadCaptured = 0;
};

// Decodes a captured frame. linkType is a pcap DLT_* value (DLT_EN10MB with 802.1Q/802.1ad tags,
// DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP, DLT_RAW). caplen bytes are readable at data;
// wireLength is the length on the wire (pcap's len), at least caplen. Headers must lie within caplen;
// the IP lengths must fit within wireLength. Pure: no allocation, no state. *out is written, every
// field of it, only when the result is Ok (the packet path decodes into one reused TcpPacket).
DecodeStatus decodeTcpPacket(int linkType, const std::uint8_t* data, std::size_t caplen,
                             std::size_t wireLength, TcpPacket* out);

} // namespace lbdeck::traffic
