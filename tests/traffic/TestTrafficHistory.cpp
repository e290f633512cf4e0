// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/traffic/TrafficCounters.h"
#include "core/traffic/TrafficHistory.h"
#include "tests/traffic/PacketBuilder.h"

#include <QTest>

#include <string>

using namespace lbdeck::traffic;
using namespace lbdeck::traffic::test;

namespace {

const std::string KeyA = "127.0.1.3:8001";
const std::string KeyB = "127.0.1.2:8002";
constexpr qint64 T0 = 1764570600000; // a 10 s boundary (2025-12-01 06:30:00 UTC)

// A key's cumulative counters, as the meter would hold them.
struct Cumulative
{
    DirectionCounters direction[2];
    std::uint64_t connections = 0;

    void add(std::uint64_t packets, std::uint64_t fromPackets = 0)
    {
        direction[0].packets += packets;
        direction[0].bytes += packets * 60;
        direction[1].packets += fromPackets;
        direction[1].bytes += fromPackets * 1500;
    }
};

} // namespace

class TestTrafficHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_now = T0; }
    void fineRollOver_data();
    void fineRollOver();
    void ratesAreZeroAfterTrafficStops_data();
    void ratesAreZeroAfterTrafficStops();
    void fiveMinuteBoundary();
    void fifteenMinuteHorizon();
    void rates_data();
    void rates();
    void totalsPerKeyAndDirection();
    void fedFromTrafficCounters();

private:
    TrafficHistory::Clock clock()
    {
        return [this] { return m_now; };
    }
    qint64 m_now = T0;
};

void TestTrafficHistory::fineRollOver_data()
{
    QTest::addColumn<qint64>("firstMs");  // 5 packets at T0 + firstMs
    QTest::addColumn<qint64>("secondMs"); // 7 more at T0 + secondMs
    QTest::addColumn<qint64>("queryMs");
    QTest::addColumn<quint64>("sum1");
    QTest::addColumn<quint64>("sum2");
    QTest::addColumn<quint64>("sum3");
    // The second being filled is never part of a window.
    QTest::newRow("both in the current second")
        << qint64(0) << qint64(999) << qint64(999) << quint64(0) << quint64(0) << quint64(0);
    QTest::newRow("same second, then it completes")
        << qint64(0) << qint64(999) << qint64(1000) << quint64(12) << quint64(12) << quint64(12);
    QTest::newRow("999 ms and 1000 ms are two buckets")
        << qint64(999) << qint64(1000) << qint64(1000) << quint64(5) << quint64(5) << quint64(5);
    QTest::newRow("both complete") << qint64(999) << qint64(1000) << qint64(2000) << quint64(7) << quint64(12)
                                   << quint64(12);
    QTest::newRow("slid out of the 1 s and 2 s windows")
        << qint64(0) << qint64(999) << qint64(3000) << quint64(0) << quint64(0) << quint64(12);
    QTest::newRow("apart by seconds")
        << qint64(0) << qint64(2500) << qint64(3999) << quint64(7) << quint64(7) << quint64(12);
}

void TestTrafficHistory::fineRollOver()
{
    QFETCH(qint64, firstMs);
    QFETCH(qint64, secondMs);
    QFETCH(qint64, queryMs);
    QFETCH(quint64, sum1);
    QFETCH(quint64, sum2);
    QFETCH(quint64, sum3);
    TrafficHistory h(clock());
    Cumulative c;
    m_now = T0 + firstMs;
    c.add(5);
    h.sample(KeyA, c.direction, c.connections);
    m_now = T0 + secondMs;
    c.add(7);
    h.sample(KeyA, c.direction, c.connections);
    m_now = T0 + queryMs;
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 1), sum1);
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 2), sum2);
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 3), sum3);
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Bytes, 3), sum3 * 60);
    QCOMPARE(h.sum(KeyA, Direction::FromBackend, HistoryMetric::Packets, 3), quint64(0));
    QCOMPARE(h.total(KeyA, Direction::ToBackend)[HistoryMetric::Packets], quint64(12));
}

void TestTrafficHistory::ratesAreZeroAfterTrafficStops_data()
{
    QTest::addColumn<bool>("keepSampling"); // the meter still ticks (unchanged counters) or goes quiet
    QTest::newRow("snapshots continue") << true;
    QTest::newRow("no more snapshots") << false;
}

