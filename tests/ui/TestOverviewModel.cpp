// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The Overview's model under QAbstractItemModelTester, fed by a real session: etcd, a backend that
// is a real nginx, the upstream prober's real probes, and etcd frozen to go stale.
#include "core/cluster/ClusterSession.h"
#include "core/cluster/NodeConnection.h"
#include "core/cluster/UpstreamProber.h"
#include "core/etcd/EtcdLiveness.h"
#include "tests/testbed/EtcdServer.h"
#include "tests/testbed/NginxServer.h"
#include "ui/models/OverviewModel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

QJsonObject traffic(qint64 nowMs, const QList<std::pair<QString, qint64>>& requests)
{
    QJsonArray upstreams;
    for (const auto& [address, n] : requests)
        upstreams.append(QJsonObject{{u"address"_s, address}, {u"l7"_s, QJsonObject{{u"requests"_s, n}}}});
    return {{u"nowMs"_s, nowMs}, {u"upstreams"_s, upstreams}};
}

OverviewModel::State stateOf(const QModelIndex& i)
{
    return i.data(OverviewModel::StateRole).value<OverviewModel::State>();
}

} // namespace

class TestOverviewModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestRatesFollowTheCounters();
    void reloadsInTheLastHourComeFromTheLedger();
    void followsARealSessionRowByRow();
};

void TestOverviewModel::requestRatesFollowTheCounters()
{
    overview::RequestRates rates;
    QCOMPARE(rates.update(traffic(1000, {{u"127.0.1.3:8001"_s, 100}})), QList<QString>());
    QCOMPARE(rates.rate(u"127.0.1.3:8001"_s), -1.0); // one document says nothing about a rate
    QCOMPARE(rates.update(traffic(3000, {{u"127.0.1.3:8001"_s, 150}, {u"127.0.1.2:8002"_s, 7}})),
             QList<QString>{u"127.0.1.3:8001"_s});
    QCOMPARE(rates.rate(u"127.0.1.3:8001"_s), 25.0);
    rates.update(traffic(4000, {{u"127.0.1.2:8002"_s, 2}})); // restarted engine; 8001 left
    QCOMPARE(rates.rate(u"127.0.1.2:8002"_s), 0.0);
    QCOMPARE(rates.rate(u"127.0.1.3:8001"_s), -1.0);
}

void TestOverviewModel::reloadsInTheLastHourComeFromTheLedger()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto entry = [](const QDateTime& at, const char* outcome) {
        return QJsonObject{{u"at"_s, at.toString(Qt::ISODateWithMs)},
                           {u"outcome"_s, QString::fromLatin1(outcome)}};
    };
    QJsonObject status{
        {u"ledger"_s,
         QJsonArray{entry(now.addSecs(-7200), "applied"), entry(now.addSecs(-600), "check failed"),
                    entry(now.addSecs(-300), "applied"), entry(now, "applied")}},
        {u"sources"_s, QJsonArray{QJsonObject{{u"prefix"_s, u"/test/"_s}, {u"revision"_s, u"41"_s}}}}};
    bool capped = true;
    QCOMPARE(overview::reloadsSince(status, now.addSecs(-3600), &capped), 2);
    QVERIFY(!capped);
    QCOMPARE(overview::engineRevision(status, "/test/"), 41);
    QCOMPARE(overview::engineRevision(status, "/other/"), -1);
    QJsonArray full;
    for (int i = 0; i < 20; ++i)
        full.append(entry(now.addSecs(-i), "applied"));
    QCOMPARE(overview::reloadsSince({{u"ledger"_s, full}}, now.addSecs(-3600), &capped), 20);
    QVERIFY(capped); // the engine lists 20: there may have been more
}

