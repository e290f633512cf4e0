// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/PacketDecoder.h"

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace lbdeck::traffic::test {

// Crafts TCP segments byte by byte for the decoder and formatter tests (no socket involved).
struct SegmentSpec
{
    bool ipv6 = false;
    QString src = QStringLiteral("127.0.1.1");
    QString dst = QStringLiteral("127.0.1.3");
    std::uint16_t srcPort = 53412;
    std::uint16_t dstPort = 8001;
    std::uint8_t flags = 0x02;
    std::uint32_t seq = 1000;
    std::uint32_t ack = 0;
    int payload = 0;        // payload bytes (zeros)
    int tcpOptionWords = 0; // extra 32-bit words of TCP options (NOPs)
    bool hopByHop = false;  // IPv6: one 8-byte hop-by-hop header before TCP
};

// The IP packet (IPv4 or IPv6 header, TCP header, payload).
QByteArray ipPacket(const SegmentSpec& spec);
// The IP packet in a link-layer frame of `dlt` (DLT_EN10MB with `vlanTags` 802.1Q tags, DLT_LINUX_SLL,
// DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP, DLT_RAW).
QByteArray frame(int dlt, const QByteArray& ip, bool ipv6, int vlanTags = 0);
// Offset of the IP header in frame(dlt, ..., vlanTags).
int linkHeaderLength(int dlt, int vlanTags = 0);

// A decoded segment as the counters see it, for tests that feed them directly: "IP:PORT" or
// "[v6]:PORT" endpoints (a bad one aborts the test), IP length from the header size and payload.
IpEndpoint endpoint(const char* key);
TcpPacket segment(const char* src, const char* dst, std::uint8_t flags, std::uint32_t payload = 0);

} // namespace lbdeck::traffic::test