void TestTrafficHistory::ratesAreZeroAfterTrafficStops()
{
    QFETCH(bool, keepSampling);
    TrafficHistory h(clock());
    Cumulative c;
    for (int s = 0; s < 10; ++s) { // 100 packets/s to, 50/s from, for 10 s
        m_now = T0 + s * 1000 + 500;
        c.add(100, 50);
        h.sample(KeyA, c.direction, c.connections);
    }
    m_now = T0 + 10'000;
    QCOMPARE(h.rate(KeyA, Direction::ToBackend, HistoryMetric::Packets, 1), 100.0);
    QCOMPARE(h.rate(KeyA, Direction::FromBackend, HistoryMetric::Packets, 1), 50.0);
    QCOMPARE(h.rate(KeyA, Direction::ToBackend, HistoryMetric::Packets, 10), 100.0);
    QCOMPARE(h.rate(KeyA, Direction::FromBackend, HistoryMetric::Bytes, 10), 50.0 * 1500);
    // The backend stops: nothing more in second 10. In the next bucket its rates are 0.
    if (keepSampling) {
        m_now = T0 + 10'400;
        h.sample(KeyA, c.direction, c.connections);
    }
    m_now = T0 + 11'000;
    QCOMPARE(h.rate(KeyA, Direction::ToBackend, HistoryMetric::Packets, 1), 0.0);
    QCOMPARE(h.rate(KeyA, Direction::FromBackend, HistoryMetric::Packets, 1), 0.0);
    QCOMPARE(h.rate(KeyA, Direction::ToBackend, HistoryMetric::Packets, 10), 90.0);
    m_now = T0 + 20'000;
    QCOMPARE(h.rate(KeyA, Direction::ToBackend, HistoryMetric::Packets, 10), 0.0);
    QCOMPARE(h.total(KeyA, Direction::ToBackend)[HistoryMetric::Packets], quint64(1000));
    // Traffic again: it shows in its own second and the old buckets stay where they were.
    m_now = T0 + 20'100;
    c.add(3);
    h.sample(KeyA, c.direction, c.connections);
    m_now = T0 + 21'000;
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 1), quint64(3));
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 21), quint64(1003));
}

void TestTrafficHistory::fiveMinuteBoundary()
{
    TrafficHistory h(clock());
    Cumulative c;
    m_now = T0 + 200; // second 0, coarse bucket 0
    c.add(3);
    h.sample(KeyA, c.direction, c.connections);
    m_now = T0 + 295'000; // second 295, coarse bucket 29
    c.add(4);
    h.sample(KeyA, c.direction, c.connections);

    m_now = T0 + 300'500; // seconds 0..299 are the last 300 complete ones
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 300), quint64(7));
    m_now = T0 + 301'000; // second 0 has left the 1 s buckets' 5 minutes
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 300), quint64(4));
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 299), quint64(4));
    // Above 5 minutes the 10 s buckets answer: 31 of them before bucket 30 (now) reach back to 0.
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 301), quint64(7));
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 310), quint64(7));

    // The series: 10 s buckets, then 1 s buckets from a 10 s boundary, contiguous, current last.
    m_now = T0 + 400'700;
    const std::vector<HistoryPoint> s = h.series(KeyA, Direction::ToBackend, HistoryMetric::Packets);
    QVERIFY(!s.empty());
    QCOMPARE(s.back().startMs, T0 + 400'000);
    QCOMPARE(s.back().lengthMs, qint64(1000));
    std::uint64_t sum = 0;
    int coarse = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        sum += s[i].value;
        if (s[i].lengthMs == 10'000) {
            ++coarse;
            QCOMPARE(s[i].startMs % 10'000, T0 % 10'000);
        } else {
            QCOMPARE(s[i].lengthMs, qint64(1000));
        }
        if (i > 0)
            QCOMPARE(s[i].startMs, s[i - 1].startMs + s[i - 1].lengthMs);
    }
    QCOMPARE(sum, quint64(7));
    // 1 s buckets from second 100 (the 10 s boundary at or before now - 299 s) to 400.
    QCOMPARE(s.size() - static_cast<std::size_t>(coarse), std::size_t(301));
    QCOMPARE(s[static_cast<std::size_t>(coarse)].startMs, T0 + 100'000);
    // 10 s buckets from 15 minutes back (89 before the current one) up to second 100.
    QCOMPARE(s.front().startMs, T0 + (40 - 89) * 10'000LL);
    QCOMPARE(coarse, 59);
    // Second 0's packets are in a 10 s bucket now, second 295's in a 1 s one.
    const auto at = [&](qint64 startMs) {
        for (const HistoryPoint& p : s) {
            if (p.startMs == startMs)
                return p;
        }
        return HistoryPoint{-1, 0, 0};
    };
    QCOMPARE(at(T0).lengthMs, qint64(10'000));
    QCOMPARE(at(T0).value, quint64(3));
    QCOMPARE(at(T0 + 295'000).lengthMs, qint64(1000));
    QCOMPARE(at(T0 + 295'000).value, quint64(4));
}

void TestTrafficHistory::fifteenMinuteHorizon()
{
    TrafficHistory h(clock());
    Cumulative c;
    m_now = T0 + 5'000; // coarse bucket 0
    c.add(9);
    h.sample(KeyA, c.direction, c.connections);
    const auto seriesSum = [&] {
        std::uint64_t sum = 0;
        for (const HistoryPoint& p : h.series(KeyA, Direction::ToBackend, HistoryMetric::Packets))
            sum += p.value;
        return sum;
    };

    m_now = T0 + 899'999; // bucket 0 is the oldest of the 15 minutes
    QCOMPARE(seriesSum(), quint64(9));
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 900), quint64(9));
    m_now = T0 + 900'000;
    QCOMPARE(seriesSum(), quint64(0));
    // 90 complete 10 s buckets before the current one still reach bucket 0...
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 900), quint64(9));
    // ... a longer window is capped at 15 minutes.
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 3600), quint64(9));
    m_now = T0 + 910'000;
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 900), quint64(0));
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 3600), quint64(0));
    // Much later the ring slot of bucket 0 comes round again: the stale value must not show.
    m_now = T0 + 91 * 10'000LL * 3 + 5'000;
    QCOMPARE(seriesSum(), quint64(0));
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 900), quint64(0));
    QCOMPARE(h.total(KeyA, Direction::ToBackend)[HistoryMetric::Packets], quint64(9));
}

