// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TrafficCounters.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_set>

namespace lbdeck::traffic {

RowIndex::RowIndex()
    : m_slots(16)
    , m_mask(15)
    , m_shift(64 - 4)
{}

void RowIndex::place(std::uint64_t word, int row)
{
    std::size_t i = home(word);
    while (m_slots[i].word != 0)
        i = (i + 1) & m_mask;
    m_slots[i] = {word, row};
}

void RowIndex::add(std::uint64_t word, int row)
{
    if ((m_size + 1) * 2 > m_slots.size()) {
        std::vector<Slot> old(m_slots.size() * 2);
        old.swap(m_slots);
        m_mask = m_slots.size() - 1;
        m_shift = 64 - std::countr_zero(m_slots.size());
        for (const Slot& s : old)
            if (s.word != 0)
                place(s.word, s.row);
    }
    place(word, row);
    ++m_size;
}

TrafficCounters::TrafficCounters(std::size_t flowCapacity)
    : m_flows(flowCapacity == 0 ? kMinFlows : flowCapacity)
    , m_autoCapacity(flowCapacity == 0)
{}

void TrafficCounters::setUpstreams(const std::vector<IpEndpoint>& upstreams)
{
    const std::unordered_set<IpEndpoint, EndpointHash> wanted(upstreams.cbegin(), upstreams.cend());
    for (UpstreamRow& r : m_rows) {
        if (wanted.count(r.endpoint) != 0)
            r.state = RowState::Registered;
        else if (r.state == RowState::Registered || r.state == RowState::Draining)
            r.state = r.open > 0 ? RowState::Draining : RowState::Left;
    }
    for (const IpEndpoint& e : upstreams) {
        const std::uint64_t word = endpointWord(e);
        if (m_index.find(e, word, m_rows) < 0)
            addRow(e, word, RowState::Registered);
    }
    if (m_autoCapacity)
        m_flows.grow(std::clamp(upstreams.size() * kFlowsPerUpstream, kMinFlows, kMaxFlows));
    rebuildPorts();
}

void TrafficCounters::rebuildPorts()
{
    m_portInRange.reset();
    for (const UpstreamRow& r : m_rows)
        if (r.state == RowState::Registered || r.state == RowState::Draining)
            m_portInRange.set(r.endpoint.port);
}

void TrafficCounters::setFrontPorts(const std::vector<std::uint16_t>& ports)
{
    m_frontPort.reset();
    for (std::uint16_t p : ports)
        m_frontPort.set(p);
}

std::vector<std::uint16_t> TrafficCounters::filterPorts() const
{
    std::vector<std::uint16_t> out;
    for (std::size_t p = 0; p < m_portInRange.size(); ++p)
        if (m_portInRange.test(p) || m_frontPort.test(p))
            out.push_back(static_cast<std::uint16_t>(p));
    return out;
}

void TrafficCounters::countFront(const TcpPacket& p)
{
    const bool in = m_frontPort.test(p.dst.port);
    if (!in && !m_frontPort.test(p.src.port)) {
        ++m_unmatched;
        return;
    }
    ClientCounters* c = m_clients.at(in ? p.src.address : p.dst.address);
    if (c == nullptr)
        return; // full: counted as overflow by the table
    (in ? c->packetsIn : c->packetsOut) += 1;
    (in ? c->bytesIn : c->bytesOut) += p.ipLength;
    if (in && (p.flags & tcpflag::Syn) != 0 && (p.flags & tcpflag::Ack) == 0)
        ++c->connections;
}

std::vector<std::uint16_t> TrafficCounters::ports() const
{
    std::vector<std::uint16_t> out;
    for (std::size_t p = 0; p < m_portInRange.size(); ++p)
        if (m_portInRange.test(p))
            out.push_back(static_cast<std::uint16_t>(p));
    return out;
}

const UpstreamRow* TrafficCounters::row(const std::string& key) const
{
    for (const UpstreamRow& r : m_rows)
        if (r.key == key)
            return &r;
    return nullptr;
}

int TrafficCounters::addRow(const IpEndpoint& e, std::uint64_t word, RowState state)
{
    UpstreamRow r;
    r.key = endpointKey(e);
    r.endpoint = e;
    r.state = state;
    const int index = static_cast<int>(m_rows.size());
    m_rows.push_back(std::move(r));
    m_index.add(word, index);
    return index;
}

// The caller checked the port: registered and draining rows always have theirs in range, and the
// kernel filter passes nothing else, so a client's ephemeral port is turned away before any hashing.
int TrafficCounters::rowFor(const IpEndpoint& e, std::uint64_t word)
{
    const int found = m_index.find(e, word, m_rows);
    return found >= 0 ? found : addRow(e, word, RowState::Unregistered);
}

void TrafficCounters::settleClosed(UpstreamRow& r)
{
    --r.open;
    if (r.open == 0 && r.state == RowState::Draining) {
        r.state = RowState::Left;
        rebuildPorts();
    }
}

void TrafficCounters::close(Flow* flow)
{
    UpstreamRow& r = m_rows[static_cast<std::size_t>(flow->row)];
    m_flows.erase(flow);
    settleClosed(r);
}

std::size_t TrafficCounters::expireIdle(std::uint64_t nowUs, std::uint64_t idleUs)
{
    const std::size_t n = m_flows.eraseIf([&](const Flow& f) {
        if (f.lastSeenUs + idleUs > nowUs)
            return false;
        settleClosed(m_rows[static_cast<std::size_t>(f.row)]);
        return true;
    });
    m_expired += n;
    return n;
}

void TrafficCounters::count(const TcpPacket& p, std::uint64_t timeUs)
{
    Direction dir = Direction::ToBackend;
    int index = -1;
    std::uint64_t serverWord = 0;
    if (m_portInRange.test(p.dst.port)) {
        serverWord = endpointWord(p.dst);
        index = rowFor(p.dst, serverWord);
    } else if (m_portInRange.test(p.src.port)) {
        serverWord = endpointWord(p.src);
        index = rowFor(p.src, serverWord);
        dir = Direction::FromBackend;
    } else {
        countFront(p);
        return;
    }
    UpstreamRow& r = m_rows[static_cast<std::size_t>(index)];
    DirectionCounters& c = r.direction[static_cast<int>(dir)];
    ++c.packets;
    c.bytes += p.ipLength;
    const bool syn = (p.flags & tcpflag::Syn) != 0;
    const bool ack = (p.flags & tcpflag::Ack) != 0;
    const bool fin = (p.flags & tcpflag::Fin) != 0;
    const bool rst = (p.flags & tcpflag::Rst) != 0;
    // A server that left gets traffic again only with a new connection; the last ACK of a flow
    // that closed before it left does not make it "unregistered".
    if (r.state == RowState::Left && syn && !ack && dir == Direction::ToBackend)
        r.state = RowState::Unregistered;
    c.syn += syn ? 1 : 0;
    c.fin += fin ? 1 : 0;
    c.rst += rst ? 1 : 0;

    const IpEndpoint& server = dir == Direction::ToBackend ? p.dst : p.src;
    const IpEndpoint& client = dir == Direction::ToBackend ? p.src : p.dst;
    const std::uint64_t clientWord = endpointWord(client);
    Flow* flow = m_flows.find(client, server, clientWord, serverWord);
    if (flow == nullptr) {
        if (!(syn && !ack && dir == Direction::ToBackend))
            return; // flows start at a SYN; the last ACK after both FINs lands here too
        flow = m_flows.insert(client, server, clientWord, serverWord);
        if (flow == nullptr)
            return; // full: counted as overflow by the table
        flow->row = index;
        flow->synTimeUs = timeUs;
        ++r.connections;
        ++r.open;
    }
    flow->lastSeenUs = timeUs;
    if (dir == Direction::ToBackend && p.payloadCaptured > 0 && !flow->payloadSeen) {
        flow->payloadSeen = true;
        // "GET " kProbeTarget " ": the request line of lbdeck's probes.
        constexpr std::size_t target = sizeof(kProbeTarget) - 1;
        const std::uint8_t* d = p.payload;
        if (p.payloadCaptured >= 4 + target + 1 && std::memcmp(d, "GET ", 4) == 0 &&
            std::memcmp(d + 4, kProbeTarget, target) == 0 && d[4 + target] == ' ') {
            flow->probe = true;
            ++r.probes;
        }
    }
    if (syn && ack && dir == Direction::FromBackend && !flow->synAckSeen) {
        flow->synAckSeen = true;
        const std::uint64_t rtt = timeUs >= flow->synTimeUs ? timeUs - flow->synTimeUs : 0;
        r.rttMinUs = r.rttCount == 0 ? rtt : std::min(r.rttMinUs, rtt);
        r.rttMaxUs = std::max(r.rttMaxUs, rtt);
        r.rttSumUs += rtt;
        r.rttLastUs = rtt;
        ++r.rttCount;
    }
    if (rst) {
        close(flow);
        return;
    }
    if (fin) {
        (dir == Direction::ToBackend ? flow->finFromClient : flow->finFromServer) = true;
        if (flow->finFromClient && flow->finFromServer)
            close(flow);
    }
}

} // namespace lbdeck::traffic
