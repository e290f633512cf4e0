// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// What a bad day does to the engine, against real etcd and nginx: a second engine on the same file
// is refused by the lock, a failed install is retried with nothing changing in etcd, and a SIGHUP's
// configuration that comes while a deploy runs is applied after it, not dropped.
#include "EngineFixture.h"
#include "core/engine/DestinationLock.h"
#include "core/engine/Engine.h"
#include "tests/support/Await.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace Qt::StringLiterals;

namespace {

QByteArray installed(const EngineFixture& f)
{
    QFile file(f.balancer.confPath());
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

int outcomes(const Engine& e, DeployReport::Outcome outcome)
{
    int n = 0;
    for (const LedgerEntry& entry : e.ledger().entries())
        n += entry.report.outcome == outcome ? 1 : 0;
    return n;
}

} // namespace

class TestEngineRobustness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void secondEngineOnTheSameFileIsRefused();
    void failedInstallIsRetried();
    void reconfigureDuringDeployIsQueued();
    void expiredLeasesLeaveTheConfig();

private:
    QString put(const QString& key, const QString& value) { return m_f.etcd.etcdctl({u"put"_s, key, value}); }
    EngineFixture m_f;
};

void TestEngineRobustness::initTestCase()
{
    QCOMPARE(m_f.start(), QString());
    QCOMPARE(put(u"/test/apache-8001"_s, u"127.0.1.3:8001"_s), QString());
}

void TestEngineRobustness::secondEngineOnTheSameFileIsRefused()
{
    auto first = std::make_unique<Engine>(m_f.engineConfig());
    VERIFY_OK(first->start());
    Engine second(m_f.engineConfig());
    const Result<void> refused = second.start();
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::Conflict);
    QVERIFY2(refused.error().message.contains(
                 u"another lbdeck-engine (pid %1"_s.arg(QCoreApplication::applicationPid())) &&
                 refused.error().message.contains(m_f.balancer.confPath()),
             qPrintable(refused.error().toString()));
    // Noop writes nothing: it needs no lock.
    Engine noop(m_f.engineConfig());
    VERIFY_OK(noop.start(Engine::Mode::Noop));
    // The lock goes with its engine.
    first.reset();
    Engine third(m_f.engineConfig());
    VERIFY_OK(third.start());
    QTRY_VERIFY_WITH_TIMEOUT(installed(m_f).contains("server 127.0.1.3:8001"), 15000);
    QVERIFY(QFile::exists(DestinationLock::lockPathFor(m_f.balancer.confPath())));
}

void TestEngineRobustness::failedInstallIsRetried()
{
    Engine engine(m_f.engineConfig());
    VERIFY_OK(engine.start());
    QTRY_VERIFY_WITH_TIMEOUT(engine.isIdle(), 15000);
    QVERIFY(installed(m_f).contains("server 127.0.1.3:8001"));
    const QByteArray before = installed(m_f);
    // A directory where the file goes: the install cannot rename over it.
    const QString dest = m_f.balancer.confPath();
    QVERIFY(QFile::remove(dest));
    QVERIFY(QDir().mkdir(dest));
    auto restore = qScopeGuard([&] {
        if (QFileInfo(dest).isDir()) {
            QDir().rmdir(dest);
            QFile f(dest);
            if (f.open(QIODevice::WriteOnly))
                f.write(before);
        }
    });
    QCOMPARE(put(u"/test/apache-8002"_s, u"127.0.1.2:8002"_s), QString());
    QTRY_VERIFY_WITH_TIMEOUT(outcomes(engine, DeployReport::Outcome::InstallFailed) >= 1, 15000);
    const qint64 applied = outcomes(engine, DeployReport::Outcome::Applied);
    // Retried with backoff, still failing while the directory is there...
    QTRY_VERIFY_WITH_TIMEOUT(outcomes(engine, DeployReport::Outcome::InstallFailed) >= 2, 5000);
    // ...and applied once it is gone, with no change in etcd.
    QVERIFY(QDir().rmdir(dest));
    restore.dismiss();
    QTRY_VERIFY_WITH_TIMEOUT(outcomes(engine, DeployReport::Outcome::Applied) == applied + 1, 15000);
    QVERIFY(installed(m_f).contains("server 127.0.1.2:8002"));
    const QMap<QByteArray, int> seen = m_f.spread(20);
    QVERIFY2(seen.value("backend 8002") >= 5, qPrintable(QString::number(seen.value("backend 8002"))));
    QCOMPARE(m_f.etcd.etcdctl({u"del"_s, u"/test/apache-8002"_s}), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!installed(m_f).contains("server 127.0.1.2:8002"), 15000);
}