void TestTrafficHistory::rates_data()
{
    QTest::addColumn<int>("windowS");
    QTest::addColumn<double>("packetsPerS");
    // 20 minutes of 10 packets/s, then 5 s of 50 packets/s.
    QTest::newRow("1 s") << 1 << 50.0;
    QTest::newRow("5 s") << 5 << 50.0;
    QTest::newRow("10 s") << 10 << 30.0;
    QTest::newRow("60 s") << 60 << (5 * 50.0 + 55 * 10.0) / 60;
    QTest::newRow("300 s") << 300 << (5 * 50.0 + 295 * 10.0) / 300;
    // 10 s buckets: the last complete one is seconds 1190..1199 (all 10/s); the 50/s seconds fill
    // the current bucket, which no window includes.
    QTest::newRow("305 s, rounded up to 310") << 305 << 10.0;
    QTest::newRow("600 s") << 600 << 10.0;
    QTest::newRow("900 s") << 900 << 10.0;
    QTest::newRow("an hour, capped at 900 s") << 3600 << 10.0;
    QTest::newRow("0 s") << 0 << 0.0;
}

void TestTrafficHistory::rates()
{
    QFETCH(int, windowS);
    QFETCH(double, packetsPerS);
    TrafficHistory h(clock());
    Cumulative c;
    for (int s = 0; s < 1205; ++s) {
        m_now = T0 + s * 1000LL + 300;
        c.add(s < 1200 ? 10 : 50);
        h.sample(KeyA, c.direction, c.connections);
    }
    m_now = T0 + 1205'000;
    QCOMPARE(h.rate(KeyA, Direction::ToBackend, HistoryMetric::Packets, windowS), packetsPerS);
    QCOMPARE(h.rate(KeyA, Direction::ToBackend, HistoryMetric::Bytes, windowS), packetsPerS * 60);
    QCOMPARE(h.rate(KeyB, Direction::ToBackend, HistoryMetric::Packets, windowS), 0.0);
}

