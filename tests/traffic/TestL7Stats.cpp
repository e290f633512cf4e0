// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/traffic/L7Stats.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace lbdeck::traffic;

namespace {

UpstreamAttempt attempt(const QString& address, int status, qint64 responseMs, int group = 0)
{
    UpstreamAttempt a;
    a.address = address;
    a.status = status;
    a.responseMs = responseMs;
    a.group = group;
    return a;
}

AccessLogRecord record(QList<UpstreamAttempt> attempts, int status = 200)
{
    AccessLogRecord r;
    r.status = status;
    r.attempts = std::move(attempts);
    return r;
}

const QString a = u"127.0.1.7:9001"_s;
const QString b = u"127.0.1.8:9002"_s;

} // namespace

class TestL7Stats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void countsRequestsStatusClassesAndRetriesPerServer()
    {
        qint64 now = 1'000;
        L7Stats stats([&] { return now; });
        stats.add(record({attempt(a, 200, 1)}));
        stats.add(record({attempt(a, 301, 1)}));
        stats.add(record({attempt(a, 404, 1)}, 404));
        stats.add(record({attempt(b, 503, 1), attempt(a, 200, 2)}));    // retried from b to a
        stats.add(record({attempt(a, 404, 1), attempt(b, 200, 1, 1)})); // internal redirect, no retry
        stats.add(record({attempt(b, kUnknown, kUnknown)}, 499));       // client went away
        stats.add(record({}, 301));                                     // answered by nginx itself
        QCOMPARE(stats.requests(), 7u);
        QCOMPARE(stats.retriedRequests(), 1u);
        QCOMPARE(stats.withoutUpstream(), 1u);
        QCOMPARE(stats.addresses(), (QStringList{a, b}));
        const L7UpstreamStats sa = stats.upstream(a);
        QCOMPARE(sa.requests, 5u);
        QCOMPARE(sa.status2xx, 2u);
        QCOMPARE(sa.status3xx, 1u);
        QCOMPARE(sa.status4xx, 2u);
        QCOMPARE(sa.status5xx, 0u);
        QCOMPARE(sa.retriedAway, 0u);
        const L7UpstreamStats sb = stats.upstream(b);
        QCOMPARE(sb.requests, 3u);
        QCOMPARE(sb.status2xx, 1u);
        QCOMPARE(sb.status5xx, 1u);
        QCOMPARE(sb.statusOther, 1u);
        QCOMPARE(sb.retriedAway, 1u);
        QCOMPARE(sb.currentWindow.samples, 2u); // the "-" response time is not a sample
        QCOMPARE(stats.upstream(u"10.0.0.1:1"_s).requests, 0u);
    }

    void percentilesOverTenSecondWindows()
    {
        qint64 now = 20'000; // a window starts here
        L7Stats stats([&] { return now; });
        for (int i = 1; i <= 100; ++i) {
            now = 20'000 + i * 50; // spread over 5 s, all inside [20 s, 30 s)
            stats.add(record({attempt(a, 200, i % 10 == 0 ? 200 + i : 3)}));
        }
        L7UpstreamStats s = stats.upstream(a);
        QCOMPARE(s.currentWindow.samples, 100u);
        QCOMPARE(s.currentWindow.windowStartMs, 20'000);
        QCOMPARE(s.currentWindow.p50, 3);
        QCOMPARE(s.currentWindow.p95, 250); // nearest rank 95 of 100: the fifth of ten slow ones
        QCOMPARE(s.currentWindow.p99, 290);
        QCOMPARE(s.lastWindow.samples, 0u);

        now = 30'000; // the window closes; nothing new yet
        s = stats.upstream(a);
        QCOMPARE(s.lastWindow.samples, 100u);
        QCOMPARE(s.lastWindow.windowStartMs, 20'000);
        QCOMPARE(s.lastWindow.p99, 290);
        QCOMPARE(s.currentWindow.samples, 0u);
        QCOMPARE(s.currentWindow.p50, kUnknown);

        now = 31'000;
        stats.add(record({attempt(a, 200, 7)}));
        now = 45'000; // [30 s, 40 s) held one sample; it is now the last window
        s = stats.upstream(a);
        QCOMPARE(s.lastWindow.samples, 1u);
        QCOMPARE(s.lastWindow.p50, 7);
        QCOMPARE(s.lastWindow.p99, 7);

        now = 80'000; // several quiet windows: the last one is empty
        s = stats.upstream(a);
        QCOMPARE(s.lastWindow.samples, 0u);
        QCOMPARE(s.lastWindow.windowStartMs, 70'000);
        QCOMPARE(s.requests, 101u); // totals do not reset with the windows
    }

    void nearestRank_data()
    {
        QTest::addColumn<QList<qint64>>("values");
        QTest::addColumn<qint64>("p50");
        QTest::addColumn<qint64>("p95");
        QTest::addColumn<qint64>("p99");
        QTest::newRow("one") << QList<qint64>{5} << qint64(5) << qint64(5) << qint64(5);
        QTest::newRow("two") << QList<qint64>{9, 1} << qint64(1) << qint64(9) << qint64(9);
        QTest::newRow("ten") << QList<qint64>{10, 9, 8, 7, 6, 5, 4, 3, 2, 1} << qint64(5) << qint64(10)
                             << qint64(10);
    }

    void nearestRank()
    {
        QFETCH(QList<qint64>, values);
        QFETCH(qint64, p50);
        QFETCH(qint64, p95);
        QFETCH(qint64, p99);
        const L7Percentiles p = L7Window::compute(std::vector<qint64>(values.begin(), values.end()), 0);
        QCOMPARE(p.samples, static_cast<quint64>(values.size()));
        QCOMPARE(p.p50, p50);
        QCOMPARE(p.p95, p95);
        QCOMPARE(p.p99, p99);
    }
};

QTEST_GUILESS_MAIN(TestL7Stats)
#include "TestL7Stats.moc"
