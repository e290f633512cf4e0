// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The engine's Docker deploy target, as the seed's confd worked: nginx in a container (made
// offline from the host's nginx), config uploaded, checked by nginx -t inside, HUP through the API.
#include "core/engine/DockerDeployer.h"
#include "core/engine/Engine.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/support/Await.h"
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/EtcdServer.h"

#include <QTemporaryDir>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

class TestDockerTarget : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void configGoesInAndNginxReloadsWithoutRestart();
    void configRefusedByNginxInsideChangesNothing();

private:
    QString containerField(const QString& format);
    QByteArray containerFile(const QString& path);
    EngineConfig config() const;

    EtcdServer m_etcd;
    DockerDaemon m_docker;
    std::unique_ptr<EtcdV3Client> m_client;
    std::unique_ptr<Engine> m_engine;
    quint16 m_port = 0;
    QString m_backendIp;
};

QString TestDockerTarget::containerField(const QString& format)
{
    QByteArray out;
    m_docker.docker({u"inspect"_s, u"-f"_s, format, u"nginx"_s}, &out);
    return QString::fromUtf8(out.trimmed());
}

QByteArray TestDockerTarget::containerFile(const QString& path)
{
    QByteArray out;
    m_docker.docker({u"exec"_s, u"nginx"_s, u"/usr/sbin/nginx"_s, u"-T"_s, u"-q"_s, u"-c"_s, path}, &out);
    return out;
}

EngineConfig TestDockerTarget::config() const
{
    EngineConfig c;
    c.etcd.endpoints = {m_etcd.clientUrl()};
    c.nginx.dest = u"/etc/nginx/nginx.conf"_s;
    c.nginx.user = u"www-data"_s;
    c.nginx.pidFile = u"/run/nginx.pid"_s;
    c.nginx.errorLog = u"/var/log/nginx/error.log"_s;
    c.nginx.listen = u"80"_s;
    c.nginx.statusListen = u"127.0.0.1:9914"_s;
    c.statusListen.clear();
    c.nginx.container = u"nginx"_s;
    c.nginx.docker = m_docker.host();
    return c;
}

void TestDockerTarget::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root");
    QCOMPARE(m_etcd.start(), QString());
    QCOMPARE(m_docker.start(), QString());
    QCOMPARE(m_docker.buildBackendImage(), QString());
    QCOMPARE(m_docker.buildNginxImage(), QString());
    // A backend on the bridge, and nginx publishing its port 80 on loopback.
    QCOMPARE(m_docker.docker({u"run"_s, u"-d"_s, u"--name"_s, u"apache-80"_s, u"-e"_s,
                              u"LBDECK_BACKEND=apache-80"_s, DockerDaemon::backendImage()}),
             QString());
    QByteArray ip;
    m_docker.docker({u"inspect"_s, u"-f"_s, u"{{.NetworkSettings.IPAddress}}"_s, u"apache-80"_s}, &ip);
    m_backendIp = QString::fromUtf8(ip.trimmed());
    QVERIFY(!m_backendIp.isEmpty());
    m_port = freePort();
    QCOMPARE(m_docker.docker({u"run"_s, u"-d"_s, u"--name"_s, u"nginx"_s, u"-p"_s,
                              u"127.0.1.27:%1:80"_s.arg(m_port), DockerDaemon::nginxImage()}),
             QString());
    QTRY_COMPARE_WITH_TIMEOUT(httpGet(u"127.0.1.27"_s, m_port, "/"), 200, 10000);

    EtcdConfig c;
    c.endpoints = {m_etcd.clientUrl()};
    m_client = std::make_unique<EtcdV3Client>(c);
    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
        m_client->put("/test/apache-80", (m_backendIp + u":80"_s).toUtf8(), 0, ctx, cb);
    }));
}

void TestDockerTarget::configGoesInAndNginxReloadsWithoutRestart()
{
    const QString startedAt = containerField(u"{{.State.StartedAt}}"_s);
    m_engine = std::make_unique<Engine>(config());
    VERIFY_OK(m_engine->start());
    QTRY_VERIFY_WITH_TIMEOUT(m_engine->ledger().total() >= 1, 20000);
    const LedgerEntry& e = m_engine->ledger().entries().last();
    QVERIFY2(e.report.ok(), qPrintable(e.report.message));
    QVERIFY(e.report.confirmed); // worker processes replaced
    QVERIFY(containerFile(u"/etc/nginx/nginx.conf"_s)
                .contains((u"server "_s + m_backendIp + u":80;"_s).toUtf8()));
    QByteArray body;
    QTRY_COMPARE_WITH_TIMEOUT(httpGet(u"127.0.1.27"_s, m_port, "/", &body), 200, 5000);
    QVERIFY2(body.contains("apache-80"), body.constData());         // proxied by the new config
    QCOMPARE(containerField(u"{{.State.StartedAt}}"_s), startedAt); // reloaded, never restarted
    QCOMPARE(containerField(u"{{.RestartCount}}"_s), u"0"_s);
}

void TestDockerTarget::configRefusedByNginxInsideChangesNothing()
{
    QVERIFY(m_engine);
    const QByteArray before = containerFile(u"/etc/nginx/nginx.conf"_s);
    const QString startedAt = containerField(u"{{.State.StartedAt}}"_s);
    QTemporaryDir dir;
    QFile broken(dir.filePath(u"broken.tmpl"_s));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write(ConfigRenderer::builtinTemplateText()
                     .replace(u"access_log off;"_s, u"access_log off;\n    no_such_directive 1;"_s)
                     .toUtf8());
    broken.close();
    EngineConfig c = config();
    c.nginx.templateFile = broken.fileName();
    VERIFY_OK(m_engine->reconfigure(c));
    const qint64 entries = m_engine->ledger().total();
    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
        m_client->put("/test/apache-81", "10.213.99.9:80", 0, ctx, cb);
    }));
    QTRY_VERIFY_WITH_TIMEOUT(m_engine->ledger().total() > entries, 20000);
    const LedgerEntry& e = m_engine->ledger().entries().last();
    QCOMPARE(e.report.outcome, DeployReport::Outcome::CheckFailed);
    QVERIFY2(e.report.message.contains(u"no_such_directive"_s), qPrintable(e.report.message));
    QVERIFY2(e.report.message.contains(u"in container nginx"_s),
             qPrintable(e.report.message)); // checked inside
    QCOMPARE(e.report.hupAtMs, qint64(0));
    QCOMPARE(containerFile(u"/etc/nginx/nginx.conf"_s), before);
    QCOMPARE(containerField(u"{{.State.StartedAt}}"_s), startedAt);
    QByteArray body;
    QCOMPARE(httpGet(u"127.0.1.27"_s, m_port, "/", &body), 200);
    QVERIFY(body.contains("apache-80"));
}

QTEST_GUILESS_MAIN(TestDockerTarget)
#include "TestDockerTarget.moc"
