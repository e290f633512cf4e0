// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/traffic/CaptureFilter.h"
#include "core/traffic/ClientTable.h"
#include "core/traffic/FlowTable.h"
#include "core/traffic/TrafficCounters.h"
#include "tests/traffic/PacketBuilder.h"

#include <QTest>

#include <pcap/pcap.h>

#include <map>
#include <random>

using namespace lbdeck::traffic;
using namespace Qt::StringLiterals;
using namespace lbdeck::traffic::test;

namespace {

// A full connection: handshake (RTT rttUs), one request and answer, FIN both ways, last ACK.
void connection(TrafficCounters& c, const char* client, const char* server, std::uint64_t t,
                std::uint64_t rttUs)
{
    c.count(segment(client, server, tcpflag::Syn), t);
    c.count(segment(server, client, tcpflag::Syn | tcpflag::Ack), t + rttUs);
    c.count(segment(client, server, tcpflag::Ack), t + rttUs + 1);
    c.count(segment(client, server, tcpflag::Ack | tcpflag::Psh, 100), t + rttUs + 2);
    c.count(segment(server, client, tcpflag::Ack | tcpflag::Psh, 300), t + rttUs + 3);
    c.count(segment(client, server, tcpflag::Fin | tcpflag::Ack), t + rttUs + 4);
    c.count(segment(server, client, tcpflag::Fin | tcpflag::Ack), t + rttUs + 5);
    c.count(segment(client, server, tcpflag::Ack), t + rttUs + 6);
}

} // namespace

class TestTrafficCounters : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void endpointKeys();
    void filterIsCoarse();
    void flowTableIsBounded();
    void flowTableMatchesAReference();
    void countsAConnection();
    void resetClosesAFlow();
    void removedBackendDrainsBeforeLeaving();
    void unregisteredDestinationGetsItsOwnRow();
    void fullTableCountsOverflow();
    void autoCapacityGrowsWithTheUpstreamSet();
    void frontSideCountsClients();
    void healthProbesAreLabelled();
    void idleFlowsExpire();
    void flowTableSweepSeesEveryFlow();
};

void TestTrafficCounters::endpointKeys()
{
    IpEndpoint e;
    QVERIFY(parseEndpointKey("127.0.1.3:8001", &e));
    QCOMPARE(QString::fromStdString(endpointKey(e)), u"127.0.1.3:8001"_s);
    QVERIFY(parseEndpointKey("[fd00::0:1]:443", &e));
    QCOMPARE(QString::fromStdString(endpointKey(e)), u"[fd00::1]:443"_s);
    QVERIFY(!parseEndpointKey("127.0.1.3", &e));
    QVERIFY(!parseEndpointKey("127.0.1.3:0", &e));
    QVERIFY(!parseEndpointKey("127.0.1.3:65536", &e));
    QVERIFY(!parseEndpointKey("fd00::1:80", &e));
    QVERIFY(!parseEndpointKey("host:80", &e));
    QVERIFY(!parseEndpointKey("1.2.3.4:80x", &e));
}

