// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// A check_cmd that hangs with its output closed, run by lbdeck-engine as deployed (a separate
// process, a confd resource, real nginx): killed at its deadline with what it started outside its
// process group, reported, and the engine applies the next change.
#include "core/engine/Engine.h"
#include "core/etcd/EtcdV3Client.h"
#include "core/util/ProcessTree.h"
#include "tests/support/Await.h"
#include "tests/testbed/EtcdServer.h"
#include "tests/testbed/NginxServer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

QString engineBinary()
{
    return qEnvironmentVariable("LBDECK_BINARY_DIR") + u"/app/lbdeck-engine"_s;
}

bool writeFile(const QString& path, const QByteArray& data, bool executable = false)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(data) != data.size())
        return false;
    f.close();
    if (executable)
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return true;
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

qint64 pidIn(const QString& path)
{
    bool ok = false;
    const qint64 pid = readFile(path).trimmed().toLongLong(&ok);
    return ok ? pid : 0;
}

bool procExists(qint64 pid)
{
    return QFile::exists(u"/proc/%1"_s.arg(pid));
}

} // namespace

class TestChildDeadline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void hungCheckIsKilledAtItsDeadlineAndTheNextChangeApplies();
    void embeddedEngineKeepsItsThreadFreeDuringAHungCheck();

private:
    Result<qint64> put(const QByteArray& k, const QByteArray& v)
    {
        return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { m_etcd->put(k, v, 0, ctx, cb); });
    }
    Result<qint64> remove(const QByteArray& k)
    {
        return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { m_etcd->remove(k, ctx, cb); });
    }
    QJsonObject status() const;
    QByteArray through() const;

    EtcdServer m_server;
    NginxServer m_backends;
    NginxServer m_balancer;
    std::unique_ptr<EtcdV3Client> m_etcd;
    QTemporaryDir m_dir;
    quint16 m_portA = 0;
    quint16 m_portB = 0;
    quint16 m_hangPort = 0;
    quint16 m_statusPort = 0;
    QString m_config;
};

void TestChildDeadline::initTestCase()
{
    QVERIFY(QFile::exists(engineBinary()));
    QVERIFY(m_dir.isValid());
    QCOMPARE(m_server.start(), QString());
    EtcdConfig c;
    c.endpoints = {m_server.clientUrl()};
    m_etcd = std::make_unique<EtcdV3Client>(c);
    m_portA = freePort();
    m_portB = freePort();
    m_hangPort = freePort(); // never listened on: only a marker the check recognises
    m_statusPort = freePort();
    QCOMPARE(m_backends.start(
                 u"server { listen 127.0.0.1:%1; location / { return 200 \"backend A\\n\"; } }\n"
                 u"server { listen 127.0.0.1:%2; location / { return 200 \"backend B\\n\"; } }\n"
                 u"server { listen 127.0.0.1:@PORT@; location / { return 200 \"up\\n\"; } }\n"_s.arg(m_portA)
                     .arg(m_portB)),
             QString());
    QCOMPARE(m_balancer.start(
                 u"server { listen 127.0.0.1:@PORT@; location / { return 200 \"before lbdeck\\n\"; } }"_s),
             QString());
    m_config = m_dir.path() + u"/engine.toml"_s;
    const QString dir = m_dir.path();
    const QString prefix = m_balancer.prefix();
    // The check confd users write: nginx -t on the staged file. For one value it instead starts a
    // setsid grandchild (another session, out of the group's reach), closes its output and hangs.
    const QByteArray check =
        u"#!/bin/sh\n"
        u"if grep -q '127.0.0.1:%1;' \"$1\"; then\n"
        u"    setsid sh -c 'echo $$ > \"%2/grandchild.pid\"; exec sleep 600' >/dev/null 2>&1 &\n"
        u"    echo $$ > \"%2/check.pid\"\n"
        u"    exec >/dev/null 2>&1\n"
        u"    exec sleep 600\n"
        u"fi\n"
        u"exec /usr/sbin/nginx -t -q -p \"%3\" -c \"$1\"\n"_s.arg(m_hangPort)
            .arg(dir, prefix)
            .toUtf8();
    QVERIFY(writeFile(dir + u"/check.sh"_s, check, /*executable=*/true));
    const QString tmpl = m_balancer.wrap(u"    upstream backend {\n"
                                         u"{{range getvs \"/hung/*\"}}        server {{.}};\n{{end}}"
                                         u"    }\n"
                                         u"    server { listen 127.0.0.1:@PORT@; location / { proxy_pass "
                                         u"http://backend; } }\n"_s);
    QVERIFY(writeFile(dir + u"/confd/templates/balancer.tmpl"_s, tmpl.toUtf8()));
    QVERIFY(writeFile(
        dir + u"/confd/conf.d/balancer.toml"_s,
        u"[template]\nsrc = \"balancer.tmpl\"\ndest = \"%1\"\nkeys = [\"/hung\"]\n"
        u"check_cmd = \"%2/check.sh {{.src}}\"\n"
        u"reload_cmd = \"kill -HUP $(cat %3)\"\n"_s.arg(m_balancer.confPath(), dir, m_balancer.pidFile())
            .toUtf8()));
    QVERIFY(writeFile(m_config, u"[etcd]\nendpoints = [\"%1\"]\n\n[engine]\nconfdir = \"%2/confd\"\n"
                                u"status_listen = \"127.0.0.1:%3\"\nquiet_ms = 5\ncheck_timeout_ms = 2000\n"_s
                                    .arg(m_server.clientUrl(), dir)
                                    .arg(m_statusPort)
                                    .toUtf8()));
}

