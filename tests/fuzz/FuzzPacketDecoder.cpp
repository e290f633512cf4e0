// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// libFuzzer target: the packet decoder must never crash or read past the captured bytes, whatever
// the wire holds. Byte 0 picks the link type, byte 1 how much longer the wire packet was than the
// capture (snaplen); the rest is the frame. Decoded packets go on through the tcpdump line and the
// counters (flow table), so their invariants hold for whatever the decoder lets through.
#include "core/traffic/PacketDecoder.h"
#include "core/traffic/TcpdumpLine.h"
#include "core/traffic/TrafficCounters.h"

#include <pcap/dlt.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2)
        return 0;
    static const int linkTypes[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP, DLT_RAW,
                                    101,        9999};
    const int dlt = linkTypes[data[0] % (sizeof linkTypes / sizeof linkTypes[0])];
    const std::size_t caplen = size - 2;
    const std::size_t wire = caplen + (data[1] & 0x7f);
    lbdeck::traffic::TcpPacket p;
    const lbdeck::traffic::DecodeStatus s = lbdeck::traffic::decodeTcpPacket(dlt, data + 2, caplen, wire, &p);
    if (s != lbdeck::traffic::DecodeStatus::Ok)
        return 0;
    if (p.payloadLength > p.ipLength || p.ipLength > wire)
        std::abort();
    if (tcpdumpLine(0, 0, p).isEmpty())
        std::abort();
    lbdeck::traffic::TrafficCounters counters(4);
    counters.setUpstreams({p.dst, p.src});
    counters.count(p, 1);
    lbdeck::traffic::TcpPacket back = p;
    std::swap(back.src, back.dst);
    back.flags = static_cast<std::uint8_t>(p.flags ^ (data[1] & 0x80 ? 0x04 : 0x01));
    counters.count(back, 2);
    const lbdeck::traffic::UpstreamRow* r = counters.row(lbdeck::traffic::endpointKey(p.dst));
    if (r == nullptr || r->open < 0 || counters.flows().size() > counters.flows().capacity())
        std::abort();
    return 0;
}