void TestTrafficCounters::filterIsCoarse()
{
    QCOMPARE(captureFilter({8001, 8002}), u"tcp and (port 8001 or port 8002)"_s);
    QCOMPARE(captureFilter({}), u"tcp and port 0"_s);
    // Loopback: the kernel keeps the incoming copy only.
    QCOMPARE(captureFilter({8001, 8002}, true), u"inbound and tcp and (port 8001 or port 8002)"_s);
    QCOMPARE(captureFilter({}, true), u"inbound and tcp and port 0"_s);
    // 1,000 backends on 3 ports make a 3-term filter.
    TrafficCounters c(16);
    std::vector<IpEndpoint> set;
    for (int i = 0; i < 1000; ++i) {
        const std::string key = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + ":" +
                                std::to_string(8000 + i % 3);
        set.push_back(endpoint(key.c_str()));
    }
    c.setUpstreams(set);
    QCOMPARE(captureFilter(c.ports()), u"tcp and (port 8000 or port 8001 or port 8002)"_s);
    // 1,000 backends each on its own port, as the seed names them (apache-8001...): a few ranges that
    // cover every port, and a program that compiles at once and that the kernel accepts.
    std::vector<std::uint16_t> ports;
    for (int i = 0; i < 1000; ++i)
        ports.push_back(std::uint16_t(8001 + i * 3 + (i % 7 == 0 ? 40 : 0)));
    ports.push_back(443);
    ports.push_back(30000);
    const QString wide = captureFilter(ports);
    QVERIFY(wide.count(u" or "_s) < int(MaxFilterTerms));
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 128);
    bpf_program program{};
    QCOMPARE(pcap_compile(dead, &program, wide.toLatin1().constData(), 1, PCAP_NETMASK_UNKNOWN), 0);
    QVERIFY2(program.bf_len < 512, qPrintable(wide)); // far below the kernel's 4,096 instructions
    for (const std::uint16_t p : ports) {
        // Every port passes the filter: a SYN to it, as the kernel would test it.
        QByteArray frame(54, '\0');
        frame[12] = 0x08; // IPv4
        frame[14] = 0x45;
        frame[17] = 40;
        frame[23] = 6; // TCP
        frame[36] = char(p >> 8);
        frame[37] = char(p & 0xff);
        frame[46] = 0x50;
        pcap_pkthdr h{};
        h.caplen = h.len = 54;
        QVERIFY2(pcap_offline_filter(&program, &h, reinterpret_cast<const u_char*>(frame.constData())) != 0,
                 qPrintable(QString::number(p)));
    }
    pcap_freecode(&program);
    // The loopback form compiles too (for a live capture: "inbound" reads the kernel's packet type),
    // one instruction pair longer.
    const QString inbound = captureFilter(ports, true);
    QCOMPARE(pcap_compile(dead, &program, inbound.toLatin1().constData(), 1, PCAP_NETMASK_UNKNOWN), 0);
    QVERIFY2(program.bf_len < 512, qPrintable(inbound));
    pcap_freecode(&program);
    pcap_close(dead);
}

void TestTrafficCounters::flowTableIsBounded()
{
    FlowTable t(3);
    QCOMPARE(t.capacity(), std::size_t{3});
    const IpEndpoint s = endpoint("127.0.1.3:8001");
    Flow* a = t.insert(endpoint("127.0.0.1:1"), s);
    QVERIFY(t.insert(endpoint("127.0.0.1:2"), s));
    QVERIFY(t.insert(endpoint("127.0.0.1:3"), s));
    QVERIFY(a);
    QCOMPARE(t.insert(endpoint("127.0.0.1:4"), s), nullptr);
    QCOMPARE(t.overflow(), 1u);
    QCOMPARE(t.size(), std::size_t{3});
    t.erase(t.find(endpoint("127.0.0.1:2"), s));
    QCOMPARE(t.find(endpoint("127.0.0.1:2"), s), nullptr);
    QVERIFY(t.find(endpoint("127.0.0.1:1"), s));
    QVERIFY(t.find(endpoint("127.0.0.1:3"), s));
    QVERIFY(t.insert(endpoint("127.0.0.1:4"), s));
    QCOMPARE(t.size(), std::size_t{3});
}

void TestTrafficCounters::flowTableMatchesAReference()
{
    // Random inserts and erases against std::map: backward-shift deletion must never lose a flow.
    FlowTable t(512);
    std::map<int, int> ref; // client port -> row
    std::mt19937 rng(9);
    const IpEndpoint s = endpoint("127.0.1.3:8001");
    for (int i = 0; i < 20000; ++i) {
        const int port = 1 + static_cast<int>(rng() % 800);
        const std::string key = "127.0.0.1:" + std::to_string(port);
        const IpEndpoint c = endpoint(key.c_str());
        Flow* f = t.find(c, s);
        QCOMPARE(f != nullptr, ref.count(port) == 1);
        if (f) {
            QCOMPARE(f->row, ref[port]);
            t.erase(f);
            ref.erase(port);
        } else if (Flow* n = t.insert(c, s)) {
            n->row = i;
            ref[port] = i;
        } else {
            QCOMPARE(ref.size(), std::size_t{512});
        }
        QCOMPARE(t.size(), ref.size());
    }
    for (const auto& [port, row] : ref) {
        const std::string key = "127.0.0.1:" + std::to_string(port);
        Flow* f = t.find(endpoint(key.c_str()), s);
        QVERIFY(f);
        QCOMPARE(f->row, row);
    }
}

