// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerDaemon.h"
#include "EtcdServer.h"
#include "NginxServer.h"
#include "SshServer.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <csignal>

using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

// Processes whose command line mentions pattern, as pgrep -f sees them.
QStringList pgrep(const QString& pattern)
{
    QProcess p;
    p.start(u"pgrep"_s, {u"-af"_s, pattern});
    p.waitForFinished();
    const QString out = QString::fromLocal8Bit(p.readAllStandardOutput()).trimmed();
    QStringList lines = out.isEmpty() ? QStringList() : out.split(u'\n');
    // pgrep itself never shows; a shell running this test might: drop both.
    lines.removeIf([](const QString& l) { return l.contains(u"pgrep"_s); });
    return lines;
}

// A mount point at or under dir in this mount namespace.
bool mounted(const QString& dir)
{
    QFile f(u"/proc/self/mountinfo"_s);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray& line : f.readAll().split('\n')) {
        const QString point = QString::fromUtf8(line.split(' ').value(4));
        if (point == dir || point.startsWith(dir + u'/'))
            return true;
    }
    return false;
}

QString binDir()
{
    return qEnvironmentVariable("LBDECK_BINARY_DIR") + u"/tests/testbed"_s;
}

} // namespace

class TestTestbed : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void servicesAnswerAndStopLeavingNothing();
    void dockerServesTheBackendImage();
    void killedOwnerLeavesNothingBehind();
};

void TestTestbed::servicesAnswerAndStopLeavingNothing()
{
    QString etcdDir, nginxDir, sshDir;
    {
        EtcdServer etcd;
        QCOMPARE(etcd.start(), QString());
        QByteArray body;
        QCOMPARE(httpGet(u"127.0.0.1"_s, etcd.clientPort(), "/version", &body), 200);
        QVERIFY(body.contains("3.4."));
        etcdDir = etcd.dataDir();

        NginxServer nginx;
        QCOMPARE(nginx.start(u"server { listen 127.0.0.1:@PORT@; location / { return 200 \"hi\"; } }"_s),
                 QString());
        QCOMPARE(httpGet(u"127.0.0.1"_s, nginx.port(), "/", &body), 200);
        QCOMPARE(body, QByteArray("hi"));
        QCOMPARE(nginx.workerPids().size(), 1);
        nginxDir = nginx.prefix();

        SshServer ssh;
        QCOMPARE(ssh.start(), QString());
        QVERIFY(ssh.hostKeyFingerprint().startsWith(u"SHA256:"_s));
        QTemporaryDir kh;
        QFile known(kh.path() + u"/known_hosts"_s);
        QVERIFY(known.open(QIODevice::WriteOnly));
        known.write(ssh.knownHostsLine().toUtf8() + '\n');
        known.close();
        QByteArray out;
        QCOMPARE(
            runCommand(u"ssh"_s,
                       {u"-o"_s, u"BatchMode=yes"_s, u"-o"_s, u"StrictHostKeyChecking=yes"_s, u"-o"_s,
                        u"UserKnownHostsFile="_s + known.fileName(), u"-i"_s, ssh.clientKey(), u"-p"_s,
                        QString::number(ssh.port()), ssh.user() + u"@127.0.0.1"_s, u"echo"_s, u"over-ssh"_s},
                       &out),
            QString());
        QCOMPARE(out.trimmed(), QByteArray("over-ssh"));
        sshDir = ssh.dir();
        QVERIFY(!pgrep(etcdDir).isEmpty());
        QVERIFY(!pgrep(nginxDir).isEmpty());
        QVERIFY(!pgrep(sshDir).isEmpty());
    }
    QCOMPARE(pgrep(etcdDir), QStringList());
    QCOMPARE(pgrep(nginxDir), QStringList());
    QCOMPARE(pgrep(sshDir), QStringList());
}

void TestTestbed::dockerServesTheBackendImage()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root");
    QString socket;
    {
        DockerDaemon docker;
        QCOMPARE(docker.start(), QString());
        socket = docker.socketPath();
        QCOMPARE(docker.buildBackendImage(), QString());
        const quint16 port = freePort();
        QCOMPARE(docker.docker({u"run"_s, u"-d"_s, u"--name"_s, u"apache-%1"_s.arg(port), u"-e"_s,
                                u"LBDECK_BACKEND=apache-%1"_s.arg(port), u"-p"_s,
                                u"127.0.1.3:%1:80"_s.arg(port), DockerDaemon::backendImage()}),
                 QString());
        QByteArray body;
        QTRY_COMPARE_WITH_TIMEOUT(httpGet(u"127.0.1.3"_s, port, "/", &body), 200, 10000);
        QVERIFY2(body.contains("apache-" + QByteArray::number(port)), body.constData());
        QVERIFY(!pgrep(socket.section(u'/', 0, -2)).isEmpty());
    }
    QTRY_COMPARE_WITH_TIMEOUT(pgrep(socket.section(u'/', 0, -2)), QStringList(), 20000);
}

void TestTestbed::killedOwnerLeavesNothingBehind()
{
    QProcess owner;
    const QString services = isRoot() ? u"etcd,nginx,ssh,docker"_s : u"etcd,nginx,ssh"_s;
    owner.start(binDir() + u"/lbdeck-testbed"_s, {u"--services"_s, services, u"--seed"_s});
    QVERIFY(owner.waitForStarted());
    QByteArray json;
    QTRY_VERIFY_WITH_TIMEOUT((json += owner.readAllStandardOutput(), json.trimmed().endsWith('}')), 120000);
    const QJsonObject state = QJsonDocument::fromJson(json).object();
    QVERIFY2(!state.isEmpty(), json.constData());
    QStringList dirs{state[u"etcdDataDir"_s].toString().section(u'/', 0, -2),
                     state[u"nginx"_s].toObject()[u"prefix"_s].toString(),
                     state[u"ssh"_s].toObject()[u"identity"_s].toString().section(u'/', 0, -2)};
    if (state.contains(u"dockerSocket"_s))
        dirs << state[u"dockerSocket"_s].toString().section(u'/', 0, -2);
    for (const QString& d : std::as_const(dirs))
        QVERIFY2(!pgrep(d).isEmpty(), qPrintable(d));

    ::kill(pid_t(owner.processId()), SIGKILL); // no chance to clean up
    owner.waitForFinished();
    for (const QString& d : std::as_const(dirs))
        QTRY_COMPARE_WITH_TIMEOUT(pgrep(d), QStringList(), 30000);
    // Nothing runs there any more, and no mount is left under them in this namespace: what a killed
    // owner cannot do, removing its directories, this test does for it (all of them, then checks).
    QStringList mountedDirs;
    QStringList kept;
    for (const QString& d : std::as_const(dirs)) {
        if (mounted(d))
            mountedDirs << d;
        if (!QDir(d).removeRecursively())
            kept << d;
    }
    if (isRoot())
        DockerDaemon::removeStaleBridges(); // the owner's, which it had no chance to remove
    QVERIFY2(mountedDirs.isEmpty(), qPrintable(mountedDirs.join(u", "_s)));
    QVERIFY2(kept.isEmpty(), qPrintable(kept.join(u", "_s)));
}

QTEST_GUILESS_MAIN(TestTestbed)
#include "TestTestbed.moc"
