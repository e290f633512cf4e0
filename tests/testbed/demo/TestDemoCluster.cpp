// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The README's first command, headless: lbdeck-testbed --demo with the window replaced by a probe
// (`cat`, which ends when its input closes, as the window ends when it is closed). The test reaches
// the seed's cluster the way lbdeck does, then quits the demo and looks for anything left behind.
#include "core/cluster/ClusterSession.h"
#include "core/cluster/NodeConnection.h"
#include "core/docker/DockerClient.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/support/Await.h"
#include "tests/testbed/TestProcess.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Every process whose command line names one of these paths.
QStringList processesNaming(const QStringList& paths)
{
    QStringList out;
    for (const QString& pid : QDir(u"/proc"_s).entryList(QDir::Dirs)) {
        if (!pid.at(0).isDigit())
            continue;
        QByteArray cmdline = readFile(u"/proc/%1/cmdline"_s.arg(pid));
        cmdline.replace('\0', ' ');
        for (const QString& p : paths) {
            if (cmdline.contains(p.toUtf8()))
                out << pid + u": "_s + QString::fromUtf8(cmdline.left(200));
        }
    }
    return out;
}

QStringList mountsUnder(const QStringList& paths)
{
    QStringList out;
    for (const QByteArray& line : readFile(u"/proc/self/mountinfo"_s).split('\n')) {
        for (const QString& p : paths) {
            if (line.contains(p.toUtf8()))
                out << QString::fromUtf8(line);
        }
    }
    return out;
}

} // namespace

class TestDemoCluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void threeNodesOverSsh();
    void nginxInAContainerOnTheConfigVolume();
    void bothBackendsAnswerInTurn();
    void anEtcdChangeIsAHupNotARestart();
    void quittingLeavesNothingBehind();

private:
    QString docker(int node, const QStringList& args, QByteArray* out = nullptr) const
    {
        return runCommand(
            u"docker"_s,
            QStringList{u"-H"_s, m_state[u"nodes"_s].toArray()[node][u"docker"_s].toString()} + args, out);
    }
    QByteArray volumeConfig() const;
    QByteArray get() const;

    QProcess m_demo;
    QByteArray m_log;
    QJsonObject m_state;
    QTemporaryDir m_dir;
};

void TestDemoCluster::initTestCase()
{
    if (!isRoot())
        QSKIP("the demo runs three Docker engines, which need root; CI runs this as root");
    const QString testbed = qEnvironmentVariable("LBDECK_BINARY_DIR") + u"/tests/testbed/lbdeck-testbed"_s;
    const QString stateFile = m_dir.filePath(u"state.json"_s);
    m_demo.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_demo, &QProcess::readyRead, this, [this] { m_log += m_demo.readAll(); });
    m_demo.start(testbed, {u"--demo"_s, u"--load"_s, u"0"_s, u"--state"_s, stateFile, u"--"_s, u"cat"_s});
    QTRY_VERIFY2_WITH_TIMEOUT(QFile::exists(stateFile) || m_demo.state() == QProcess::NotRunning,
                              qPrintable(QString::fromUtf8(m_log.right(3000))), 300000);
    QVERIFY2(m_demo.state() == QProcess::Running, m_log.right(4000).constData());
    m_state = QJsonDocument::fromJson(readFile(stateFile)).object();
    QCOMPARE(m_state[u"nodes"_s].toArray().size(), 3);
}

void TestDemoCluster::threeNodesOverSsh()
{
    const ClusterProfile profile = ClusterProfile::fromJson(
        QJsonDocument::fromJson(readFile(m_state[u"profile"_s].toString())).object());
    QCOMPARE(profile.nodes.size(), 3);
    ClusterSession session(profile);
    SshTunnelOptions ssh;
    ssh.appKnownHostsFile = m_state[u"knownHosts"_s].toString();
    ssh.runtimeDirectory = m_dir.filePath(u"ssh"_s);
    QDir().mkpath(ssh.runtimeDirectory);
    session.setSshOptions(ssh);
    session.open();
    QSet<QString> daemonIds;
    for (const NodeProfile& n : profile.nodes) {
        QVERIFY2(n.dockerEndpoint.startsWith(u"ssh://"_s), qPrintable(n.dockerEndpoint));
        QTRY_VERIFY_WITH_TIMEOUT(session.node(n.name) != nullptr, 15000); // once etcd answered
        NodeConnection* node = session.node(n.name);
        QTRY_COMPARE_WITH_TIMEOUT(node->state(), NodeConnection::State::Ready, 30000);
        const Result<QJsonObject> info = await<QJsonObject>(
            [&](QObject* ctx, Callback<QJsonObject> cb) { node->docker()->info(ctx, cb); });
        VERIFY_OK(info);
        daemonIds.insert(info->value(u"ID"_s).toString());
        const Result<QList<ContainerSummary>> containers =
            await<QList<ContainerSummary>>([&](QObject* ctx, Callback<QList<ContainerSummary>> cb) {
                node->docker()->listContainers(true, {}, ctx, cb);
            });
        VERIFY_OK(containers);
        QStringList names;
        for (const ContainerSummary& c : *containers)
            names += c.names;
        const QStringList expected = n.name == u"core-a"_s   ? QStringList{u"nginx"_s}
                                     : n.name == u"core-b"_s ? QStringList{u"apache-8002"_s}
                                                             : QStringList{u"apache-8001"_s};
        QCOMPARE(names, expected);
    }
    daemonIds.remove(QString());
    QCOMPARE(daemonIds.size(), 3); // three Docker engines, not one seen three times
}

