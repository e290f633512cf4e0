// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// A hung etcd must not look live: the engine's liveness probe (every 1 s, 1 s timeout, stale after 3
// misses — the defaults) against a real etcd frozen with SIGSTOP, alone and as one member of a real
// 3-member cluster, with the engine driving a real nginx; and the GUI's session beside it.
#include "EngineFixture.h"
#include "core/cluster/ClusterSession.h"
#include "core/engine/Engine.h"
#include "core/etcd/EtcdLiveness.h"
#include "tests/support/Await.h"
#include "tests/testbed/EtcdCluster.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

QJsonObject source(const Engine& e)
{
    return e.statusJson().value(u"sources"_s).toArray().first().toObject();
}

QByteArray installed(const EngineFixture& f)
{
    QFile file(f.balancer.confPath());
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Ledger entries that put `server` into the config.
int timesAdded(const Engine& e, const QString& server)
{
    int n = 0;
    for (const LedgerEntry& entry : e.ledger().entries())
        n += entry.added.contains(server) ? 1 : 0;
    return n;
}

// The GUI's session on the cluster's endpoints, watching /test/ (no load balancer of its own).
ClusterProfile sessionProfile(const QString& name, const EtcdCluster& cluster)
{
    ClusterProfile profile;
    profile.name = name;
    profile.etcd.endpoints = cluster.clientUrls();
    profile.prefix = "/test/";
    profile.balancers.clear();
    return profile;
}

// A put through one member, tried again while the others elect a new leader: "" or the last error.
QString putThrough(const EtcdServer& member, const QString& key, const QString& value)
{
    QString error;
    for (int attempt = 0; attempt < 10; ++attempt) {
        error = member.etcdctl({u"put"_s, u"--command-timeout=2s"_s, key, value});
        if (error.isEmpty())
            break;
    }
    return error;
}

} // namespace

class TestEtcdFailover : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void frozenMemberIsStaleWithinThreeIntervals();
    void failsOverWhileItsMemberIsFrozen();
    void failsOverWhenItsMemberIsKilled();

private:
    EngineFixture m_f;
};

void TestEtcdFailover::initTestCase()
{
    QCOMPARE(m_f.start(), QString());
}

