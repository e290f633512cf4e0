// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// bench_docker_ssh: the Docker API of a node reached over SSH, with real sshd, dockerd and etcd.
//  (a) GET /containers/json through lbdeck's ONE long-lived tunnel (NodeConnection, ssh://), 500
//      sequential calls;
//  (b) anchor, same run: `docker -H ssh://` doing the same per call (`docker ps`), which spawns ssh
//      and a remote `docker system dial-stdio` every time; 20 calls;
//  (c) BackendService::start over that tunnel until the published address answers HTTP 200.
#include "BenchUtil.h"
#include "core/cluster/BackendOperation.h"
#include "core/cluster/BackendService.h"
#include "core/cluster/NodeConnection.h"
#include "core/docker/DockerClient.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/EtcdServer.h"
#include "tests/testbed/SshServer.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <optional>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

constexpr int LbdeckCalls = 500;
constexpr int CliCalls = 20;
constexpr int Starts = 20;
const QString PublishAddress = u"127.0.1.29"_s;

bool waitFor(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    QTimer heartbeat;
    heartbeat.start(5);
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

bool writeFile(const QString& path, const QByteArray& data, QFile::Permissions permissions = {})
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(data) != data.size())
        return false;
    return permissions == QFile::Permissions() || f.setPermissions(permissions);
}

double ms(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

void reportNa(const QString& name, const QString& why)
{
    QTextStream(stdout) << name << ": n/a (" << why << ')' << Qt::endl;
}

// (b) The CLI as a user would run it, with the bench's key and known_hosts. OpenSSH reads
// ~/.ssh/config from the passwd entry's home, not $HOME, so a private HOME alone does not reach
// ssh: the CLI finds `ssh` through PATH, and a wrapper there adds `-F <private config>` (one exec
// of sh per call, noise next to ssh's own start-up).
//
// The remote side must reach the test bed's socket, not /var/run/docker.sock. The test bed's sshd
// has neither AcceptEnv (so the client's SetEnv PATH=... is dropped) nor PermitUserEnvironment (so
// authorized_keys environment= is ignored), and a forced command would change what is measured.
// None is needed: docker CLI >= 23 takes the socket path from the URL, ssh://user@host:port/path,
// and runs `docker --host unix:///path system dial-stdio` remotely (the same URL form lbdeck uses).
struct CliSetup
{
    QString docker;
    QProcessEnvironment env;
    QString problem; // why the anchor cannot run; empty when it can
};

CliSetup prepareCli(const QString& dir, const SshServer& ssh, const QString& dockerUrl)
{
    CliSetup s;
    s.docker = QStandardPaths::findExecutable(u"docker"_s);
    const QString sshProgram = QStandardPaths::findExecutable(u"ssh"_s);
    if (s.docker.isEmpty() || sshProgram.isEmpty()) {
        s.problem = u"docker or ssh not in PATH"_s;
        return s;
    }
    const QString home = dir + u"/cli-home"_s;
    const QString bin = dir + u"/cli-bin"_s;
    QDir().mkpath(home + u"/.ssh"_s);
    QDir().mkpath(bin);
    const QString config = home + u"/.ssh/config"_s;
    const QString knownHosts = home + u"/.ssh/known_hosts"_s;
    const QByteArray configText =
        u"Host 127.0.0.1\n  User %1\n  Port %2\n  IdentityFile %3\n  IdentitiesOnly yes\n"
        u"  UserKnownHostsFile %4\n  StrictHostKeyChecking yes\n  BatchMode yes\n"_s.arg(ssh.user())
            .arg(ssh.port())
            .arg(ssh.clientKey(), knownHosts)
            .toUtf8();
    const QByteArray wrapper = u"#!/bin/sh\nexec %1 -F %2 \"$@\"\n"_s.arg(sshProgram, config).toUtf8();
    if (!writeFile(config, configText, QFile::ReadOwner | QFile::WriteOwner) ||
        !writeFile(knownHosts, ssh.knownHostsLine().toUtf8() + '\n') ||
        !writeFile(bin + u"/ssh"_s, wrapper, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)) {
        s.problem = u"cannot write the CLI's private HOME"_s;
        return s;
    }
    s.env = QProcessEnvironment::systemEnvironment();
    s.env.insert(u"HOME"_s, home);
    s.env.insert(u"PATH"_s, bin + u':' + s.env.value(u"PATH"_s));
    s.env.insert(u"DOCKER_HOST"_s, dockerUrl);
    s.env.remove(u"DOCKER_CONTEXT"_s);
    s.env.remove(u"SSH_AUTH_SOCK"_s); // only the bench's key
    return s;
}

// One `docker ps`: wall time in ms, or the error.
Result<double> cliCall(const CliSetup& setup, QByteArray* out = nullptr)
{
    QProcess p;
    p.setProcessEnvironment(setup.env);
    QElapsedTimer t;
    t.start();
    p.start(setup.docker, {u"ps"_s});
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return makeError(ErrorCode::Timeout, u"docker ps did not finish within 30 s"_s);
    }
    const double elapsed = ms(t);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return makeError(ErrorCode::Process, QString::fromLocal8Bit(p.readAllStandardError()).trimmed());
    if (out)
        *out = p.readAllStandardOutput();
    return elapsed;
}

