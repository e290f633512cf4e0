// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The seed's "engine in a container" deployment: the image packaging/container/build-engine-image.sh
// builds offline, run as the deployer beside nginx in its container on the conf-data volume. The
// engine reaches etcd on the host's network and the node's Docker engine through its bind-mounted
// socket, and deploys into nginx's volume with a HUP, never a restart.
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/EtcdServer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

const QString EngineImage = u"lbdeck/engine:test"_s;
const QString NginxAddress = u"127.0.1.44"_s;
const QString BackendAddress = u"127.0.1.45"_s;

QString sourceFile(const QString& path)
{
    return qEnvironmentVariable("LBDECK_SOURCE_DIR") + u'/' + path;
}

QString engineBinary()
{
    return qEnvironmentVariable("LBDECK_BINARY_DIR") + u"/app/lbdeck-engine"_s;
}

} // namespace

class TestEngineImage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void imageIsTheEngineAndRunsOffline();
    void imageReachesEtcdOverTls();
    void engineContainerDeploysIntoTheNginxContainer();
    void engineContainerStopsCleanlyOnSigterm();

private:
    QString inspect(const QString& object, const QString& format) const;
    QByteArray nginxConf() const;
    QString engineLog() const;

    EtcdServer m_etcd;
    DockerDaemon m_docker;
    QTemporaryDir m_dir;
    quint16 m_nginxPort = 0;
    quint16 m_nginxStatusPort = 0;
    quint16 m_engineStatusPort = 0;
    quint16 m_backendPort = 0;
};

QString TestEngineImage::inspect(const QString& object, const QString& format) const
{
    QByteArray out;
    m_docker.docker({u"inspect"_s, u"-f"_s, format, object}, &out);
    return QString::fromUtf8(out.trimmed());
}

// Through the Docker API's archive endpoint (what `docker cp` uses): the file as nginx reads it.
QByteArray TestEngineImage::nginxConf() const
{
    const QString copy = m_dir.filePath(u"nginx.conf.copy"_s);
    QFile::remove(copy);
    if (!m_docker.docker({u"cp"_s, u"nginx:/etc/nginx/nginx.conf"_s, copy}).isEmpty())
        return {};
    QFile f(copy);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString TestEngineImage::engineLog() const
{
    QByteArray out;
    runCommand(u"sh"_s, {u"-c"_s, u"docker -H \"$0\" logs --tail 40 lbdeck-engine 2>&1"_s, m_docker.host()},
               &out);
    return QString::fromUtf8(out);
}

void TestEngineImage::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root");
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(engineBinary()), qPrintable(engineBinary()));
    QCOMPARE(m_etcd.start(), QString());
    QCOMPARE(m_docker.start(), QString());

    // The recipe, as a user runs it: binary in, image out, into this daemon only.
    QByteArray built;
    QCOMPARE(runCommand(u"bash"_s,
                        {sourceFile(u"packaging/container/build-engine-image.sh"_s), engineBinary(),
                         EngineImage, m_docker.host()},
                        &built, 300000),
             QString());
    qInfo("%s", built.trimmed().constData());

    // The seed's node A: nginx on the host's network with /etc/nginx in the conf-data volume.
    m_nginxPort = freePort();
    m_nginxStatusPort = freePort();
    m_engineStatusPort = freePort();
    m_backendPort = freePort();
    QCOMPARE(m_docker.buildNginxImage(u"%1:%2"_s.arg(NginxAddress).arg(m_nginxPort)), QString());
    QCOMPARE(m_docker.buildBackendImage(), QString());
    QCOMPARE(m_docker.docker({u"volume"_s, u"create"_s, u"conf-data"_s}), QString());
    QCOMPARE(m_docker.docker({u"run"_s, u"-d"_s, u"--name"_s, u"nginx"_s, u"--network"_s, u"host"_s, u"-v"_s,
                              u"conf-data:/etc/nginx"_s, DockerDaemon::nginxImage()}),
             QString());
    QByteArray body;
    QTRY_COMPARE_WITH_TIMEOUT(httpGet(NginxAddress, m_nginxPort, "/", &body, 500), 200, 15000);
    QVERIFY(body.contains("nginx in a container"));
}

void TestEngineImage::cleanupTestCase()
{
    if (!m_docker.isRunning())
        return;
    m_docker.docker({u"rm"_s, u"-f"_s, u"lbdeck-engine"_s, u"nginx"_s, u"backend"_s});
    m_docker.docker({u"volume"_s, u"rm"_s, u"conf-data"_s});
    m_docker.docker({u"rmi"_s, EngineImage});
    m_docker.stop();
    m_etcd.stop();
}

