// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The Nodes view's "etcd member" column: the member list of a real etcd (v3 and v2), matched by
// host, and what an unreachable etcd does to it (an error shown, the last list kept).
#include "core/cluster/EtcdMembership.h"
#include "core/etcd/EtcdV2Client.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/testbed/EtcdServer.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

class TestEtcdMembership : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void membersMatchedByHost_data();
    void membersMatchedByHost();
    void unreachableEtcdKeepsTheLastList();

private:
    EtcdServer m_etcd;
};

void TestEtcdMembership::initTestCase()
{
    const QString started = m_etcd.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
}

void TestEtcdMembership::membersMatchedByHost_data()
{
    QTest::addColumn<bool>("v2");
    QTest::newRow("v3") << false;
    QTest::newRow("v2") << true;
}

void TestEtcdMembership::membersMatchedByHost()
{
    QFETCH(bool, v2);
    EtcdConfig config;
    config.endpoints = {m_etcd.clientUrl()};
    std::unique_ptr<EtcdKv> kv;
    if (v2)
        kv = std::make_unique<EtcdV2Client>(config);
    else
        kv = std::make_unique<EtcdV3Client>(config);
    EtcdMembership members(kv.get());
    QSignalSpy changed(&members, &EtcdMembership::changed);
    QVERIFY(!members.isKnown());
    members.start();
    QVERIFY(changed.wait(5000));
    QVERIFY2(members.isKnown(), qPrintable(members.error()));
    QCOMPARE(members.members().size(), 1);
    QCOMPARE(members.memberAt(u"127.0.0.1"_s), u"lbdeck-test"_s); // the test bed's --name
    QCOMPARE(members.memberAt(u"127.0.1.2"_s), QString());        // a node that is not a member
    QCOMPARE(members.memberAt(QString()), QString());

    // An unchanged list is not a change: no repaint of the column every interval.
    members.refresh();
    QTest::qWait(300);
    QCOMPARE(changed.size(), 1);
}

void TestEtcdMembership::unreachableEtcdKeepsTheLastList()
{
    EtcdServer etcd;
    const QString started = etcd.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    EtcdConfig config;
    config.endpoints = {etcd.clientUrl()};
    config.timeout = std::chrono::milliseconds(1000);
    EtcdV3Client kv(config);
    EtcdMembership members(&kv);
    QSignalSpy changed(&members, &EtcdMembership::changed);
    members.start();
    QVERIFY(changed.wait(5000));
    QVERIFY(members.error().isEmpty());

    etcd.stop();
    members.refresh();
    QVERIFY(changed.wait(5000));
    QVERIFY2(!members.error().isEmpty(), "an unreachable etcd must say so");
    QVERIFY2(members.error().contains(u"127.0.0.1"_s), qPrintable(members.error())); // names the endpoint
    QVERIFY(members.isKnown());
    QCOMPARE(members.memberAt(u"127.0.0.1"_s), u"lbdeck-test"_s);
}

QTEST_GUILESS_MAIN(TestEtcdMembership)
#include "TestEtcdMembership.moc"
