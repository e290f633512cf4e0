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
                 u"another lbdeck-engine (pid %1)"_s.arg(QCoreApplication::applicationPid())) &&
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
    QTRY_VERIFY_WITH_TIMEOUT(installed(m_f).contains("server 127.0.1.3:8001"), 15000);
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
    QTRY_VERIFY_WITH_TIMEOUT(installed(m_f).contains("server 127.0.1.3:8001"), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(installed(m_f).contains("worker_shutdown_timeout 30s"), 5000);
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

QTEST_MAIN(TestEngineRobustness)
#include "TestEngineRobustness.moc"
