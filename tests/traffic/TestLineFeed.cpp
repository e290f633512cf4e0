// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/traffic/LineFeed.h"

#include <QRegularExpression>
#include <QTest>

using namespace lbdeck::traffic;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 T0 = 1764570601000; // a whole second

IpEndpoint ep(const char* key)
{
    IpEndpoint e;
    if (!parseEndpointKey(key, &e))
        qFatal("bad endpoint %s", key);
    return e;
}

QString lineFor(const IpEndpoint& src, const IpEndpoint& dst, int n)
{
    return u"12:00:01.%1 IP %2.%3 > %4.%5: tcp 0"_s.arg(n, 6, 10, QChar(u'0'))
        .arg(QString::fromStdString(addressText(src.address)))
        .arg(src.port)
        .arg(QString::fromStdString(addressText(dst.address)))
        .arg(dst.port);
}

} // namespace

class TestLineFeed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_now = T0; }
    void flood_data();
    void flood();
    void markerComesBeforeTheNextKeptLine();
    void filterByBackend();
    void bufferIsBounded();

private:
    LineFeed::Clock clock()
    {
        return [this] { return m_now; };
    }
    qint64 m_now = T0;
};

void TestLineFeed::flood_data()
{
    QTest::addColumn<int>("lines");
    QTest::addColumn<qint64>("spanMs"); // the lines come evenly over this long
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("expectKept");
    QTest::addColumn<QList<int>>("expectMarkers"); // the marker counts, in order
    QTest::newRow("10000 in one second at 100/s") << 10000 << qint64(1000) << 100 << 100 << QList<int>{9900};
    QTest::newRow("10000 in 10 s at 100/s") << 10000 << qint64(10'000) << 100 << 1000 << QList<int>(10, 900);
    QTest::newRow("10000 in one instant at 1/s") << 10000 << qint64(0) << 1 << 1 << QList<int>{9999};
    QTest::newRow("under the limit") << 50 << qint64(1000) << 100 << 50 << QList<int>{};
    QTest::newRow("exactly the limit") << 100 << qint64(1000) << 100 << 100 << QList<int>{};
}

void TestLineFeed::flood()
{
    QFETCH(int, lines);
    QFETCH(qint64, spanMs);
    QFETCH(int, limit);
    QFETCH(int, expectKept);
    QFETCH(QList<int>, expectMarkers);
    LineFeed feed({limit, 100'000}, clock());
    const IpEndpoint client = ep("127.0.1.1:53412");
    const IpEndpoint server = ep("127.0.1.3:8001");
    for (int i = 0; i < lines; ++i) {
        m_now = T0 + spanMs * i / lines;
        feed.push(lineFor(client, server, i), client, server);
    }
    QCOMPARE(feed.kept(), quint64(expectKept));
    QCOMPARE(feed.dropped(), quint64(lines - expectKept));
    // The last marker waits for a line to stand before: one more, a second later.
    m_now = T0 + spanMs + 1000;
    feed.push(u"last"_s, client, server);
    QCOMPARE(feed.pendingNotShown(), quint64(0));

    const QStringList got = feed.lines();
    QCOMPARE(got.back(), u"last"_s);
    static const QRegularExpression markerRe(u"^(\\d+) lines not shown$"_s);
    QList<int> markers;
    int kept = 0;
    for (const QString& l : got) {
        const QRegularExpressionMatch m = markerRe.match(l);
        if (m.hasMatch())
            markers.append(m.captured(1).toInt());
        else
            ++kept;
    }
    QCOMPARE(kept, expectKept + 1);
    QCOMPARE(markers, expectMarkers);
    QCOMPARE(got.size(), expectKept + 1 + expectMarkers.size());
    QCOMPARE(feed.lastSequence(), quint64(got.size()));
    // Each second keeps its first `limit` lines, in order.
    QCOMPARE(got.front(), lineFor(client, server, 0));
    if (expectKept > 1)
        QCOMPARE(got[1], lineFor(client, server, 1));
}

void TestLineFeed::markerComesBeforeTheNextKeptLine()
{
    LineFeed feed({2, 100}, clock());
    const IpEndpoint a = ep("127.0.1.1:40000");
    const IpEndpoint b = ep("127.0.1.3:8001");
    feed.push(u"one"_s, a, b);
    feed.push(u"two"_s, b, a);
    feed.push(u"three"_s, a, b); // over the limit
    feed.push(u"four"_s, a, b);
    QCOMPARE(feed.lines(), (QStringList{u"one"_s, u"two"_s}));
    QCOMPARE(feed.pendingNotShown(), quint64(2));
    m_now = T0 + 999; // still the same second
    feed.push(u"five"_s, a, b);
    QCOMPARE(feed.pendingNotShown(), quint64(3));
    m_now = T0 + 1000;
    feed.push(u"six"_s, a, b);
    feed.push(u"seven"_s, a, b);
    feed.push(u"eight"_s, a, b);
    m_now = T0 + 2000;
    feed.push(u"nine"_s, a, b);
    QCOMPARE(feed.lines(), (QStringList{u"one"_s, u"two"_s, u"3 lines not shown"_s, u"six"_s, u"seven"_s,
                                        u"1 lines not shown"_s, u"nine"_s}));
    QCOMPARE(LineFeed::marker(9900), u"9900 lines not shown"_s);
    QCOMPARE(feed.kept(), quint64(5));
    QCOMPARE(feed.dropped(), quint64(4));
}

void TestLineFeed::filterByBackend()
{
    LineFeed feed({3, 100}, clock());
    const IpEndpoint client = ep("127.0.1.1:40000");
    const IpEndpoint backend = ep("127.0.1.3:8001");
    const IpEndpoint samePortOtherIp = ep("127.0.1.2:8001");
    const IpEndpoint sameIpOtherPort = ep("127.0.1.3:8002");
    const IpEndpoint v6 = ep("[::1]:8001");
    QVERIFY(feed.setFilter("127.0.1.3:8001").ok());
    QCOMPARE(feed.filter(), std::string("127.0.1.3:8001"));
    // Lines not for the backend neither show nor use up the limit, nor count as not shown.
    for (int i = 0; i < 10; ++i) {
        feed.push(u"other ip"_s, client, samePortOtherIp);
        feed.push(u"other port"_s, sameIpOtherPort, client);
        feed.push(u"v6"_s, client, v6);
    }
    feed.push(u"to"_s, client, backend);
    feed.push(u"from"_s, backend, client);
    feed.push(u"to again"_s, client, backend);
    QCOMPARE(feed.lines(), (QStringList{u"to"_s, u"from"_s, u"to again"_s}));
    QCOMPARE(feed.filteredOut(), quint64(30));
    QCOMPARE(feed.dropped(), quint64(0));

    // A bad key is an error and leaves the filter as it was.
    const lbdeck::Result<void> bad = feed.setFilter("not-a-key");
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().code, lbdeck::ErrorCode::InvalidArgument);
    QCOMPARE(feed.filter(), std::string("127.0.1.3:8001"));
    m_now += 1000;
    feed.push(u"still filtered"_s, client, v6);
    QCOMPARE(feed.lines().size(), 3);

    QVERIFY(feed.setFilter("[::1]:8001").ok());
    feed.push(u"v6 to"_s, client, v6);
    feed.push(u"v4 same port"_s, client, backend);
    QCOMPARE(feed.lines().back(), u"v6 to"_s);

    QVERIFY(feed.setFilter("").ok());
    feed.push(u"any"_s, client, samePortOtherIp);
    QCOMPARE(feed.lines().back(), u"any"_s);
    QCOMPARE(feed.lines().size(), 5);
}

void TestLineFeed::bufferIsBounded()
{
    LineFeed feed({1000, 5}, clock());
    const IpEndpoint a = ep("127.0.1.1:40000");
    const IpEndpoint b = ep("127.0.1.3:8001");
    QCOMPARE(feed.lastSequence(), quint64(0));
    QVERIFY(feed.lines().isEmpty());
    for (int i = 1; i <= 12; ++i)
        feed.push(QString::number(i), a, b);
    QCOMPARE(feed.lastSequence(), quint64(12));
    QCOMPARE(feed.lines(), (QStringList{u"8"_s, u"9"_s, u"10"_s, u"11"_s, u"12"_s}));
    QCOMPARE(feed.linesAfter(9), (QStringList{u"10"_s, u"11"_s, u"12"_s}));
    QCOMPARE(feed.linesAfter(2), feed.lines()); // older ones are gone
    QVERIFY(feed.linesAfter(12).isEmpty());
    QCOMPARE(feed.kept(), quint64(12));

    // Markers take a place in the buffer too.
    LineFeed small({1, 3}, clock());
    small.push(u"a"_s, a, b);
    small.push(u"b"_s, a, b);
    m_now += 1000;
    small.push(u"c"_s, a, b);
    small.push(u"d"_s, a, b);
    m_now += 1000;
    small.push(u"e"_s, a, b);
    QCOMPARE(small.lines(), (QStringList{u"c"_s, u"1 lines not shown"_s, u"e"_s}));
    QCOMPARE(small.lastSequence(), quint64(5));
}

QTEST_GUILESS_MAIN(TestLineFeed)
#include "TestLineFeed.moc"
