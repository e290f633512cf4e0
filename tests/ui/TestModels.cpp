// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Every item model under QAbstractItemModelTester, fed the way the app feeds it.
#include "core/cluster/ClusterSession.h"
#include "core/cluster/NodeConnection.h"
#include "tests/testbed/EtcdServer.h"
#include "ui/models/BackendsModel.h"
#include "ui/models/EventLogModel.h"
#include "ui/models/LedgerModel.h"
#include "ui/models/NodesModel.h"
#include "ui/models/UpstreamsModel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace lbdeck;
using namespace Qt::StringLiterals;

class TestModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void backendsFollowChangesRowByRow();
    void eventLogIsBounded();
    void ledgerAppends();
    void upstreamsMergeLiveAndWanted();
    void nodesShowConnectionAndMembership();
};

void TestModels::backendsFollowChangesRowByRow()
{
    BackendsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applyChanges({{"/test/apache-8002", std::nullopt, QByteArray("127.0.1.2:8002")},
                        {"/test/apache-8001", std::nullopt, QByteArray("127.0.1.3:8001")}},
                       3);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, BackendsModel::Name).data().toString(),
             u"/test/apache-8001"_s); // no prefix known: whole key
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.applyChanges({{"/test/apache-8001", QByteArray("127.0.1.3:8001"), QByteArray("127.0.1.3:9001")},
                        {"/test/apache-8003", std::nullopt, QByteArray("10.0.0.1:80; }")},
                        {"/test/apache-8002", QByteArray("127.0.1.2:8002"), std::nullopt}},
                       4);
    QCOMPARE(resets.size(), 0);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, BackendsModel::Address).data().toString(), u"127.0.1.3:9001"_s);
    QCOMPARE(model.index(1, BackendsModel::Registered).data().toString(), u"rejected"_s);
    QVERIFY(model.index(1, BackendsModel::Registered).data(Qt::ToolTipRole).toString().contains(u"';'"_s));
    QVERIFY(!model.index(1, 0).data(BackendsModel::ValidRole).toBool());
}

void TestModels::eventLogIsBounded()
{
    EventLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setClock([] { return QDateTime(QDate(2026, 11, 25), QTime(10, 0)); });
    QSignalSpy errors(&model, &EventLogModel::errorLogged);
    for (int i = 0; i < EventLogModel::MaxEntries + 10; ++i)
        model.append(u"event %1"_s.arg(i), i % 100 == 0);
    QCOMPARE(model.rowCount(), EventLogModel::MaxEntries);
    QCOMPARE(model.index(0, EventLogModel::Message).data().toString(), u"event 10"_s);
    QCOMPARE(errors.size(), 51);
    QCOMPARE(model.toText({model.index(0, 0)}), u"2026-11-25 10:00:00  info   event 10"_s);
}

void TestModels::ledgerAppends()
{
    LedgerModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto entry = [](int id, const char* outcome) {
        return QJsonObject{{u"id"_s, id},
                           {u"outcome"_s, QString::fromLatin1(outcome)},
                           {u"revision"_s, QString::number(id + 10)},
                           {u"added"_s, QJsonArray{u"127.0.1.3:8001"_s}},
                           {u"diff"_s, u"+x"_s}};
    };
    model.update(QJsonArray{entry(1, "applied"), entry(2, "check failed")});
    QCOMPARE(model.rowCount(), 2);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.update(QJsonArray{entry(2, "check failed"), entry(3, "applied")}); // the engine keeps a tail
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(resets.size(), 0);
    QVERIFY(!model.index(1, 0).data(LedgerModel::OkRole).toBool());
    model.update(QJsonArray{entry(1, "applied")}); // another engine: its ids restarted
    QCOMPARE(resets.size(), 1);
    QCOMPARE(model.rowCount(), 1);
}

void TestModels::upstreamsMergeLiveAndWanted()
{
    UpstreamsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.update({u"127.0.1.3:8001"_s, u"127.0.1.2:8002"_s}, {u"127.0.1.3:8001"_s, u"127.0.1.2:8002"_s});
    QCOMPARE(model.rowCount(), 2);
    model.update({u"127.0.1.3:8001"_s, u"127.0.1.2:8002"_s}, {u"127.0.1.3:8001"_s, u"127.0.1.4:8003"_s});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, UpstreamsModel::Wanted).data().toString(), u"to remove"_s);
    QCOMPARE(model.index(2, UpstreamsModel::Wanted).data().toString(), u"to add"_s);
    model.update({u"127.0.1.3:8001"_s, u"127.0.1.4:8003"_s}, {u"127.0.1.3:8001"_s, u"127.0.1.4:8003"_s});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1, UpstreamsModel::Live).data().toString(), u"serving"_s);
}

void TestModels::nodesShowConnectionAndMembership()
{
    testbed::EtcdServer etcd;
    const QString started = etcd.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ClusterProfile profile;
    profile.etcd.endpoints = {etcd.clientUrl()};
    // Nodes that cannot connect: the model must show why, and the etcd member column by address.
    profile.nodes = {{u"node-a"_s, u"127.0.0.1"_s, u"unix:///nonexistent/lbdeck/docker.sock"_s},
                     {u"node-b"_s, u"127.0.1.2"_s, u"gopher://127.0.1.2"_s}};
    ClusterSession session(profile);
    QSignalSpy opened(&session, &ClusterSession::opened);
    session.open();
    QVERIFY(opened.wait(10000));
    NodesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSession(&session);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, NodesModel::Node).data().toString(), u"node-a"_s);
    QTRY_VERIFY(model.index(0, NodesModel::Connection).data().toString().startsWith(u"failed since "_s));
    QVERIFY2(
        model.index(0, NodesModel::Connection).data(Qt::ToolTipRole).toString().contains(u"nonexistent"_s),
        qPrintable(model.index(0, 0).data(Qt::ToolTipRole).toString()));
    QTRY_VERIFY(model.index(1, NodesModel::Connection).data().toString().startsWith(u"failed since "_s));
    // Since when: the moment the link failed, in the operator's clock.
    QCOMPARE(model.index(1, NodesModel::Connection).data().toString(),
             u"failed since "_s + session.nodes().at(1)->stateSince().toLocalTime().toString(u"HH:mm:ss"_s));
    QVERIFY(model.index(1, 0).data(Qt::ToolTipRole).toString().contains(u"ssh://"_s)); // says what works
    QVERIFY(!model.index(1, 0).data(NodesModel::ReadyRole).toBool());
    QTRY_COMPARE(model.index(0, NodesModel::EtcdMember).data().toString(), u"yes (lbdeck-test)"_s);
    QCOMPARE(model.index(1, NodesModel::EtcdMember).data().toString(), u"no"_s);
    QCOMPARE(model.index(0, NodesModel::Docker).data().toString(), QString()); // nothing made up
}

QTEST_MAIN(TestModels)
#include "TestModels.moc"