QJsonObject TestChildDeadline::status() const
{
    QByteArray body;
    if (httpGet(u"127.0.0.1"_s, m_statusPort, "/status", &body, 2000) != 200)
        return {};
    return QJsonDocument::fromJson(body).object();
}

QByteArray TestChildDeadline::through() const
{
    QByteArray body;
    httpGet(u"127.0.0.1"_s, m_balancer.port(), "/", &body, 2000);
    return body.trimmed();
}

void TestChildDeadline::hungCheckIsKilledAtItsDeadlineAndTheNextChangeApplies()
{
    const QString dir = m_dir.path();
    const QString& config = m_config;
    VERIFY_OK(put("/hung/a", "127.0.0.1:" + QByteArray::number(m_portA)));
    TestProcess engine;
    QVERIFY(engine.start(engineBinary(), {u"-c"_s, config}, dir + u"/engine.log"_s));
    QVERIFY2(waitUntil([&] { return through() == "backend A"; }, std::chrono::seconds(15)),
             qPrintable(QString::fromUtf8(through()) + u'\n' + engine.logTail()));

    // The value that makes the check hang.
    VERIFY_OK(put("/hung/stuck", "127.0.0.1:" + QByteArray::number(m_hangPort)));
    QTRY_VERIFY_WITH_TIMEOUT(pidIn(dir + u"/check.pid"_s) > 0 && pidIn(dir + u"/grandchild.pid"_s) > 0,
                             10000);
    QElapsedTimer clock;
    clock.start();
    const qint64 checkPid = pidIn(dir + u"/check.pid"_s);
    const qint64 grandchild = pidIn(dir + u"/grandchild.pid"_s);
    QVERIFY(procExists(checkPid) && procExists(grandchild));
    const QString expected =
        u"check_cmd did not finish within 2 s: killed its process group (pid %1), and the process it "
        u"started outside it (pid %2)"_s.arg(checkPid)
            .arg(grandchild);
    auto reported = [&] {
        const QJsonArray errors = status().value(u"errors"_s).toArray();
        return std::any_of(errors.cbegin(), errors.cend(),
                           [&](const QJsonValue& e) { return e.toString().contains(expected); });
    };
    QTRY_VERIFY_WITH_TIMEOUT(reported(), 10000);
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    // Nothing left: the check is gone, and so is its grandchild — killed, and reaped by the engine
    // (a child subreaper), so not even a zombie remains.
    QVERIFY(!procExists(checkPid));
    QTRY_VERIFY_WITH_TIMEOUT(!procExists(grandchild), 3000);
    QVERIFY(engine.isRunning());
    // The last good config stays.
    QVERIFY(!readFile(m_balancer.confPath()).contains(QByteArray::number(m_hangPort)));
    QCOMPARE(through(), QByteArray("backend A"));

    // The engine goes on: the next change is deployed.
    VERIFY_OK(remove("/hung/stuck"));
    VERIFY_OK(put("/hung/b", "127.0.0.1:" + QByteArray::number(m_portB)));
    QTRY_VERIFY_WITH_TIMEOUT(
        readFile(m_balancer.confPath()).contains(":" + QByteArray::number(m_portB) + ";"), 15000);
    QSet<QByteArray> seen;
    QTRY_VERIFY_WITH_TIMEOUT((seen.insert(through()), seen.contains("backend B")), 10000);
    engine.stop();
}

