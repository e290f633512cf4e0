// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// What a stop does to the upstream, said before it is done.
#include "core/cluster/StopImpact.h"

#include <QTest>

using namespace lbdeck;
using namespace Qt::StringLiterals;

class TestStopImpact : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void impact_data();
    void impact();
};

void TestStopImpact::impact_data()
{
    QTest::addColumn<QStringList>("upstream");
    QTest::addColumn<QStringList>("leaving");
    QTest::addColumn<bool>("temporary");
    QTest::addColumn<int>("remaining");
    QTest::addColumn<bool>("empties");
    QTest::addColumn<QString>("says");
    const QStringList seed{u"127.0.1.3:8001"_s, u"127.0.1.2:8002"_s};
    QTest::newRow("one of two") << seed << QStringList{u"127.0.1.3:8001"_s} << false << 1 << false
                                << u"1 of 2 servers remains in the upstream."_s;
    QTest::newRow("the last one") << QStringList{u"127.0.1.3:8001"_s} << QStringList{u"127.0.1.3:8001"_s}
                                  << false << 0 << true << u"EMPTIES the upstream: nginx will answer 502"_s;
    QTest::newRow("both at once") << seed << seed << false << 0 << true << u"0 of 2 servers remain"_s;
    QTest::newRow("restart of the last")
        << QStringList{u"127.0.1.3:8001"_s} << QStringList{u"127.0.1.3:8001"_s} << true << 0 << true
        << u"until the backend is back"_s;
    QTest::newRow("not in the upstream")
        << seed << QStringList{u"127.0.1.9:8009"_s} << false << 2 << false << u"2 of 2 servers remain"_s;
    QTest::newRow("nothing served") << QStringList{} << QStringList{u"127.0.1.3:8001"_s} << false << 0
                                    << false << u"nginx serves no backend now"_s;
    QTest::newRow("duplicates count once") << QStringList{u"127.0.1.3:8001"_s, u"127.0.1.3:8001"_s}
                                           << QStringList{u"127.0.1.3:8001"_s, u"127.0.1.3:8001"_s} << false
                                           << 0 << true << u"0 of 1 servers remain"_s;
}

void TestStopImpact::impact()
{
    QFETCH(QStringList, upstream);
    QFETCH(QStringList, leaving);
    QFETCH(bool, temporary);
    QFETCH(int, remaining);
    QFETCH(bool, empties);
    QFETCH(QString, says);
    const StopImpact i = StopImpact::of(upstream, leaving, temporary);
    QCOMPARE(i.remaining, remaining);
    QCOMPARE(i.empties, empties);
    QVERIFY2(i.summary().contains(says), qPrintable(i.summary()));
}

QTEST_GUILESS_MAIN(TestStopImpact)
#include "TestStopImpact.moc"