QByteArray TestDemoCluster::volumeConfig() const
{
    QByteArray mountpoint;
    if (!docker(0, {u"volume"_s, u"inspect"_s, u"-f"_s, u"{{.Mountpoint}}"_s, u"conf-data"_s}, &mountpoint)
             .isEmpty())
        return {};
    return readFile(QString::fromUtf8(mountpoint.trimmed()) + u"/nginx.conf"_s);
}

QByteArray TestDemoCluster::get() const
{
    const QString nginx = m_state[u"nginx"_s].toString();
    QByteArray body;
    httpGet(nginx.section(u':', 0, 0), quint16(nginx.section(u':', 1).toUInt()), "/", &body);
    return body;
}

void TestDemoCluster::nginxInAContainerOnTheConfigVolume()
{
    QByteArray mounts;
    QCOMPARE(docker(0, {u"inspect"_s, u"-f"_s, u"{{json .Mounts}}"_s, u"nginx"_s}, &mounts), QString());
    bool onVolume = false;
    for (const QJsonValue& m : QJsonDocument::fromJson(mounts).array()) {
        onVolume |= m[u"Type"_s].toString() == u"volume"_s && m[u"Name"_s].toString() == u"conf-data"_s &&
                    m[u"Destination"_s].toString() == u"/etc/nginx"_s;
    }
    QVERIFY2(onVolume, mounts.constData());
    QByteArray network;
    docker(0, {u"inspect"_s, u"-f"_s, u"{{.HostConfig.NetworkMode}}"_s, u"nginx"_s}, &network);
    QCOMPARE(network.trimmed(), QByteArray("host"));
    // The engine's config is in the volume, with the seed's two backends.
    const QByteArray conf = volumeConfig();
    QVERIFY2(conf.contains("server 127.0.1.3:8001;") && conf.contains("server 127.0.1.2:8002;"),
             conf.constData());
}

void TestDemoCluster::bothBackendsAnswerInTurn()
{
    QStringList answers;
    for (int i = 0; i < 20; ++i) {
        const QByteArray body = get();
        answers << (body.contains("apache-8001")   ? u"8001"_s
                    : body.contains("apache-8002") ? u"8002"_s
                                                   : u"?"_s);
    }
    QVERIFY2(!answers.contains(u"?"_s), qPrintable(answers.join(u' ')));
    for (int i = 1; i < answers.size(); ++i)
        QVERIFY2(answers[i] != answers[i - 1], qPrintable(answers.join(u' '))); // round robin
}

void TestDemoCluster::anEtcdChangeIsAHupNotARestart()
{
    QByteArray pidBefore;
    QCOMPARE(
        docker(0, {u"inspect"_s, u"-f"_s, u"{{.State.Pid}} {{.State.StartedAt}}"_s, u"nginx"_s}, &pidBefore),
        QString());
    EtcdConfig c;
    c.endpoints = {m_state[u"etcd"_s].toString()};
    EtcdV3Client etcd(c);
    // 127.0.1.9 is the demo's own loopback: it appears in the config, nothing is sent to it.
    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
        etcd.put("/test/apache-9000", "127.0.1.9:9000", 0, ctx, cb);
    }));
    QTRY_VERIFY_WITH_TIMEOUT(volumeConfig().contains("server 127.0.1.9:9000;"), 20000);
    QByteArray pidAfter;
    QCOMPARE(
        docker(0, {u"inspect"_s, u"-f"_s, u"{{.State.Pid}} {{.State.StartedAt}}"_s, u"nginx"_s}, &pidAfter),
        QString());
    QCOMPARE(pidAfter, pidBefore); // the same nginx master: reloaded by HUP, never restarted
    VERIFY_OK(
        await<qint64>([&](QObject* ctx, Callback<qint64> cb) { etcd.remove("/test/apache-9000", ctx, cb); }));
    QTRY_VERIFY_WITH_TIMEOUT(!volumeConfig().contains("127.0.1.9:9000"), 20000);
}

void TestDemoCluster::quittingLeavesNothingBehind()
{
    QStringList paths{m_state[u"dir"_s].toString()};
    for (const QJsonValue& n : m_state[u"nodes"_s].toArray())
        paths << QFileInfo(n[u"docker"_s].toString().mid(int(qstrlen("unix://")))).path();
    QVERIFY(!processesNaming(paths).isEmpty()); // the check below can see the demo's processes
    m_demo.closeWriteChannel();                 // the probe ends, as the window closes
    QVERIFY(m_demo.waitForFinished(120000));
    QCOMPARE(m_demo.exitCode(), 0);
    QVERIFY2(processesNaming(paths).isEmpty(), qPrintable(processesNaming(paths).join(u'\n')));
    QVERIFY2(mountsUnder(paths).isEmpty(), qPrintable(mountsUnder(paths).join(u'\n')));
    for (const QString& p : std::as_const(paths))
        QVERIFY2(!QFileInfo::exists(p), qPrintable(p));
}

QTEST_GUILESS_MAIN(TestDemoCluster)
#include "TestDemoCluster.moc"