void TestEngineRobustness::reconfigureDuringDeployIsQueued()
{
    Engine engine(m_f.engineConfig());
    VERIFY_OK(engine.start());
    // The file is the previous test's already: wait for this engine to have read etcd and settled.
    QTRY_VERIFY_WITH_TIMEOUT(engine.isIdle(), 15000);
    QVERIFY(installed(m_f).contains("server 127.0.1.3:8001"));
    QVERIFY(installed(m_f).contains("worker_shutdown_timeout 30s"));
    EngineConfig next = m_f.engineConfig();
    next.nginx.workerShutdownTimeoutS = 17;
    bool queuedWhileBusy = false;
    connect(&engine, &Engine::deployStarted, this, [&] {
        if (queuedWhileBusy)
            return;
        queuedWhileBusy = true;
        // What the SIGHUP handler does, while the deploy runs.
        const Result<void> r = engine.reconfigure(next);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().toString()));
    });
    QCOMPARE(put(u"/test/apache-8002"_s, u"127.0.1.2:8002"_s), QString());
    QTRY_VERIFY_WITH_TIMEOUT(queuedWhileBusy, 15000);
    // The deploy in progress finishes with the old configuration, then the new one applies.
    QTRY_VERIFY_WITH_TIMEOUT(installed(m_f).contains("worker_shutdown_timeout 17s"), 15000);
    QVERIFY(installed(m_f).contains("server 127.0.1.2:8002"));
    QCOMPARE(m_f.etcd.etcdctl({u"del"_s, u"/test/apache-8002"_s}), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!installed(m_f).contains("server 127.0.1.2:8002"), 15000);
}

void TestEngineRobustness::expiredLeasesLeaveTheConfig()
{
    Engine engine(m_f.engineConfig());
    VERIFY_OK(engine.start());
    QTRY_VERIFY_WITH_TIMEOUT(engine.isIdle(), 15000);
    QVERIFY(installed(m_f).contains("server 127.0.1.3:8001"));
    // 100 more keys: 50 plain, then 50 on a 10 s lease that nobody keeps alive.
    constexpr int TtlS = 10;
    const auto key = [](int i) { return u"/test/lease-%1"_s.arg(i, 3, 10, QChar(u'0')); };
    const auto address = [](int i) { return u"127.0.2.%1:8080"_s.arg(i + 1); };
    for (int i = 1; i < 100; i += 2)
        QCOMPARE(m_f.etcd.etcdctl({u"put"_s, key(i), address(i)}), QString());
    QByteArray granted;
    QCOMPARE(m_f.etcd.etcdctl({u"lease"_s, u"grant"_s, QString::number(TtlS)}, &granted), QString());
    const QString lease =
        QString::fromLatin1(granted.split(' ').value(1)); // "lease ID granted with TTL(10s)"
    QVERIFY2(!lease.isEmpty(), granted.constData());
    QElapsedTimer sinceGrant;
    sinceGrant.start();
    for (int i = 0; i < 100; i += 2)
        QCOMPARE(m_f.etcd.etcdctl({u"put"_s, key(i), address(i), u"--lease=%1"_s.arg(lease)}), QString());
    const auto servers = [&](int parity) {
        int n = 0;
        const QByteArray conf = installed(m_f);
        for (int i = parity; i < 100; i += 2)
            n += conf.contains("server " + address(i).toLatin1() + ";") ? 1 : 0;
        return n;
    };
    const qint64 written = sinceGrant.elapsed();
    qInfo("50 leased keys written in %lld ms", written);
    // All of them live while the lease holds.
    QTRY_VERIFY_WITH_TIMEOUT(servers(0) == 50 || sinceGrant.elapsed() >= TtlS * 1000, TtlS * 1000);
    QVERIFY2(sinceGrant.elapsed() < TtlS * 1000 || written >= TtlS * 1000 - 2000,
             "the leased servers never showed in the config while their lease held");
    QTRY_COMPARE_WITH_TIMEOUT(servers(1), 50, 15000);
    // Gone within TTL + 5 s of the grant; the other 50 and the seed's stay.
    QTRY_VERIFY_WITH_TIMEOUT(servers(0) == 0,
                             int(qMax<qint64>(1000, (TtlS + 5) * 1000 - sinceGrant.elapsed())));
    qInfo("the 50 leased servers left the config %lld ms after their %d s lease was granted",
          qint64(sinceGrant.elapsed()), TtlS);
    QCOMPARE(servers(1), 50);
    QVERIFY(installed(m_f).contains("server 127.0.1.3:8001"));
    QCOMPARE(m_f.etcd.etcdctl({u"del"_s, u"--prefix"_s, u"/test/lease-"_s}), QString());
    QTRY_COMPARE_WITH_TIMEOUT(servers(1), 0, 15000);
}

QTEST_MAIN(TestEngineRobustness)
#include "TestEngineRobustness.moc"