void TestEngineImage::imageIsTheEngineAndRunsOffline()
{
    QCOMPARE(inspect(EngineImage, u"{{json .Config.Entrypoint}}"_s), uR"(["/usr/bin/lbdeck-engine"])"_s);
    QCOMPARE(inspect(EngineImage, u"{{json .Config.Cmd}}"_s),
             uR"(["run","--config","/etc/lbdeck/engine.toml"])"_s);
    // No network at all: everything the engine loads is in the image.
    QByteArray out;
    QCOMPARE(
        m_docker.docker({u"run"_s, u"--rm"_s, u"--network"_s, u"none"_s, EngineImage, u"--version"_s}, &out),
        QString());
    QVERIFY2(out.contains("lbdeck-engine 0.1.0"), out.constData());
    out.clear();
    QCOMPARE(
        m_docker.docker({u"run"_s, u"--rm"_s, u"--network"_s, u"none"_s, EngineImage, u"template"_s}, &out),
        QString());
    QVERIFY2(out.contains("upstream"), out.constData());
    // The confd command line too, through the /usr/bin/confd link.
    out.clear();
    QCOMPARE(m_docker.docker({u"run"_s, u"--rm"_s, u"--network"_s, u"none"_s, u"--entrypoint"_s,
                              u"/usr/bin/confd"_s, EngineImage, u"-version"_s},
                             &out),
             QString());
    QVERIFY2(!out.trimmed().isEmpty(), "confd -version printed nothing");
}

// Qt loads its TLS backend as a plugin, and the plugin loads OpenSSL by name: ldd sees neither, so
// the recipe must have put them in. An etcd with client certificates proves they are there.
void TestEngineImage::imageReachesEtcdOverTls()
{
    EtcdServer::Options options;
    options.tls = true;
    EtcdServer tlsEtcd(options);
    QCOMPARE(tlsEtcd.start(), QString());
    QCOMPARE(tlsEtcd.etcdctl({u"put"_s, u"/test/apache-8001"_s, u"127.0.1.46:8001"_s}), QString());
    const Certificates& certs = tlsEtcd.certificates();
    const QString toml =
        u"[etcd]\nendpoints = [\"%1\"]\nca_file = \"%2\"\ncert_file = \"%3\"\nkey_file = \"%4\"\n\n"
        u"[nginx]\ndest = \"/tmp/nginx.conf\"\n\n[traffic]\ncapture = false\n"_s.arg(
            tlsEtcd.clientUrl(), certs.caCert, certs.clientCert, certs.clientKey);
    const QString configPath = m_dir.filePath(u"tls.toml"_s);
    QFile config(configPath);
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(toml.toUtf8());
    config.close();
    const QString certDir = QFileInfo(certs.caCert).absolutePath();
    QByteArray out;
    QCOMPARE(m_docker.docker({u"run"_s, u"--rm"_s, u"--network"_s, u"host"_s, u"-v"_s,
                              certDir + u':' + certDir + u":ro"_s, u"-v"_s,
                              configPath + u":/etc/lbdeck/engine.toml:ro"_s, EngineImage, u"render"_s,
                              u"--config"_s, u"/etc/lbdeck/engine.toml"_s},
                             &out),
             QString());
    QVERIFY2(out.contains("server 127.0.1.46:8001"), out.constData());
}