void TestTrafficCounters::countsAConnection()
{
    TrafficCounters c(64);
    c.setUpstreams({endpoint("127.0.1.3:8001"), endpoint("[fd00::3]:8001")});
    connection(c, "127.0.1.1:50000", "127.0.1.3:8001", 1'000'000, 250);
    connection(c, "127.0.1.1:50001", "127.0.1.3:8001", 2'000'000, 750);
    connection(c, "[fd00::1]:50000", "[fd00::3]:8001", 3'000'000, 100);
    const UpstreamRow* r = c.row("127.0.1.3:8001");
    QVERIFY(r);
    QCOMPARE(r->state, RowState::Registered);
    QCOMPARE(r->to().packets, 10u);
    QCOMPARE(r->from().packets, 6u);
    QCOMPARE(r->to().bytes, 10u * 40 + 2 * 100);
    QCOMPARE(r->from().bytes, 6u * 40 + 2 * 300);
    QCOMPARE(r->to().syn, 2u);
    QCOMPARE(r->from().syn, 2u);
    QCOMPARE(r->to().fin, 2u);
    QCOMPARE(r->from().fin, 2u);
    QCOMPARE(r->connections, 2u);
    QCOMPARE(r->open, 0);
    QCOMPARE(r->rttCount, 2u);
    QCOMPARE(r->rttMinUs, 250u);
    QCOMPARE(r->rttMaxUs, 750u);
    QCOMPARE(r->rttSumUs, 1000u);
    const UpstreamRow* r6 = c.row("[fd00::3]:8001");
    QVERIFY(r6);
    QCOMPARE(r6->to().bytes, 5u * 60 + 100);
    QCOMPARE(r6->rttLastUs, 100u);
    QCOMPARE(c.flows().size(), std::size_t{0});
    // A packet on another port matches nothing.
    c.count(segment("127.0.1.1:50000", "127.0.1.3:9999", tcpflag::Syn), 5);
    QCOMPARE(c.unmatched(), 1u);
    QCOMPARE(c.rows().size(), std::size_t{2});
}

void TestTrafficCounters::resetClosesAFlow()
{
    TrafficCounters c(64);
    c.setUpstreams({endpoint("127.0.1.3:8001")});
    c.count(segment("127.0.1.1:50000", "127.0.1.3:8001", tcpflag::Syn), 10);
    QCOMPARE(c.row("127.0.1.3:8001")->open, 1);
    c.count(segment("127.0.1.1:50000", "127.0.1.3:8001", tcpflag::Syn), 20); // retransmitted SYN
    QCOMPARE(c.row("127.0.1.3:8001")->connections, 1u);
    c.count(segment("127.0.1.3:8001", "127.0.1.1:50000", tcpflag::Rst | tcpflag::Ack), 30);
    const UpstreamRow* r = c.row("127.0.1.3:8001");
    QCOMPARE(r->open, 0);
    QCOMPARE(r->from().rst, 1u);
    QCOMPARE(r->rttCount, 0u);
    QCOMPARE(c.flows().size(), std::size_t{0});
}

