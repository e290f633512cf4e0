// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Inside containers of a real dockerd: exec with its output and exit code, logs, the archive
// upload that deploys a config the way the seed's confd did (upload, `nginx -t`, HUP), and stats.
#include "DockerFixture.h"
#include "core/docker/DockerStatsStream.h"
#include "core/docker/DockerTar.h"
#include "tests/support/Await.h"

#include <QCoreApplication>
#include <QFile>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

class TestDockerExec : public QObject, protected DockerFixture
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void execOutputAndExitCodes();
    void logsSeparateStdoutAndStderr();
    void putArchiveIntoNginxThenCheckAndReload();
    void statsStream();
};

void TestDockerExec::initTestCase()
{
    if (!isRoot())
        QSKIP("the Docker engine needs root (CI runs these tests as root)");
    const QString error = startDocker(u"127.0.1.26"_s);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestDockerExec::cleanupTestCase()
{
    removeCreated();
}

void TestDockerExec::execOutputAndExitCodes()
{
    auto ls = exec(m_shared, {u"/bin/busybox"_s, u"ls"_s, u"/www"_s});
    VERIFY_OK(ls);
    QCOMPARE(ls->exitCode, 0);
    QCOMPARE(ls->stdOut, QByteArray("index.html\n"));
    QCOMPARE(ls->stdErr, QByteArray());

    auto failing =
        exec(m_shared, {u"/bin/busybox"_s, u"sh"_s, u"-c"_s, u"echo to-out; echo to-err >&2; exit 3"_s});
    VERIFY_OK(failing);
    QCOMPARE(failing->exitCode, 3);
    QCOMPARE(failing->stdOut, QByteArray("to-out\n"));
    QCOMPARE(failing->stdErr, QByteArray("to-err\n"));

    auto missingFile = exec(m_shared, {u"/bin/busybox"_s, u"ls"_s, u"/no/such/dir"_s});
    VERIFY_OK(missingFile);
    QVERIFY(missingFile->exitCode != 0);
    QVERIFY2(missingFile->stdErr.contains("No such file"), missingFile->stdErr.constData());

    // Many frames: 100000 lines of output arrive whole and in order.
    auto big = exec(m_shared, {u"/bin/busybox"_s, u"seq"_s, u"1"_s, u"100000"_s});
    VERIFY_OK(big);
    QCOMPARE(big->exitCode, 0);
    QCOMPARE(big->stdOut.count('\n'), 100000);
    QVERIFY(big->stdOut.startsWith("1\n2\n3\n"));
    QVERIFY(big->stdOut.endsWith("\n99999\n100000\n"));

    // A program that does not exist: the daemon reports it, the call does not hang or crash.
    // (The daemon writes its error into the output stream and records exit code 126.)
    auto nonexistent = exec(m_shared, {u"/no/such/program"_s});
    VERIFY_OK(nonexistent);
    QCOMPARE(nonexistent->exitCode, 126);
    const QByteArray said = (nonexistent->stdOut + nonexistent->stdErr).toLower();
    QVERIFY2(said.contains("no such file"), said.constData());

    // The three steps one by one.
    auto id = await<QString>([&](QObject* ctx, Callback<QString> cb) {
        m_client->createExec(m_shared, {u"/bin/busybox"_s, u"hostname"_s}, ctx, cb);
    });
    VERIFY_OK(id);
    auto out = await<StreamOutput>(
        [&](QObject* ctx, Callback<StreamOutput> cb) { m_client->startExec(*id, ctx, cb); });
    VERIFY_OK(out);
    QCOMPARE(out->stdOut.trimmed(), m_shared.toUtf8());
    QVERIFY(waitUntil(
        [&] {
            auto state = await<ExecState>(
                [&](QObject* ctx, Callback<ExecState> cb) { m_client->inspectExec(*id, ctx, cb); });
            return state && !state->running && state->exitCode == 0;
        },
        std::chrono::seconds(10)));
}

void TestDockerExec::logsSeparateStdoutAndStderr()
{
    const QString name = u"lbdeck-logs-%1"_s.arg(QCoreApplication::applicationPid());
    ContainerSpec spec;
    spec.image = DockerDaemon::backendImage();
    spec.cmd = {u"/bin/busybox"_s, u"sh"_s, u"-c"_s,
                u"for i in 1 2 3; do echo out$i; echo err$i >&2; done; exec /bin/busybox sleep 600"_s};
    VERIFY_OK(create(name, spec));
    VERIFY_OK(start(name));
    StreamOutput all;
    QVERIFY(waitUntil(
        [&] {
            all = logs(name, -1).valueOr({});
            return all.stdOut.count('\n') + all.stdErr.count('\n') >= 6;
        },
        std::chrono::seconds(20)));
    QCOMPARE(all.stdOut, QByteArray("out1\nout2\nout3\n"));
    QCOMPARE(all.stdErr, QByteArray("err1\nerr2\nerr3\n"));

    auto tail = logs(name, 1);
    VERIFY_OK(tail);
    QCOMPARE(tail->stdOut.count('\n') + tail->stdErr.count('\n'), 1);
    VERIFY_OK(remove(name, true));
}

void TestDockerExec::putArchiveIntoNginxThenCheckAndReload()
{
    const QString ip = u"127.0.1.23"_s;
    const quint16 port = freePort();
    const QString name = u"lbdeck-nginx-%1"_s.arg(QCoreApplication::applicationPid());
    ContainerSpec spec;
    spec.image = DockerDaemon::nginxImage();
    spec.labels = {{u"lbdeck.test"_s, m_runLabel}};
    spec.ports = {PortBinding{ip, port, 80, u"tcp"_s}};
    VERIFY_OK(create(name, spec));
    // A created container takes an archive before it ever runs: its first config, into a directory
    // the upload creates when the image lacks it.
    const QByteArray first = "user www-data;\nworker_processes 1;\npid /run/nginx.pid;\n"
                             "error_log /var/log/nginx/error.log;\nevents { worker_connections 64; }\n"
                             "http { access_log off; server { listen 80; "
                             "location / { return 200 \"nginx in a container\\n\"; } } }\n";
    VERIFY_OK(putArchive(name, u"/etc"_s, *docker::makeTar(u"nginx/nginx.conf"_s, first, 0644)));
    VERIFY_OK(start(name));
    QVERIFY2(waitUntil([&] { return pageAt(ip, port).contains("nginx in a container"); },
                       std::chrono::seconds(20)),
             "nginx in the container never answered");

    // The image has nginx and nothing else: bring a busybox for cat and stat, through the same API.
    QFile busybox(u"/bin/busybox"_s);
    QVERIFY(busybox.open(QIODevice::ReadOnly));
    const Result<QByteArray> tools = docker::makeTar(u"busybox"_s, busybox.readAll(), 0755);
    VERIFY_OK(tools);
    VERIFY_OK(putArchive(name, u"/usr/sbin"_s, *tools));

    const QByteArray conf = "user www-data;\nworker_processes 1;\npid /run/nginx.pid;\n"
                            "error_log /var/log/nginx/error.log;\nevents { worker_connections 64; }\n"
                            "http { access_log off; server { listen 80; "
                            "location / { return 200 \"uploaded by lbdeck\\n\"; } } }\n";
    const Result<QByteArray> tar = docker::makeTar(u"nginx.conf"_s, conf, 0644);
    VERIFY_OK(tar);
    VERIFY_OK(putArchive(name, u"/etc/nginx"_s, *tar));

    auto cat = exec(name, {u"/usr/sbin/busybox"_s, u"cat"_s, u"/etc/nginx/nginx.conf"_s});
    VERIFY_OK(cat);
    QCOMPARE(cat->exitCode, 0);
    QCOMPARE(cat->stdOut, conf);

    auto check = exec(name, {u"/usr/sbin/nginx"_s, u"-t"_s});
    VERIFY_OK(check);
    QVERIFY2(check->exitCode == 0, check->stdErr.constData());
    QVERIFY2(check->stdErr.contains("syntax is ok"), check->stdErr.constData());

    // What the seed's confd did over the Docker socket: HUP, and nginx serves the new config.
    VERIFY_OK(kill(name, u"HUP"_s));
    QVERIFY2(waitUntil([&] { return pageAt(ip, port) == "uploaded by lbdeck\n"; }, std::chrono::seconds(20)),
             qPrintable(QString::fromUtf8(pageAt(ip, port))));

    // Owner and mode from the tar header.
    VERIFY_OK(putArchive(name, u"/etc/nginx"_s, *docker::makeTar(u"owned.conf"_s, "x", 0640, 33, 33)));
    auto stat = exec(
        name, {u"/usr/sbin/busybox"_s, u"stat"_s, u"-c"_s, u"%a %u %g %s"_s, u"/etc/nginx/owned.conf"_s});
    VERIFY_OK(stat);
    QCOMPARE(stat->stdOut.trimmed(), QByteArray("640 33 33 1"));

    // A broken config fails its check, and the running nginx keeps the last good one.
    VERIFY_OK(putArchive(name, u"/etc/nginx"_s, *docker::makeTar(u"nginx.conf"_s, "this is not nginx;\n")));
    auto bad = exec(name, {u"/usr/sbin/nginx"_s, u"-t"_s});
    VERIFY_OK(bad);
    QVERIFY(bad->exitCode != 0);
    QVERIFY2(bad->stdErr.contains("nginx.conf"), bad->stdErr.constData());
    QCOMPARE(pageAt(ip, port), QByteArray("uploaded by lbdeck\n"));

    auto missingDir = putArchive(name, u"/no/such/dir"_s, *tar);
    QVERIFY(!missingDir.ok());
    QCOMPARE(missingDir.error().code, ErrorCode::NotFound);
    QVERIFY2(missingDir.error().where.contains(u"/no/such/dir"_s), qPrintable(missingDir.error().toString()));

    VERIFY_OK(remove(name, true));
}

void TestDockerExec::statsStream()
{
    QObject owner;
    DockerStatsStream* stream = m_client->stats(m_shared, &owner);
    QList<StatsSample> samples;
    connect(stream, &DockerStatsStream::sampleReceived, this, [&](const StatsSample& s) { samples << s; });
    // Traffic to the backend, so that its network counters move.
    for (int i = 0; i < 5; ++i)
        QCOMPARE(httpGet(m_sharedIp, m_sharedPort, "/"), 200);
    QTRY_VERIFY_WITH_TIMEOUT(samples.size() >= 2, 20000);
    const StatsSample& s = samples.last();
    QVERIFY(s.read.isValid());
    QVERIFY(s.memoryUsage > 0);
    QVERIFY(s.memoryLimit >= s.memoryUsage);
    QVERIFY(s.onlineCpus >= 1);
    QVERIFY(s.cpuPercent >= 0);
    QVERIFY(s.networkRxBytes > 0);
    QVERIFY(s.networkTxBytes > 0);
    QVERIFY(stream->isConnected());
}

QTEST_GUILESS_MAIN(TestDockerExec)
#include "TestDockerExec.moc"