Result<void> runOperation(BackendOperation* op)
{
    if (!waitFor([op] { return op->isFinished(); }, 60000))
        return makeError(ErrorCode::Timeout, op->title());
    Result<void> r = op->result();
    op->deleteLater();
    return r;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (!isRoot()) {
        bench::summary(u"skipped (needs root for dockerd)"_s);
        return 0;
    }
    EtcdServer etcdServer;
    DockerDaemon dockerd;
    SshServer sshd;
    for (const QString& e :
         {etcdServer.start(), dockerd.start(), dockerd.buildBackendImage(), sshd.start()}) {
        if (!e.isEmpty()) {
            qCritical("%s", qPrintable(e));
            return 1;
        }
    }
    QTemporaryDir dir;
    const QString appKnownHosts = dir.filePath(u"app_known_hosts"_s);
    writeFile(appKnownHosts, sshd.knownHostsLine().toUtf8() + '\n'); // approved once, as the GUI records it
    SshTunnelOptions o;
    o.identityFile = sshd.clientKey();
    o.appKnownHostsFile = appKnownHosts;
    o.userKnownHostsFile = dir.filePath(u"user_known_hosts"_s);
    o.runtimeDirectory = dir.path();
    o.extraArgs = {u"-F"_s, u"/dev/null"_s};
    const QString url =
        u"ssh://%1@127.0.0.1:%2%3"_s.arg(sshd.user()).arg(sshd.port()).arg(dockerd.socketPath());
    NodeConnection node({u"node-b"_s, PublishAddress, url}, o);
    node.start();
    if (!waitFor([&] { return node.state() == NodeConnection::State::Ready; }, 30000)) {
        qCritical("the ssh node did not become ready: %s", qPrintable(node.detail()));
        return 1;
    }
    // A few containers, so that the list both clients fetch is not empty.
    for (int i = 0; i < 3; ++i)
        dockerd.docker({u"run"_s, u"-d"_s, u"--name"_s, u"listed-%1"_s.arg(i), DockerDaemon::backendImage()});

    // --- (a) lbdeck: one tunnel, sequential calls
    auto listOnce = [&]() -> std::optional<double> {
        std::optional<Result<QList<ContainerSummary>>> out;
        QObject ctx;
        QElapsedTimer t;
        t.start();
        node.docker()->listContainers(false, {}, &ctx,
                                      [&](const Result<QList<ContainerSummary>>& r) { out.emplace(r); });
        waitFor([&] { return out.has_value(); }, 10000);
        if (!out || !*out || (*out)->size() < 3)
            return std::nullopt;
        return ms(t);
    };
    for (int i = 0; i < 20; ++i) // warm-up: negotiation, allocator, caches
        listOnce();
    QList<double> lbdeck;
    int lbdeckFailures = 0;
    for (int i = 0; i < LbdeckCalls; ++i) {
        if (std::optional<double> t = listOnce())
            lbdeck << *t;
        else
            ++lbdeckFailures;
    }

    // --- (b) anchor: docker -H ssh:// per call
    QList<double> cli;
    QString cliProblem;
    const CliSetup setup = prepareCli(dir.path(), sshd, url);
    cliProblem = setup.problem;
    if (cliProblem.isEmpty()) {
        // Warm-up, and the check that it works at all and reaches the test bed's daemon.
        QByteArray ps;
        Result<double> first = cliCall(setup, &ps);
        if (!first)
            cliProblem = u"docker -H ssh:// failed: %1"_s.arg(first.error().message.left(200));
        else if (!ps.contains("listed-0"))
            cliProblem = u"docker -H ssh:// answered from another daemon than the test bed's"_s;
        for (int i = 0; i < CliCalls && cliProblem.isEmpty(); ++i) {
            Result<double> r = cliCall(setup);
            if (!r)
                cliProblem = u"docker -H ssh:// failed: %1"_s.arg(r.error().message.left(200));
            else
                cli << *r;
        }
    }

    // --- (c) start a backend over the tunnel until it serves
    EtcdConfig ec;
    ec.endpoints = {etcdServer.clientUrl()};
    EtcdV3Client etcd(ec);
    BackendService service(&etcd, "/bench/", BackendDefaults{DockerDaemon::backendImage(), 80, u"bench-%1"_s},
                           OperationJournal(dir.filePath(u"journal.json"_s)));
    QList<double> serving;
    QList<double> startOps;
    QString startProblem;
    for (int i = 0; i < Starts && startProblem.isEmpty(); ++i) {
        const quint16 port = freePort();
        QElapsedTimer t;
        t.start();
        if (Result<void> r = runOperation(service.start(&node, port)); !r) {
            startProblem = r.error().toString();
            break;
        }
        startOps << ms(t);
        bool up = false;
        while (!up && t.elapsed() < 15000) {
            up = httpGet(PublishAddress, port, "/", nullptr, 500) == 200;
            if (!up)
                QThread::msleep(2);
        }
        if (up)
            serving << ms(t);
        else
            startProblem = u"%1:%2 did not answer 200 within 15 s"_s.arg(PublishAddress).arg(port);
        if (Result<void> r = runOperation(service.stop(&node, port)); !r && startProblem.isEmpty())
            startProblem = r.error().toString();
    }

    const double l50 = bench::percentile(lbdeck, 50);
    bench::report(u"docker_ssh.lbdeck.calls"_s, lbdeck.size(), u"calls"_s);
    bench::report(u"docker_ssh.lbdeck.failures"_s, lbdeckFailures, u"calls"_s);
    bench::report(u"docker_ssh.lbdeck.p50"_s, l50, u"ms"_s);
    bench::report(u"docker_ssh.lbdeck.p99"_s, bench::percentile(lbdeck, 99), u"ms"_s);
    double speedup = 0;
    if (cliProblem.isEmpty()) {
        const double c50 = bench::percentile(cli, 50);
        speedup = c50 / l50;
        bench::report(u"docker_ssh.cli.calls"_s, cli.size(), u"calls"_s);
        bench::report(u"docker_ssh.cli.p50"_s, c50, u"ms"_s);
        bench::report(u"docker_ssh.cli.p99"_s, bench::percentile(cli, 99), u"ms"_s);
        bench::report(u"docker_ssh.speedup_p50"_s, speedup, u"x"_s);
    } else {
        for (const char* name : {"docker_ssh.cli.p50", "docker_ssh.cli.p99", "docker_ssh.speedup_p50"})
            reportNa(QString::fromLatin1(name), cliProblem);
    }
    if (startProblem.isEmpty()) {
        bench::report(u"docker_ssh.start_op.p50"_s, bench::percentile(startOps, 50), u"ms"_s);
        bench::report(u"docker_ssh.start_to_serving.p50"_s, bench::percentile(serving, 50), u"ms"_s);
        bench::report(u"docker_ssh.start_to_serving.max"_s, bench::percentile(serving, 100), u"ms"_s);
    } else {
        reportNa(u"docker_ssh.start_to_serving.p50"_s, startProblem);
    }
    if (cliProblem.isEmpty())
        bench::summary(u"lbdeck is %1x faster per call than docker -H ssh:// (target >= 20x)"_s.arg(
            QString::number(speedup, 'f', 0)));
    else
        bench::summary(u"lbdeck p50 %1 ms per call over one tunnel; docker -H ssh:// anchor n/a: %2"_s.arg(
            QString::number(l50, 'f', 2), cliProblem));
    return lbdeckFailures == 0 && startProblem.isEmpty() ? 0 : 1;
}