void TestTrafficCounters::removedBackendDrainsBeforeLeaving()
{
    TrafficCounters c(64);
    c.setUpstreams({endpoint("127.0.1.3:8001"), endpoint("127.0.1.2:8002")});
    c.count(segment("127.0.1.1:50000", "127.0.1.2:8002", tcpflag::Syn), 10);
    c.count(segment("127.0.1.2:8002", "127.0.1.1:50000", tcpflag::Syn | tcpflag::Ack), 20);
    c.setUpstreams({endpoint("127.0.1.3:8001")});
    const UpstreamRow* r = c.row("127.0.1.2:8002");
    QCOMPARE(r->state, RowState::Draining);
    QCOMPARE(c.ports(), (std::vector<std::uint16_t>{8001, 8002}));
    c.count(segment("127.0.1.1:50000", "127.0.1.2:8002", tcpflag::Ack | tcpflag::Psh, 10), 30);
    QCOMPARE(c.row("127.0.1.2:8002")->to().packets, 2u);
    c.count(segment("127.0.1.1:50000", "127.0.1.2:8002", tcpflag::Fin | tcpflag::Ack), 40);
    QCOMPARE(c.row("127.0.1.2:8002")->state, RowState::Draining);
    c.count(segment("127.0.1.2:8002", "127.0.1.1:50000", tcpflag::Fin | tcpflag::Ack), 50);
    QCOMPARE(c.row("127.0.1.2:8002")->state, RowState::Left);
    QCOMPARE(c.row("127.0.1.2:8002")->to().packets, 3u);
    QCOMPARE(c.ports(), (std::vector<std::uint16_t>{8001}));
    // Out of range now: the last ACK is not counted against it.
    c.count(segment("127.0.1.1:50000", "127.0.1.2:8002", tcpflag::Ack), 60);
    QCOMPARE(c.row("127.0.1.2:8002")->to().packets, 3u);
    // A backend without open flows leaves at once.
    c.setUpstreams({});
    QCOMPARE(c.row("127.0.1.3:8001")->state, RowState::Left);
    QVERIFY(c.ports().empty());
}

void TestTrafficCounters::unregisteredDestinationGetsItsOwnRow()
{
    TrafficCounters c(64);
    c.setUpstreams({endpoint("127.0.1.3:8001")});
    connection(c, "127.0.1.1:50000", "127.0.1.9:8001", 100, 5);
    const UpstreamRow* r = c.row("127.0.1.9:8001");
    QVERIFY(r);
    QCOMPARE(r->state, RowState::Unregistered);
    QCOMPARE(r->to().packets, 5u);
    QCOMPARE(r->from().packets, 3u);
    QCOMPARE(r->connections, 1u);
    QCOMPARE(c.row("127.0.1.3:8001")->to().packets, 0u);
    // Registering it later turns the same row into a registered one, totals kept.
    c.setUpstreams({endpoint("127.0.1.3:8001"), endpoint("127.0.1.9:8001")});
    QCOMPARE(c.row("127.0.1.9:8001")->state, RowState::Registered);
    QCOMPARE(c.row("127.0.1.9:8001")->to().packets, 5u);
}

void TestTrafficCounters::fullTableCountsOverflow()
{
    TrafficCounters c(2);
    c.setUpstreams({endpoint("127.0.1.3:8001")});
    c.count(segment("127.0.1.1:1", "127.0.1.3:8001", tcpflag::Syn), 1);
    c.count(segment("127.0.1.1:2", "127.0.1.3:8001", tcpflag::Syn), 2);
    c.count(segment("127.0.1.1:3", "127.0.1.3:8001", tcpflag::Syn), 3);
    QCOMPARE(c.flows().overflow(), 1u);
    const UpstreamRow* r = c.row("127.0.1.3:8001");
    QCOMPARE(r->to().packets, 3u); // packets are still counted
    QCOMPARE(r->to().syn, 3u);
    QCOMPARE(r->open, 2);
    QCOMPARE(r->connections, 2u);
}

