// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/ClientTable.h"
#include "core/traffic/FlowTable.h"
#include "core/traffic/IpEndpoint.h"
#include "core/traffic/PacketDecoder.h"

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

namespace lbdeck::traffic {

enum class Direction
{
    ToBackend = 0,
    FromBackend = 1,
};

struct DirectionCounters
{
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0; // IP bytes (header + payload, from the IP header)
    std::uint64_t syn = 0;
    std::uint64_t rst = 0;
    std::uint64_t fin = 0;
};

// The request target lbdeck's health probes send ("GET /?lbdeck-probe HTTP/1.1"): the meter sees
// it in a connection's first data segment, within any headers-only snaplen, and labels the flow.
inline constexpr char kProbeTarget[] = "/?lbdeck-probe";

enum class RowState
{
    Registered,   // in the upstream set
    Draining,     // removed from the set, flows still open: stays in until the last one closes
    Unregistered, // a destination port in range, an address not in the set: counted, marked as such
    Left,         // removed and drained; the totals stay, new traffic makes it Unregistered
};

struct UpstreamRow
{
    std::string key; // "IP:PORT"
    IpEndpoint endpoint;
    RowState state = RowState::Registered;
    DirectionCounters direction[2];
    std::uint64_t connections = 0; // flows opened (a SYN to it that the table took)
    std::int64_t open = 0;         // flows open now
    std::uint64_t probes = 0;      // of the connections, lbdeck's own health probes (kProbeTarget)
    std::uint64_t rttCount = 0;    // handshakes measured, SYN -> SYN-ACK
    std::uint64_t rttSumUs = 0;
    std::uint64_t rttMinUs = 0;
    std::uint64_t rttMaxUs = 0;
    std::uint64_t rttLastUs = 0;

    const DirectionCounters& to() const { return direction[0]; }
    const DirectionCounters& from() const { return direction[1]; }
};

struct EndpointHash
{
    std::size_t operator()(const IpEndpoint& e) const { return static_cast<std::size_t>(hashEndpoint(e)); }
};

// The rows by endpoint: a flat open-addressing table of endpointWord() -> row index, at most half
// full, grown (allocating) only when a row is added.
class RowIndex
{
public:
    RowIndex();
    // The row of `e` (whose endpointWord() is `word`), or -1; rows is what the indices point into.
    int find(const IpEndpoint& e, std::uint64_t word, const std::vector<UpstreamRow>& rows) const
    {
        for (std::size_t i = home(word);; i = (i + 1) & m_mask) {
            const Slot& s = m_slots[i];
            if (s.word == 0)
                return -1;
            if (s.word == word && (isExactWord(word) || rows[static_cast<std::size_t>(s.row)].endpoint == e))
                return s.row;
        }
    }
    // Adds row `row` (not in yet) under `word`.
    void add(std::uint64_t word, int row);

private:
    struct Slot
    {
        std::uint64_t word = 0; // 0: empty
        int row = -1;
    };
    std::size_t home(std::uint64_t word) const
    {
        return static_cast<std::size_t>((word * 0x9e3779b97f4a7c15ULL) >> m_shift);
    }
    void place(std::uint64_t word, int row);

    std::vector<Slot> m_slots;
    std::size_t m_mask = 0;
    int m_shift = 63;
    std::size_t m_size = 0;
};

// Per-upstream counters from decoded TCP packets, with the flows behind open connections and RTT.
// count() allocates nothing except when a new unregistered address first appears.
class TrafficCounters
{
public:
    // flowCapacity 0: sized by the upstream set, kFlowsPerUpstream each, between kMinFlows and
    // kMaxFlows, grown (outside the packet path) when the set grows.
    static constexpr std::size_t kFlowsPerUpstream = 128;
    static constexpr std::size_t kMinFlows = 4096;
    static constexpr std::size_t kMaxFlows = std::size_t{1} << 20;
    explicit TrafficCounters(std::size_t flowCapacity);

    // The registered upstream servers. Ones that leave with open flows drain first.
    void setUpstreams(const std::vector<IpEndpoint>& upstreams);
    // Destination ports in range: those of registered and draining rows, ascending.
    std::vector<std::uint16_t> ports() const;
    // nginx's own listening ports: packets to and from them are counted per client address.
    void setFrontPorts(const std::vector<std::uint16_t>& ports);
    // What the kernel filter passes: ports() and the front ports, ascending.
    std::vector<std::uint16_t> filterPorts() const;
    const ClientTable& clients() const { return m_clients; }

    void count(const TcpPacket& packet, std::uint64_t timeUs);
    // Forgets flows silent for idleUs (their FIN or RST was dropped or came before the capture);
    // they no longer count as open. Returns how many.
    std::size_t expireIdle(std::uint64_t nowUs, std::uint64_t idleUs);

    const std::vector<UpstreamRow>& rows() const { return m_rows; }
    const UpstreamRow* row(const std::string& key) const;
    const FlowTable& flows() const { return m_flows; }
    // Packets that matched no row (ports out of range).
    std::uint64_t unmatched() const { return m_unmatched; }
    // Flows forgotten by expireIdle() since start.
    std::uint64_t expired() const { return m_expired; }

private:
    int rowFor(const IpEndpoint& e, std::uint64_t word);
    int addRow(const IpEndpoint& e, std::uint64_t word, RowState state);
    void rebuildPorts();
    void countFront(const TcpPacket& packet);
    void close(Flow* flow);
    void settleClosed(UpstreamRow& row);

    std::vector<UpstreamRow> m_rows;
    RowIndex m_index;
    std::bitset<65536> m_portInRange;
    std::bitset<65536> m_frontPort;
    ClientTable m_clients;
    FlowTable m_flows;
    std::uint64_t m_unmatched = 0;
    std::uint64_t m_expired = 0;
    bool m_autoCapacity = false;
};

} // namespace lbdeck::traffic