void TestEtcdFailover::frozenMemberIsStaleWithinThreeIntervals()
{
    QCOMPARE(m_f.etcd.etcdctl({u"put"_s, u"/test/apache-8001"_s, u"127.0.1.3:8001"_s}), QString());
    Engine engine(m_f.engineConfig());
    VERIFY_OK(engine.start());
    QTRY_VERIFY_WITH_TIMEOUT(installed(m_f).contains("server 127.0.1.3:8001"), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(source(engine).value(u"state"_s).toString(), u"Live"_s, 5000);

    ::kill(pid_t(m_f.etcd.pid()), SIGSTOP);
    auto resume = qScopeGuard([&] { ::kill(pid_t(m_f.etcd.pid()), SIGCONT); });
    QElapsedTimer frozen;
    frozen.start();
    // The watch connection stays open and says nothing; the probe says stale, after 3 misses.
    QTRY_COMPARE_WITH_TIMEOUT(source(engine).value(u"state"_s).toString(), u"Stale"_s, 10000);
    qInfo("stale %lld ms after the freeze (3 probes of 1 s)", qint64(frozen.elapsed()));
    const QJsonObject liveness = engine.statusJson().value(u"etcdLiveness"_s).toObject();
    QVERIFY(liveness.value(u"stale"_s).toBool());
    QVERIFY2(liveness.value(u"detail"_s).toString().contains(u"3 probes missed"_s),
             qPrintable(liveness.value(u"detail"_s).toString()));
    QVERIFY(!liveness.value(u"staleSince"_s).toString().isEmpty());
    const QByteArray metrics = engine.metricsText();
    QVERIFY2(metrics.contains("lbdeck_engine_etcd_stale 1\n"), metrics.constData());
    QVERIFY(metrics.contains("lbdeck_engine_source_up{prefix=\"/test/\"} 0\n"));
    // One endpoint: nowhere to go; nginx keeps serving what it had.
    QCOMPARE(liveness.value(u"failovers"_s).toInt(), 0);
    QCOMPARE(m_f.spread(4).value("backend 8001"), 4);

    resume.dismiss();
    ::kill(pid_t(m_f.etcd.pid()), SIGCONT);
    QTRY_COMPARE_WITH_TIMEOUT(source(engine).value(u"state"_s).toString(), u"Live"_s, 10000);
    QVERIFY(engine.metricsText().contains("lbdeck_engine_etcd_stale 0\n"));
    // The watch still delivers.
    QCOMPARE(m_f.etcd.etcdctl({u"put"_s, u"/test/apache-8002"_s, u"127.0.1.2:8002"_s}), QString());
    QTRY_VERIFY_WITH_TIMEOUT(installed(m_f).contains("server 127.0.1.2:8002"), 10000);
    QCOMPARE(m_f.etcd.etcdctl({u"del"_s, u"/test/apache-8002"_s}), QString());
}

void TestEtcdFailover::failsOverWhileItsMemberIsFrozen()
{
    EtcdCluster cluster(3);
    QCOMPARE(cluster.start(), QString());
    QCOMPARE(cluster.member(1).etcdctl({u"put"_s, u"/test/apache-8001"_s, u"127.0.1.3:8001"_s}), QString());
    EngineConfig config = m_f.engineConfig();
    config.etcd.endpoints = cluster.clientUrls(); // the engine starts on member 0
    Engine engine(config);
    VERIFY_OK(engine.start());
    QTRY_VERIFY_WITH_TIMEOUT(installed(m_f).contains("server 127.0.1.3:8001") &&
                                 !installed(m_f).contains("server 127.0.1.2:8002"),
                             15000);
    QVERIFY2(engine.statusJson().value(u"etcd"_s).toString().contains(cluster.member(0).clientUrl()),
             qPrintable(engine.statusJson().value(u"etcd"_s).toString()));
    // The GUI's own session, on the same three endpoints: its mirror does the same.
    ClusterSession session(sessionProfile(u"failover"_s, cluster));
    QSignalSpy opened(&session, &ClusterSession::opened);
    session.open();
    QVERIFY(opened.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(session.backends()->entries().contains("/test/apache-8001"), 10000);

    // Member 0 frozen; quorum stays with 1 and 2, and a change is made through member 1.
    ::kill(pid_t(cluster.member(0).pid()), SIGSTOP);
    auto resume = qScopeGuard([&] { ::kill(pid_t(cluster.member(0).pid()), SIGCONT); });
    QElapsedTimer frozen;
    frozen.start();
    // If member 0 led, the others elect a new leader first: the write waits for that.
    QCOMPARE(putThrough(cluster.member(1), u"/test/apache-8002"_s, u"127.0.1.2:8002"_s), QString());
    qInfo("the write through member 1 went in %lld ms after member 0 froze", qint64(frozen.elapsed()));
    QTRY_VERIFY_WITH_TIMEOUT(installed(m_f).contains("server 127.0.1.2:8002"), 20000);
    qInfo("the change made through member 1 was live %lld ms after member 0 froze (3 probes of 1 s, a "
          "failover, a reload)",
          qint64(frozen.elapsed()));
    const QJsonObject liveness = engine.statusJson().value(u"etcdLiveness"_s).toObject();
    QVERIFY(liveness.value(u"failovers"_s).toInt() >= 1);
    QVERIFY2(!engine.statusJson().value(u"etcd"_s).toString().contains(cluster.member(0).clientUrl()),
             qPrintable(engine.statusJson().value(u"etcd"_s).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(session.backends()->entries().contains("/test/apache-8002"), 10000);
    QVERIFY(session.liveness()->failovers() >= 1);
    QVERIFY2(!session.etcd()->describe().contains(cluster.member(0).clientUrl()),
             qPrintable(session.etcd()->describe()));
    QTRY_COMPARE_WITH_TIMEOUT(source(engine).value(u"state"_s).toString(), u"Live"_s, 10000);
    // The file is in place before nginx confirms it; the ledger entry comes with the confirmation.
    QTRY_COMPARE_WITH_TIMEOUT(timesAdded(engine, u"127.0.1.2:8002"_s), 1, 10000);

    // Member 0 thaws: nothing is lost and nothing is applied twice.
    resume.dismiss();
    ::kill(pid_t(cluster.member(0).pid()), SIGCONT);
    const int answered =
        engine.statusJson().value(u"etcdLiveness"_s).toObject().value(u"probesAnswered"_s).toInt();
    QTRY_VERIFY_WITH_TIMEOUT(
        engine.statusJson().value(u"etcdLiveness"_s).toObject().value(u"probesAnswered"_s).toInt() >=
            answered + 3,
        10000);
    QCOMPARE(timesAdded(engine, u"127.0.1.2:8002"_s), 1);
    const QByteArray config2 = installed(m_f);
    QVERIFY(config2.contains("server 127.0.1.3:8001") && config2.contains("server 127.0.1.2:8002"));
    const QMap<QByteArray, int> seen = m_f.spread(20);
    QCOMPARE(seen.value("backend 8001") + seen.value("backend 8002"), 20);
    QVERIFY(seen.value("backend 8002") >= 5);
    engine.shutdown();
}

// A member that is gone (refused connections) rather than frozen: the client moves on inside the
// watch's own reply handler, and each mirror watches again once that handler is done.
void TestEtcdFailover::failsOverWhenItsMemberIsKilled()
{
    EtcdCluster cluster(3);
    QCOMPARE(cluster.start(), QString());
    QCOMPARE(cluster.member(1).etcdctl({u"put"_s, u"/test/apache-8001"_s, u"127.0.1.3:8001"_s}), QString());
    EngineConfig config = m_f.engineConfig();
    config.etcd.endpoints = cluster.clientUrls();
    Engine engine(config);
    VERIFY_OK(engine.start());
    QTRY_VERIFY_WITH_TIMEOUT(engine.isIdle(), 15000);
    ClusterSession session(sessionProfile(u"killed"_s, cluster));
    QSignalSpy opened(&session, &ClusterSession::opened);
    session.open();
    QVERIFY(opened.wait(10000));
    QTRY_COMPARE_WITH_TIMEOUT(session.backends()->state(), PrefixMirror::State::Live, 10000);

    cluster.member(0).kill();
    QCOMPARE(putThrough(cluster.member(1), u"/test/apache-8002"_s, u"127.0.1.2:8002"_s), QString());
    QTRY_VERIFY_WITH_TIMEOUT(installed(m_f).contains("server 127.0.1.2:8002"), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(session.backends()->entries().contains("/test/apache-8002"), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(source(engine).value(u"state"_s).toString(), u"Live"_s, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(timesAdded(engine, u"127.0.1.2:8002"_s), 1, 10000);
    QCOMPARE(cluster.member(1).etcdctl({u"del"_s, u"/test/apache-8002"_s}), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!installed(m_f).contains("server 127.0.1.2:8002"), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!session.backends()->entries().contains("/test/apache-8002"), 20000);
    engine.shutdown();
}

QTEST_MAIN(TestEtcdFailover)
#include "TestEtcdFailover.moc"