// Sized by the set, grown when it grows, and the flows open across the growth stay tracked.
void TestTrafficCounters::autoCapacityGrowsWithTheUpstreamSet()
{
    TrafficCounters c(0);
    c.setUpstreams({endpoint("127.0.1.3:8001")});
    QCOMPARE(c.flows().capacity(), TrafficCounters::kMinFlows);
    c.count(segment("127.0.1.1:1000", "127.0.1.3:8001", tcpflag::Syn), 1);
    c.count(segment("127.0.1.3:8001", "127.0.1.1:1000", tcpflag::Syn | tcpflag::Ack), 5);
    std::vector<IpEndpoint> many;
    for (int i = 0; i < 100; ++i)
        many.push_back(endpoint(("127.0.2." + std::to_string(i + 1) + ":8001").c_str()));
    many.push_back(endpoint("127.0.1.3:8001"));
    c.setUpstreams(many);
    QCOMPARE(c.flows().capacity(), many.size() * TrafficCounters::kFlowsPerUpstream);
    QCOMPARE(c.flows().size(), std::size_t{1});
    QCOMPARE(c.row("127.0.1.3:8001")->open, 1);
    // The flow found after the move: its FINs close it.
    c.count(segment("127.0.1.1:1000", "127.0.1.3:8001", tcpflag::Fin | tcpflag::Ack), 10);
    c.count(segment("127.0.1.3:8001", "127.0.1.1:1000", tcpflag::Fin | tcpflag::Ack), 11);
    QCOMPARE(c.row("127.0.1.3:8001")->open, 0);
    QCOMPARE(c.row("127.0.1.3:8001")->rttCount, 1u);
    // A smaller set keeps the room it has.
    c.setUpstreams({endpoint("127.0.1.3:8001")});
    QCOMPARE(c.flows().capacity(), many.size() * TrafficCounters::kFlowsPerUpstream);
}

// nginx's own port: packets to and from it count per client address, the busiest first; the
// filter passes them; the table is bounded.
void TestTrafficCounters::frontSideCountsClients()
{
    TrafficCounters c(0);
    c.setUpstreams({endpoint("127.0.1.3:8001")});
    c.setFrontPorts({8080});
    QCOMPARE(captureFilter(c.filterPorts()), u"tcp and (port 8001 or port 8080)"_s);
    QCOMPARE(c.ports(), (std::vector<std::uint16_t>{8001})); // the upstream range is unchanged
    for (int i = 0; i < 3; ++i) {
        const std::string client = "10.0.0.7:" + std::to_string(40000 + i);
        c.count(segment(client.c_str(), "127.0.0.1:8080", tcpflag::Syn), 1);
        c.count(segment("127.0.0.1:8080", client.c_str(), tcpflag::Syn | tcpflag::Ack), 2);
        c.count(segment(client.c_str(), "127.0.0.1:8080", tcpflag::Ack | tcpflag::Psh, 100), 3);
    }
    c.count(segment("10.0.0.8:40000", "127.0.0.1:8080", tcpflag::Syn), 4);
    c.count(segment("10.0.0.9:40000", "127.0.0.1:9999", tcpflag::Syn), 5); // not nginx's port
    const std::vector<ClientCounters> top = c.clients().top(10);
    QCOMPARE(top.size(), std::size_t{2});
    QCOMPARE(addressText(top[0].address), std::string("10.0.0.7"));
    QCOMPARE(top[0].connections, 3u);
    QCOMPARE(top[0].packetsIn, 6u);
    QCOMPARE(top[0].packetsOut, 3u);
    QCOMPARE(top[0].bytesIn, 3u * 40 + 3u * 140);
    QCOMPARE(addressText(top[1].address), std::string("10.0.0.8"));
    QCOMPARE(c.unmatched(), 1u);
    QVERIFY(c.row("127.0.1.3:8001")->to().packets == 0); // none of it is upstream traffic

    ClientTable small(2);
    QVERIFY(small.at(endpoint("10.0.0.1:1").address));
    QVERIFY(small.at(endpoint("10.0.0.2:1").address));
    QVERIFY(small.at(endpoint("10.0.0.1:1").address)); // known: still there
    QCOMPARE(small.at(endpoint("10.0.0.3:1").address), nullptr);
    QCOMPARE(small.overflow(), 1u);
    QCOMPARE(small.top(1).size(), std::size_t{1});
}

