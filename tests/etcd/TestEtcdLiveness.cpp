// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The one staleness model: a frozen or dead etcd is stale after `misses` probes, and live again
// with the first answer — against a real etcd, frozen with SIGSTOP and killed.
#include "core/etcd/EtcdLiveness.h"
#include "core/etcd/EtcdV2Client.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/testbed/EtcdServer.h"

#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class TestEtcdLiveness : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void frozenMemberIsStaleWithinThreeIntervals_data();
    void frozenMemberIsStaleWithinThreeIntervals();
    void deadMemberIsStaleAndComesBack();

private:
    EtcdServer m_etcd;
};

void TestEtcdLiveness::initTestCase()
{
    QCOMPARE(m_etcd.start(), QString());
}

void TestEtcdLiveness::frozenMemberIsStaleWithinThreeIntervals_data()
{
    QTest::addColumn<bool>("v2");
    QTest::newRow("v3") << false;
    QTest::newRow("v2") << true;
}

void TestEtcdLiveness::frozenMemberIsStaleWithinThreeIntervals()
{
    QFETCH(bool, v2);
    EtcdConfig c;
    c.endpoints = {m_etcd.clientUrl()};
    std::unique_ptr<EtcdKv> kv;
    if (v2)
        kv = std::make_unique<EtcdV2Client>(c);
    else
        kv = std::make_unique<EtcdV3Client>(c);
    const EtcdLiveness::Options o{200ms, 200ms, 3};
    EtcdLiveness live(kv.get(), o);
    QSignalSpy changed(&live, &EtcdLiveness::staleChanged);
    live.start();
    QTRY_VERIFY(live.answered() >= 3); // a few probes answered
    QVERIFY(!live.isStale());
    QCOMPARE(live.missesInARow(), 0);
    QVERIFY(changed.isEmpty());

    // Stale exactly at the third miss in a row: not on the first, not later. Counted, not timed.
    int missesWhenStale = -1;
    connect(&live, &EtcdLiveness::staleChanged, this, [&](bool stale) {
        if (stale)
            missesWhenStale = live.missesInARow();
    });
    ::kill(pid_t(m_etcd.pid()), SIGSTOP);
    QTRY_VERIFY_WITH_TIMEOUT(live.isStale(), 10000);
    ::kill(pid_t(m_etcd.pid()), SIGCONT);
    QCOMPARE(missesWhenStale, 3);
    QCOMPARE(changed.size(), 1);
    QVERIFY(live.staleSince().isValid());
    QVERIFY2(live.describe().contains(u"etcd stale since"_s) &&
                 live.describe().contains(u"no answer within 200 ms"_s),
             qPrintable(live.describe()));

    QTRY_VERIFY_WITH_TIMEOUT(!live.isStale(), 5000);
    QCOMPARE(changed.size(), 2);
    QVERIFY(live.describe().isEmpty());
}

void TestEtcdLiveness::deadMemberIsStaleAndComesBack()
{
    EtcdConfig c;
    c.endpoints = {m_etcd.clientUrl()};
    EtcdV3Client kv(c);
    EtcdLiveness live(&kv, {200ms, 200ms, 3});
    live.start();
    QTRY_VERIFY(live.answered() >= 2);
    QVERIFY(!live.isStale());
    m_etcd.kill();
    QTRY_VERIFY_WITH_TIMEOUT(live.isStale(), 5000);
    QVERIFY(!live.lastError().isEmpty());
    QCOMPARE(m_etcd.start(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!live.isStale(), 10000);
}

QTEST_GUILESS_MAIN(TestEtcdLiveness)
#include "TestEtcdLiveness.moc"