void TestTrafficHistory::totalsPerKeyAndDirection()
{
    TrafficHistory h(clock());
    Cumulative a;
    Cumulative b;
    a.add(10, 20);
    a.direction[0].syn = 2;
    a.direction[0].fin = 1;
    a.direction[1].rst = 1;
    a.connections = 2;
    b.add(1);
    h.sample(KeyA, a.direction, a.connections);
    h.sample(KeyB, b.direction, b.connections);
    m_now += 1500;
    a.add(5, 5);
    a.direction[0].syn = 3;
    a.connections = 3;
    h.sample(KeyA, a.direction, a.connections);
    h.sample(KeyB, b.direction, b.connections); // unchanged: adds nothing

    QCOMPARE(h.keys(), (std::vector<std::string>{KeyB, KeyA}));
    const HistoryCounts to = h.total(KeyA, Direction::ToBackend);
    const HistoryCounts from = h.total(KeyA, Direction::FromBackend);
    QCOMPARE(to[HistoryMetric::Packets], quint64(15));
    QCOMPARE(to[HistoryMetric::Bytes], quint64(15 * 60));
    QCOMPARE(to[HistoryMetric::Syn], quint64(3));
    QCOMPARE(to[HistoryMetric::Fin], quint64(1));
    QCOMPARE(to[HistoryMetric::Rst], quint64(0));
    QCOMPARE(to[HistoryMetric::Connections], quint64(3));
    QCOMPARE(from[HistoryMetric::Packets], quint64(25));
    QCOMPARE(from[HistoryMetric::Rst], quint64(1));
    QCOMPARE(from[HistoryMetric::Connections], quint64(0));
    QCOMPARE(h.total(KeyB, Direction::ToBackend)[HistoryMetric::Packets], quint64(1));
    QCOMPARE(h.total("127.0.0.9:1", Direction::ToBackend)[HistoryMetric::Packets], quint64(0));
    QVERIFY(h.series("127.0.0.9:1", Direction::ToBackend, HistoryMetric::Packets).empty());

    // The meter restarted: its counters start from 0 again; the new values count whole.
    Cumulative restarted;
    restarted.add(4);
    m_now += 1000;
    h.sample(KeyA, restarted.direction, restarted.connections);
    QCOMPARE(h.total(KeyA, Direction::ToBackend)[HistoryMetric::Packets], quint64(19));
    m_now += 1000;
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 1), quint64(4));
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 3), quint64(10 + 5 + 4));
    // A clock that steps back does not rewrite the past: the sample lands in the latest second (3).
    m_now = T0 - 1500;
    Cumulative more = restarted;
    more.add(6);
    h.sample(KeyA, more.direction, more.connections);
    m_now = T0 + 4000;
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 1), quint64(6));
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 10), quint64(25));
    QCOMPARE(h.total(KeyA, Direction::ToBackend)[HistoryMetric::Packets], quint64(25));
}

void TestTrafficHistory::fedFromTrafficCounters()
{
    TrafficCounters counters(64);
    counters.setUpstreams({endpoint("127.0.1.3:8001"), endpoint("127.0.1.2:8002")});
    TrafficHistory h(clock());
    h.sample(counters);
    QCOMPARE(h.keys().size(), std::size_t(2));
    counters.count(segment("127.0.1.1:40000", "127.0.1.3:8001", tcpflag::Syn), 1);
    counters.count(segment("127.0.1.3:8001", "127.0.1.1:40000", tcpflag::Syn | tcpflag::Ack), 2);
    counters.count(segment("127.0.1.1:40000", "127.0.1.3:8001", tcpflag::Ack | tcpflag::Psh, 100), 3);
    counters.count(segment("127.0.1.3:8001", "127.0.1.1:40000", tcpflag::Rst), 4);
    m_now += 200;
    h.sample(counters);
    m_now += 1000;
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Packets, 1), quint64(2));
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Bytes, 1), quint64(40 + 140));
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Syn, 1), quint64(1));
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Connections, 1),
             quint64(counters.row(KeyA)->connections));
    QCOMPARE(h.sum(KeyA, Direction::ToBackend, HistoryMetric::Connections, 1), quint64(1));
    QCOMPARE(h.sum(KeyA, Direction::FromBackend, HistoryMetric::Packets, 1), quint64(2));
    QCOMPARE(h.sum(KeyA, Direction::FromBackend, HistoryMetric::Rst, 1), quint64(1));
    QCOMPARE(h.sum(KeyB, Direction::ToBackend, HistoryMetric::Packets, 1), quint64(0));
    // Traffic to an address outside the set gets its own row, and its own history.
    counters.count(segment("127.0.1.1:40001", "127.0.1.9:8001", tcpflag::Syn), 5);
    h.sample(counters);
    QVERIFY(h.contains("127.0.1.9:8001"));
    QCOMPARE(h.total("127.0.1.9:8001", Direction::ToBackend)[HistoryMetric::Packets], quint64(1));
}

QTEST_GUILESS_MAIN(TestTrafficHistory)
#include "TestTrafficHistory.moc"