// A connection whose first data segment is lbdeck's probe request is labelled; others are not,
// nor is a probe-looking segment later in a flow.
void TestTrafficCounters::healthProbesAreLabelled()
{
    TrafficCounters c(0);
    c.setUpstreams({endpoint("127.0.1.3:8001")});
    const auto request = [](const char* client, const QByteArray& text) {
        static QByteArray keep; // the payload the packet points into
        keep = text;
        TcpPacket p =
            segment(client, "127.0.1.3:8001", tcpflag::Ack | tcpflag::Psh, std::uint32_t(text.size()));
        p.payload = reinterpret_cast<const std::uint8_t*>(keep.constData());
        p.payloadCaptured = std::uint32_t(keep.size());
        return p;
    };
    c.count(segment("127.0.0.1:1000", "127.0.1.3:8001", tcpflag::Syn), 1);
    c.count(request("127.0.0.1:1000", "GET /?lbdeck-probe HTTP/1.1\r\nHost: x\r\n"), 2);
    c.count(segment("127.0.0.1:1001", "127.0.1.3:8001", tcpflag::Syn), 3);
    c.count(request("127.0.0.1:1001", "GET / HTTP/1.0\r\n"), 4);
    c.count(request("127.0.0.1:1001", "GET /?lbdeck-probe HTTP/1.1\r\n"), 5); // not its first
    c.count(segment("127.0.0.1:1002", "127.0.1.3:8001", tcpflag::Syn), 6);
    c.count(request("127.0.0.1:1002", "GET /?lbdeck-probes HTTP/1.1\r\n"), 7); // another target
    c.count(segment("127.0.0.1:1003", "127.0.1.3:8001", tcpflag::Syn), 8);
    c.count(request("127.0.0.1:1003", "GET /?lbdeck"), 9); // cut by the snaplen
    const UpstreamRow* r = c.row("127.0.1.3:8001");
    QCOMPARE(r->connections, 4u);
    QCOMPARE(r->probes, 1u);
}

void TestTrafficCounters::idleFlowsExpire()
{
    TrafficCounters c(1024);
    c.setUpstreams({endpoint("127.0.1.3:8001"), endpoint("127.0.1.2:8002")});
    // 600 flows whose close was never seen, half of them heard from later; a table with wrap-around runs.
    for (int i = 0; i < 600; ++i) {
        const std::string client = "127.0.1.1:" + std::to_string(10000 + i);
        c.count(segment(client.c_str(), i % 2 ? "127.0.1.3:8001" : "127.0.1.2:8002", tcpflag::Syn), 1000);
    }
    for (int i = 0; i < 600; i += 2) {
        const std::string client = "127.0.1.1:" + std::to_string(10000 + i);
        c.count(segment("127.0.1.2:8002", client.c_str(), tcpflag::Ack), 50'000);
    }
    c.setUpstreams({endpoint("127.0.1.3:8001")}); // 8002 drains
    QCOMPARE(c.row("127.0.1.3:8001")->open, 300);
    QCOMPARE(c.expireIdle(60'000, 20'000), std::size_t{300});
    QCOMPARE(c.row("127.0.1.3:8001")->open, 0);
    QCOMPARE(c.row("127.0.1.2:8002")->open, 300);
    QCOMPARE(c.row("127.0.1.2:8002")->state, RowState::Draining);
    QCOMPARE(c.flows().size(), std::size_t{300});
    QCOMPARE(c.expireIdle(100'000, 20'000), std::size_t{300});
    QCOMPARE(c.flows().size(), std::size_t{0});
    QCOMPARE(c.row("127.0.1.2:8002")->open, 0);
    QCOMPARE(c.row("127.0.1.2:8002")->state, RowState::Left);
    QCOMPARE(c.expired(), 600u);
}

void TestTrafficCounters::flowTableSweepSeesEveryFlow()
{
    // A tiny table, full, so probe runs wrap past the end: erasing everything must leave it empty.
    for (std::size_t cap : {1, 2, 3, 7, 8}) {
        FlowTable t(cap);
        const IpEndpoint s = endpoint("127.0.1.3:8001");
        for (int i = 0; i < 40 && t.size() < cap; ++i) {
            const std::string key = "127.0.0.1:" + std::to_string(1 + i);
            QVERIFY(t.insert(endpoint(key.c_str()), s));
        }
        QCOMPARE(t.size(), cap);
        std::size_t seen = 0;
        QCOMPARE(t.eraseIf([&](const Flow&) { return ++seen, true; }), cap);
        QCOMPARE(seen, cap);
        QCOMPARE(t.size(), std::size_t{0});
    }
}

QTEST_GUILESS_MAIN(TestTrafficCounters)
#include "TestTrafficCounters.moc"
