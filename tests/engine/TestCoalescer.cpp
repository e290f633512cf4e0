// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/engine/Coalescer.h"

#include <QTest>

using namespace lbdeck;

// Drives the coalescer with a list of change times and a fixed run duration, as the engine does,
// and returns when each run started. Time is simulated: nothing sleeps.
static QList<qint64> simulate(Coalescer& c, const QList<qint64>& changes, qint64 runMs)
{
    QList<qint64> starts;
    qint64 runEnds = -1; // -1: no run in progress
    qsizetype next = 0;
    for (qint64 now = 0; now < 100000; ++now) {
        if (runEnds >= 0 && now >= runEnds) {
            c.runFinished(now);
            runEnds = -1;
        }
        while (next < changes.size() && changes[next] == now) {
            if (c.change(now)) {
                starts << now;
                runEnds = now + runMs;
            }
            ++next;
        }
        if (runEnds < 0 && c.due(now)) {
            starts << now;
            runEnds = now + runMs;
        }
        if (next == changes.size() && runEnds < 0 && !c.hasPending())
            break;
    }
    return starts;
}

class TestCoalescer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loneChangesRunAtOnce();
    void burstCostsFewRuns();
    void steadyTrickleIsBoundedByMaxWait();
    void changesSlowerThanARunEachRunAtOnce();
    void changeDuringRunIsNotLost();
};

void TestCoalescer::loneChangesRunAtOnce()
{
    Coalescer c({25, 1000});
    // Changes 50 ms apart, each run taking 8 ms: every change gets its own run, with no delay.
    const QList<qint64> changes{10, 60, 110, 160};
    QCOMPARE(simulate(c, changes, 8), changes);
}

void TestCoalescer::burstCostsFewRuns()
{
    Coalescer c({25, 1000});
    QList<qint64> burst;
    for (int i = 0; i < 1000; ++i)
        burst << 100 + i / 3; // 1,000 changes within ~333 ms
    const QList<qint64> starts = simulate(c, burst, 8);
    QCOMPARE(starts.size(), 2); // the leading edge, then everything else together
    QCOMPARE(starts.first(), 100);
    QCOMPARE(starts.last(), burst.last() + 25); // quiet for 25 ms after the last change
}

void TestCoalescer::steadyTrickleIsBoundedByMaxWait()
{
    Coalescer c({25, 1000});
    QList<qint64> trickle;
    for (qint64 t = 0; t < 5000; t += 2) // faster than a run, never quiet for 25 ms
        trickle << t;
    const QList<qint64> starts = simulate(c, trickle, 8);
    QVERIFY(starts.size() >= 5 && starts.size() <= 7);
    for (qsizetype i = 1; i < starts.size(); ++i)
        QVERIFY2(starts[i] - starts[i - 1] <= 1000 + 8 + 2,
                 qPrintable(QString::number(starts[i] - starts[i - 1])));
}

void TestCoalescer::changesSlowerThanARunEachRunAtOnce()
{
    // One change every 12 ms and 8 ms runs: each change finds the engine idle, so each goes out
    // at once; gathering only happens to changes that arrive while a run is busy.
    Coalescer c({25, 1000});
    QList<qint64> changes;
    for (qint64 t = 0; t < 600; t += 12)
        changes << t;
    QCOMPARE(simulate(c, changes, 8), changes);
}

void TestCoalescer::changeDuringRunIsNotLost()
{
    Coalescer c({25, 1000});
    QVERIFY(c.change(0));
    QVERIFY(!c.change(3));  // arrives while the first run is busy
    QVERIFY(!c.deadline()); // nothing may start while running
    c.runFinished(8);
    QCOMPARE(c.deadline(), std::optional<qint64>(28));
    QVERIFY(!c.due(27));
    QVERIFY(c.due(28));
    c.runFinished(36);
    QVERIFY(!c.hasPending());
    QVERIFY(!c.deadline());
}

QTEST_GUILESS_MAIN(TestCoalescer)
#include "TestCoalescer.moc"