void TestOverviewModel::followsARealSessionRowByRow()
{
    EtcdServer etcd;
    QCOMPARE(etcd.start(), QString());
    NginxServer up;
    QCOMPARE(up.start(u"server { listen 127.0.0.1:@PORT@; location / { return 200 'up'; } }"_s), QString());
    const QString upAddress = u"127.0.0.1:%1"_s.arg(up.port());
    const QString downAddress = u"127.0.0.1:%1"_s.arg(freePort()); // nothing listens there
    QCOMPARE(etcd.etcdctl({u"put"_s, u"/test/apache-up"_s, upAddress}), QString());
    QCOMPARE(etcd.etcdctl({u"put"_s, u"/test/web-9000"_s, u"127.0.1.9:9000"_s}), QString());

    ClusterProfile p;
    p.etcd.endpoints = {etcd.clientUrl()};
    // A node that never answers (no Docker there); it publishes on 127.0.0.1.
    p.nodes = {{u"core-b"_s, u"127.0.0.1"_s, u"unix:///nonexistent/docker.sock"_s}};
    ClusterSession session(p);
    OverviewModel model;
    model.setCoalescing(std::chrono::milliseconds(10));
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    connect(&session, &ClusterSession::opened, &model, [&] { model.setSession(&session); });
    session.open();
    QTRY_VERIFY_WITH_TIMEOUT(model.indexOfBackend("/test/web-9000").isValid(), 10000);
    QTRY_VERIFY(model.indexOfBackend("/test/apache-up").isValid());

    // The tree: the load balancer, the node, and the group of backends on no node.
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, 0).data(OverviewModel::KindRole).value<OverviewModel::Kind>(),
             OverviewModel::Kind::LoadBalancer);
    const QModelIndex node = model.indexOfNode(u"core-b"_s);
    QCOMPARE(node.row(), 1);
    QCOMPARE(node.data(OverviewModel::KindRole).value<OverviewModel::Kind>(), OverviewModel::Kind::Node);
    QCOMPARE(model.index(2, 0).data(OverviewModel::KindRole).value<OverviewModel::Kind>(),
             OverviewModel::Kind::Elsewhere);
    QModelIndex upRow = model.indexOfBackend("/test/apache-up");
    QCOMPARE(upRow.parent(), node); // by the address the node publishes on
    QCOMPARE(upRow.data(OverviewModel::NodeRole).toString(), u"core-b"_s);
    QCOMPARE(upRow.data(OverviewModel::NameRole).toString(), u"apache-up"_s);
    QCOMPARE(upRow.data(OverviewModel::AddressRole).toString(), upAddress);
    QCOMPARE(upRow.data(OverviewModel::KindRole).value<OverviewModel::Kind>(), OverviewModel::Kind::Backend);
    QCOMPARE(model.indexOfBackend("/test/web-9000").parent().row(), 2);
    QCOMPARE(upRow.data(OverviewModel::CordonedRole).toBool(), false);
    QCOMPARE(upRow.data(OverviewModel::RequestsPerSecondRole).toDouble(), -1.0); // no engine, no traffic
    QCOMPARE(model.summary().registered, 2);
    QCOMPARE(model.summary().running, 0);
    QCOMPARE(model.summary().watchLag, -1); // no engine

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

    // A backend registers: one row appears, under its node, in key order.
    QCOMPARE(etcd.etcdctl({u"put"_s, u"/test/apache-down"_s, downAddress}), QString());
    QTRY_VERIFY(model.indexOfBackend("/test/apache-down").isValid());
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.first().at(0).value<QModelIndex>(), node);
    QCOMPARE(model.indexOfBackend("/test/apache-down").row(), 0); // "apache-down" < "apache-up"
    QCOMPARE(model.rowCount(node), 2);
    QTRY_COMPARE(model.summary().registered, 3);

    // Health: the prober's real probes; nginx answers one address, nothing the other.
    session.prober()->setInterval(std::chrono::milliseconds(200));
    session.prober()->setTargets({upAddress, downAddress});
    QTRY_COMPARE_WITH_TIMEOUT(model.indexOfBackend("/test/apache-up")
                                  .data(OverviewModel::HealthRole)
                                  .value<OverviewModel::Health>(),
                              OverviewModel::Health::Up, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(model.indexOfBackend("/test/apache-down")
                                  .data(OverviewModel::HealthRole)
                                  .value<OverviewModel::Health>(),
                              OverviewModel::Health::Down, 10000);
    QCOMPARE(stateOf(model.indexOfBackend("/test/apache-up")), OverviewModel::State::Ok);
    QCOMPARE(stateOf(model.indexOfBackend("/test/apache-down")), OverviewModel::State::Down);
    QCOMPARE(stateOf(node), OverviewModel::State::Down); // the worst of its backends
    QList<int> counts;
    for (const QVariant& v : node.data(OverviewModel::StateCountsRole).toList())
        counts << v.toInt();
    QCOMPARE(counts.value(int(OverviewModel::State::Down)), 1);
    QCOMPARE(counts.value(int(OverviewModel::State::Ok)), 1);
    QVERIFY(model.summary().problems >= 2); // the down backend and the node that fails
    // nginx goes away: the same row turns down, no row moves.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    up.stop();
    QTRY_COMPARE_WITH_TIMEOUT(model.indexOfBackend("/test/apache-up")
                                  .data(OverviewModel::HealthRole)
                                  .value<OverviewModel::Health>(),
                              OverviewModel::Health::Down, 10000);
    const bool rowChanged = std::any_of(changed.cbegin(), changed.cend(), [&](const QList<QVariant>& args) {
        const QModelIndex from = args.at(0).value<QModelIndex>();
        const QModelIndex to = args.at(1).value<QModelIndex>();
        const QModelIndex row = model.indexOfBackend("/test/apache-up");
        return from.parent() == node && from.row() <= row.row() && to.row() >= row.row();
    });
    QVERIFY(rowChanged);

    // Stale: etcd frozen, the liveness probe misses three times; every backend says so.
    QVERIFY(session.liveness());
    QVERIFY(!model.indexOfBackend("/test/web-9000").data(OverviewModel::StaleRole).toBool());
    ::kill(pid_t(etcd.pid()), SIGSTOP);
    QTRY_VERIFY_WITH_TIMEOUT(model.indexOfBackend("/test/web-9000").data(OverviewModel::StaleRole).toBool(),
                             15000);
    QCOMPARE(stateOf(model.indexOfBackend("/test/web-9000")), OverviewModel::State::Stale);
    QVERIFY(model.summary().stale);
    ::kill(pid_t(etcd.pid()), SIGCONT);
    QTRY_VERIFY_WITH_TIMEOUT(!model.indexOfBackend("/test/web-9000").data(OverviewModel::StaleRole).toBool(),
                             15000);
    QVERIFY(!model.summary().stale);

    // A backend is removed: its row goes, the others stay where they are.
    const qint64 before = model.summary().revision;
    QCOMPARE(etcd.etcdctl({u"del"_s, u"/test/apache-down"_s}), QString());
    QTRY_VERIFY(!model.indexOfBackend("/test/apache-down").isValid());
    QCOMPARE(removed.size(), 1);
    QCOMPARE(model.rowCount(node), 1);
    QVERIFY(model.indexOfBackend("/test/apache-up").isValid());
    QVERIFY(model.summary().revision > before);
    QCOMPARE(model.summary().registered, 2);
    QCOMPARE(resets.size(), 0);
}

QTEST_MAIN(TestOverviewModel)
#include "TestOverviewModel.moc"