// The engine inside the GUI runs deploys on DeployWorker's thread: the same deadline applies there,
// and the thread the engine lives on (the GUI's) keeps running its events meanwhile. This process
// is no subreaper (the test bed starts services with QProcess), as the GUI is not: what the check
// left is killed all the same, and reaped by whoever adopted it.
void TestChildDeadline::embeddedEngineKeepsItsThreadFreeDuringAHungCheck()
{
    const QString dir = m_dir.path();
    QFile::remove(dir + u"/check.pid"_s);
    QFile::remove(dir + u"/grandchild.pid"_s);
    Result<EngineConfig> config = EngineConfig::load(m_config);
    VERIFY_OK(config);
    Engine engine(*config);
    VERIFY_OK(engine.start());
    QTRY_VERIFY_WITH_TIMEOUT(engine.isIdle(), 15000);
    const qint64 before = engine.ledger().total();

    QElapsedTimer sinceTick;
    sinceTick.start();
    qint64 longestGap = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, [&] { longestGap = qMax(longestGap, sinceTick.restart()); });
    ticker.start(20);
    VERIFY_OK(put("/hung/stuck", "127.0.0.1:" + QByteArray::number(m_hangPort)));
    QTRY_VERIFY_WITH_TIMEOUT(engine.ledger().total() > before, 15000);
    ticker.stop();
    const LedgerEntry& entry = engine.ledger().entries().last();
    QCOMPARE(entry.report.outcome, DeployReport::Outcome::CheckFailed);
    const qint64 checkPid = pidIn(dir + u"/check.pid"_s);
    const qint64 grandchild = pidIn(dir + u"/grandchild.pid"_s);
    QVERIFY(checkPid > 0 && grandchild > 0);
    QVERIFY2(entry.report.message.startsWith(
                 u"check_cmd did not finish within 2 s: killed its process group (pid %1), and the process "
                 u"it started outside it (pid %2) — the running config stays"_s.arg(checkPid)
                     .arg(grandchild)),
             qPrintable(entry.report.message));
    QVERIFY2(longestGap < 500, qPrintable(QString::number(longestGap)));
    QVERIFY(!proctree::isAlive(checkPid));
    QVERIFY(!proctree::isAlive(grandchild));
    QVERIFY(!readFile(m_balancer.confPath()).contains(QByteArray::number(m_hangPort)));
    VERIFY_OK(remove("/hung/stuck"));
    QTRY_VERIFY_WITH_TIMEOUT(engine.isIdle(), 15000);
}

QTEST_GUILESS_MAIN(TestChildDeadline)
#include "TestChildDeadline.moc"