void TestEngineImage::engineContainerDeploysIntoTheNginxContainer()
{
    const QString toml = u"[etcd]\nendpoints = [\"%1\"]\n\n[[source]]\nprefix = \"/test/\"\n\n"
                         u"[engine]\nstatus_listen = \"127.0.0.1:%2\"\n\n"
                         u"[nginx]\ncontainer = \"nginx\"\ndocker = \"unix:///var/run/docker.sock\"\n"
                         u"dest = \"/etc/nginx/nginx.conf\"\npid_file = \"/run/nginx.pid\"\n"
                         u"error_log = \"/var/log/nginx/error.log\"\nuser = \"www-data\"\n"
                         u"listen = \"%3:%4\"\nstatus_listen = \"127.0.0.1:%5\"\n\n"
                         u"[traffic]\ncapture = false\naccess_log_socket = \"\"\n"_s.arg(m_etcd.clientUrl())
                             .arg(m_engineStatusPort)
                             .arg(NginxAddress)
                             .arg(m_nginxPort)
                             .arg(m_nginxStatusPort);
    const QString configPath = m_dir.filePath(u"engine.toml"_s);
    QFile config(configPath);
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(toml.toUtf8());
    config.close();

    const qint64 master = inspect(u"nginx"_s, u"{{.State.Pid}}"_s).toLongLong();
    QVERIFY(master > 0);
    const QSet<qint64> workersBefore = childPids(master);
    QVERIFY(!workersBefore.isEmpty());
    const QString startedAt = inspect(u"nginx"_s, u"{{.State.StartedAt}}"_s);

    // The deployer: the image's own command (run --config /etc/lbdeck/engine.toml).
    QCOMPARE(m_docker.docker({u"run"_s, u"-d"_s, u"--name"_s, u"lbdeck-engine"_s, u"--network"_s, u"host"_s,
                              u"-v"_s, m_docker.socketPath() + u":/var/run/docker.sock"_s, u"-v"_s,
                              configPath + u":/etc/lbdeck/engine.toml:ro"_s, EngineImage}),
             QString());
    QTRY_VERIFY2_WITH_TIMEOUT(httpGet(u"127.0.0.1"_s, m_engineStatusPort, "/status", nullptr, 500) == 200,
                              qPrintable(engineLog()), 20000);

    // A backend on loopback, registered as the seed's units did.
    QCOMPARE(m_docker.docker({u"run"_s, u"-d"_s, u"--name"_s, u"backend"_s, u"--network"_s, u"host"_s,
                              DockerDaemon::backendImage(), u"/bin/busybox"_s, u"sh"_s, u"-c"_s,
                              u"echo '<h1>backend in the engine image test</h1>' > /www/index.html && "
                              u"exec /bin/busybox httpd -f -p %1:%2 -h /www"_s.arg(BackendAddress)
                                  .arg(m_backendPort)}),
             QString());
    QTRY_COMPARE_WITH_TIMEOUT(httpGet(BackendAddress, m_backendPort, "/", nullptr, 500), 200, 10000);
    const QString server = u"%1:%2"_s.arg(BackendAddress).arg(m_backendPort);
    QCOMPARE(m_etcd.etcdctl({u"put"_s, u"/test/apache-%1"_s.arg(m_backendPort), server}), QString());

    const QByteArray line = (u"server "_s + server).toUtf8();
    QTRY_VERIFY2_WITH_TIMEOUT(nginxConf().contains(line), qPrintable(engineLog()), 30000);
    // In the volume itself, not only as the container sees it.
    QFile inVolume(inspect(u"conf-data"_s, u"{{.Mountpoint}}"_s) + u"/nginx.conf"_s);
    QVERIFY(inVolume.open(QIODevice::ReadOnly));
    QVERIFY(inVolume.readAll().contains(line));

    QByteArray body;
    QTRY_VERIFY_WITH_TIMEOUT(httpGet(NginxAddress, m_nginxPort, "/", &body, 500) == 200 &&
                                 body.contains("backend in the engine image test"),
                             15000);
    // HUP, not a restart: the same master, new workers, the container never restarted.
    QCOMPARE(inspect(u"nginx"_s, u"{{.State.Pid}}"_s).toLongLong(), master);
    QCOMPARE(inspect(u"nginx"_s, u"{{.State.StartedAt}}"_s), startedAt);
    QCOMPARE(inspect(u"nginx"_s, u"{{.RestartCount}}"_s), u"0"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!childPids(master).isEmpty() && !childPids(master).intersects(workersBefore),
                             10000);

    // The engine's own account, from its container: the reload applied, with this backend in it.
    QByteArray status;
    QCOMPARE(httpGet(u"127.0.0.1"_s, m_engineStatusPort, "/status", &status), 200);
    const QJsonObject s = QJsonDocument::fromJson(status).object();
    const QJsonObject last = s.value(u"lastReload"_s).toObject();
    QCOMPARE(last.value(u"outcome"_s).toString(), u"applied"_s);
    QVERIFY2(last.value(u"added"_s).toArray().contains(server), status.constData());
    QCOMPARE(inspect(u"lbdeck-engine"_s, u"{{.State.Running}}"_s), u"true"_s);
}

void TestEngineImage::engineContainerStopsCleanlyOnSigterm()
{
    QCOMPARE(inspect(u"lbdeck-engine"_s, u"{{.State.Running}}"_s), u"true"_s);
    // As PID 1 in its container the engine gets SIGTERM from `docker stop`, and exits 0 by itself
    // (a kill after the grace period would show as 137).
    QCOMPARE(m_docker.docker({u"stop"_s, u"-t"_s, u"20"_s, u"lbdeck-engine"_s}), QString());
    QCOMPARE(inspect(u"lbdeck-engine"_s, u"{{.State.ExitCode}}"_s), u"0"_s);
    // nginx serves on with the last config.
    QByteArray body;
    QCOMPARE(httpGet(NginxAddress, m_nginxPort, "/", &body), 200);
    QVERIFY(body.contains("backend in the engine image test"));
}

QTEST_GUILESS_MAIN(TestEngineImage)
#include "TestEngineImage.moc"
