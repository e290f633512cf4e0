// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "SshTestSupport.h"
#include "core/http/HttpClient.h"
#include "core/ssh/AskpassServer.h"
#include "core/ssh/SshTunnel.h"
#include "tests/support/Await.h"
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/NginxServer.h"
#include "tests/testbed/SshServer.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <csignal>
#include <memory>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

constexpr int ReadyMs = 30000;

Result<HttpResponse> get(HttpClient& client, const QByteArray& target)
{
    QObject context;
    std::optional<Result<HttpResponse>> out;
    HttpRequest request;
    request.target = target;
    client.send(request, &context, [&out](const Result<HttpResponse>& r) { out.emplace(r); });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 20000))
        return makeError(ErrorCode::Timeout, u"test: no answer from %1"_s.arg(client.endpoint().toString()));
    return *out;
}

QString nginxOnUnixSocket()
{
    return u"server { listen 127.0.0.1:@PORT@; listen unix:@PREFIX@/http.sock; "
           u"location / { return 200 'hello through ssh'; } }"_s;
}

} // namespace

class TestSshTunnel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void unknownHostKeyRefused();
    void unknownHostKeyApproved();
    void forwardRemoteUnixSocket();
    void forwardRemoteTcpPort();
    void thousandHttpRequestsThroughOneTunnel();
    void reconnectsAfterSshIsKilled();
    void changedHostKeyIsAHardFailure();
    void portWithoutListenerFailsFast();
    void silentHostFailsWithinTheBound();
    void unknownHostAndWrongUser();
    void askpassAnswersPassphrase();
    void askpassWithoutListenerRefuses();
    void stopAndDestructorLeaveNoSsh();
    void forwardDockerSocket();

private:
    std::unique_ptr<SshTunnel> tunnel(const SshForward& forward, SshTunnelOptions options = {});
    bool waitReady(SshTunnel& t, int ms = ReadyMs);

    SshServer m_sshd;
    std::unique_ptr<PrivateSshHome> m_home;
};

void TestSshTunnel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCOMPARE(m_sshd.start(), QString());
}

void TestSshTunnel::init()
{
    m_home = std::make_unique<PrivateSshHome>();
    QVERIFY(m_home->isValid());
}

void TestSshTunnel::cleanup()
{
    m_home.reset();
}

std::unique_ptr<SshTunnel> TestSshTunnel::tunnel(const SshForward& forward, SshTunnelOptions options)
{
    if (options.sshProgram.isEmpty() || options.identityFile.isEmpty())
        options = m_home->options(m_sshd);
    return std::make_unique<SshTunnel>(m_home->destination(m_sshd), forward, options);
}

bool TestSshTunnel::waitReady(SshTunnel& t, int ms)
{
    if (!QTest::qWaitFor(
            [&] { return t.state() == SshTunnel::State::Ready || t.state() == SshTunnel::State::Failed; },
            ms))
        qWarning("tunnel still %s", qPrintable(SshTunnel::stateName(t.state())));
    if (t.state() == SshTunnel::State::Failed)
        qWarning("tunnel failed: %s", qPrintable(t.lastError().toString()));
    return t.state() == SshTunnel::State::Ready;
}

void TestSshTunnel::unknownHostKeyRefused()
{
    auto t = tunnel(SshForward::unixSocket(u"/nonexistent.sock"_s));
    QSignalSpy unknown(t.get(), &SshTunnel::hostKeyUnknown);
    QSignalSpy failed(t.get(), &SshTunnel::failed);
    t->start();
    QTRY_COMPARE_WITH_TIMEOUT(unknown.size(), 1, ReadyMs);
    QCOMPARE(unknown.at(0).at(0).toString(), u"[127.0.0.1]:%1"_s.arg(m_sshd.port()));
    QCOMPARE(unknown.at(0).at(1).toString(), u"ssh-ed25519"_s);
    QCOMPARE(unknown.at(0).at(2).toString(), m_sshd.hostKeyFingerprint());
    QCOMPARE(t->state(), SshTunnel::State::CheckingHostKey);
    QCOMPARE(sshProcessesFor(t->localSocketPath()), 0); // nothing runs while the operator decides

    t->approveHostKey(false);
    QCOMPARE(t->state(), SshTunnel::State::Failed);
    QCOMPARE(failed.size(), 1);
    const Error e = failed.at(0).at(0).value<Error>();
    QVERIFY2(e.message.contains(u"not accepted"_s) && e.message.contains(m_sshd.hostKeyFingerprint()),
             qPrintable(e.message));
    QCOMPARE(m_home->appKnownHostsContent(), QByteArray());
    QVERIFY(!QFileInfo::exists(m_home->userKnownHosts()));
    QTest::qWait(300);
    QCOMPARE(sshProcessesFor(t->localSocketPath()), 0);
    QVERIFY(!QFileInfo::exists(t->localSocketPath()));
}

void TestSshTunnel::unknownHostKeyApproved()
{
    PongUnixServer remote;
    QVERIFY(remote.listen(m_home->path() + u"/remote.sock"_s));
    auto t = tunnel(SshForward::unixSocket(remote.fullServerName()));
    QSignalSpy unknown(t.get(), &SshTunnel::hostKeyUnknown);
    connect(t.get(), &SshTunnel::hostKeyUnknown, this, [&t] { t->approveHostKey(true); });
    t->start();
    QVERIFY(waitReady(*t));
    QCOMPARE(unknown.size(), 1);
    QCOMPARE(QString::fromUtf8(m_home->appKnownHostsContent()), m_sshd.knownHostsLine() + u'\n');
    QVERIFY(!QFileInfo::exists(m_home->userKnownHosts())); // the user's file is never written
    QCOMPARE(pingUnix(t->localSocketPath()), QByteArray("pong"));

    // Known now: a second tunnel does not ask again.
    auto again = tunnel(SshForward::unixSocket(remote.fullServerName()));
    QSignalSpy unknownAgain(again.get(), &SshTunnel::hostKeyUnknown);
    again->start();
    QVERIFY(waitReady(*again));
    QCOMPARE(unknownAgain.size(), 0);
}

void TestSshTunnel::forwardRemoteUnixSocket()
{
    m_home->trust(m_sshd);
    PongUnixServer remote;
    QVERIFY(remote.listen(m_home->path() + u"/remote.sock"_s));
    auto t = tunnel(SshForward::unixSocket(remote.fullServerName()));
    QSignalSpy ready(t.get(), &SshTunnel::ready);
    t->start();
    QVERIFY(waitReady(*t));
    QCOMPARE(ready.size(), 1);
    QCOMPARE(ready.at(0).at(0).toString(), t->localSocketPath());
    QCOMPARE(pingUnix(t->localSocketPath()), QByteArray("pong"));
    QCOMPARE(modeOf(QFileInfo(t->localSocketPath()).absolutePath()), 0700);
    QVERIFY(QFileInfo(t->localSocketPath()).absolutePath().startsWith(m_home->runtime()));
    QCOMPARE(modeOf(t->localSocketPath()) & 0077, 0); // the socket itself: owner only
    QCOMPARE(t->endpoint(), HttpEndpoint::unixSocket(t->localSocketPath()));
    const QStringList args = t->sshArguments();
    QVERIFY(args.contains(u"StrictHostKeyChecking=yes"_s));
    QVERIFY(args.contains(u"ExitOnForwardFailure=yes"_s));
    QVERIFY(args.contains(u"BatchMode=yes"_s));
}

void TestSshTunnel::forwardRemoteTcpPort()
{
    m_home->trust(m_sshd);
    PongTcpServer remote;
    QVERIFY(remote.listen(QHostAddress::LocalHost));
    auto t = tunnel(SshForward::tcp(u"127.0.0.1"_s, remote.serverPort()));
    t->start();
    QVERIFY(waitReady(*t));
    QCOMPARE(pingUnix(t->localSocketPath()), QByteArray("pong"));
    QCOMPARE(modeOf(QFileInfo(t->localSocketPath()).absolutePath()), 0700);
}

void TestSshTunnel::thousandHttpRequestsThroughOneTunnel()
{
    m_home->trust(m_sshd);
    NginxServer nginx;
    QCOMPARE(nginx.start(nginxOnUnixSocket()), QString());
    auto t = tunnel(SshForward::unixSocket(nginx.prefix() + u"/http.sock"_s));
    t->start();
    QVERIFY(waitReady(*t));
    HttpClient client(t->endpoint());
    QObject context;
    int ok = 0;
    int done = 0;
    QString firstError;
    for (int i = 0; i < 1000; ++i) {
        HttpRequest request;
        request.target = "/r/" + QByteArray::number(i);
        client.send(request, &context, [&](const Result<HttpResponse>& r) {
            ++done;
            if (r && r->status == 200 && r->body == "hello through ssh")
                ++ok;
            else if (firstError.isEmpty())
                firstError = r ? u"status %1"_s.arg(r->status) : r.error().toString();
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(done, 1000, 120000);
    QVERIFY2(ok == 1000, qPrintable(u"%1 of 1000 failed, first: %2"_s.arg(1000 - ok).arg(firstError)));
    QCOMPARE(sshProcessesFor(t->localSocketPath()), 1);
    QCOMPARE(t->restarts(), 0);
}

void TestSshTunnel::reconnectsAfterSshIsKilled()
{
    m_home->trust(m_sshd);
    NginxServer nginx;
    QCOMPARE(nginx.start(nginxOnUnixSocket()), QString());
    auto t = tunnel(SshForward::unixSocket(nginx.prefix() + u"/http.sock"_s));
    QSignalSpy states(t.get(), &SshTunnel::stateChanged);
    QSignalSpy ready(t.get(), &SshTunnel::ready);
    t->start();
    QVERIFY(waitReady(*t));
    HttpClient client(t->endpoint());
    VERIFY_OK(get(client, "/before"));

    const qint64 pid = t->processId();
    QVERIFY(pid > 0);
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
    QTRY_VERIFY_WITH_TIMEOUT(t->state() != SshTunnel::State::Ready, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, ReadyMs);
    QVERIFY(clock.elapsed() >= 200); // the first backoff step
    QVERIFY(t->processId() != pid);
    QCOMPARE(t->restarts(), 1);
    bool sawReconnecting = false;
    for (const QList<QVariant>& s : std::as_const(states))
        sawReconnecting |= s.at(0).value<SshTunnel::State>() == SshTunnel::State::Reconnecting;
    QVERIFY(sawReconnecting);
    auto after = get(client, "/after");
    VERIFY_OK(after);
    QCOMPARE(after->body, QByteArray("hello through ssh"));
    QCOMPARE(sshProcessesFor(t->localSocketPath()), 1);
}

void TestSshTunnel::changedHostKeyIsAHardFailure()
{
    SshServer sshd; // its own: the key rotation must not disturb the other tests
    QCOMPARE(sshd.start(), QString());
    const SshDestination destination = m_home->destination(sshd);
    PongUnixServer remote;
    QVERIFY(remote.listen(m_home->path() + u"/remote.sock"_s));
    {
        SshTunnel first(destination, SshForward::unixSocket(remote.fullServerName()), m_home->options(sshd));
        connect(&first, &SshTunnel::hostKeyUnknown, this, [&first] { first.approveHostKey(true); });
        first.start();
        QVERIFY(waitReady(first));
    }
    const QByteArray recorded = m_home->appKnownHostsContent();
    QVERIFY(!recorded.isEmpty());
    const QString oldFingerprint = sshd.hostKeyFingerprint();
    QCOMPARE(sshd.rotateHostKey(), QString());
    QVERIFY(sshd.hostKeyFingerprint() != oldFingerprint);

    SshTunnel t(destination, SshForward::unixSocket(remote.fullServerName()), m_home->options(sshd));
    QSignalSpy unknown(&t, &SshTunnel::hostKeyUnknown);
    QSignalSpy failed(&t, &SshTunnel::failed);
    t.start();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, ReadyMs);
    const Error e = failed.at(0).at(0).value<Error>();
    QVERIFY2(e.message.contains(u"CHANGED"_s) && e.message.contains(sshd.hostKeyFingerprint()),
             qPrintable(e.message));
    QCOMPARE(e.code, ErrorCode::PermissionDenied);
    QCOMPARE(unknown.size(), 0); // no prompt, no override
    QCOMPARE(m_home->appKnownHostsContent(), recorded);
    QVERIFY(!QFileInfo::exists(m_home->userKnownHosts()));
    QTest::qWait(500); // a hard failure is not retried
    QCOMPARE(t.state(), SshTunnel::State::Failed);
    QCOMPARE(sshProcessesFor(t.localSocketPath()), 0);
}

void TestSshTunnel::portWithoutListenerFailsFast()
{
    const quint16 port = freePort();
    auto t =
        std::make_unique<SshTunnel>(SshDestination::parse(u"ssh://root@127.0.0.1:%1"_s.arg(port)).value(),
                                    SshForward::unixSocket(u"/x.sock"_s), m_home->options(m_sshd));
    QSignalSpy failed(t.get(), &SshTunnel::failed);
    QElapsedTimer clock;
    clock.start();
    t->start();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 25000);
    QVERIFY(clock.elapsed() < 25000);
    const Error e = failed.at(0).at(0).value<Error>();
    QVERIFY2(e.message.contains(u"127.0.0.1:%1"_s.arg(port)) && e.message.contains(u"refused"_s),
             qPrintable(e.message));
    QCOMPARE(e.code, ErrorCode::Network);
}

void TestSshTunnel::silentHostFailsWithinTheBound()
{
    QTcpServer silent; // accepts TCP, never says a word of SSH
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    SshTunnelOptions options = m_home->options(m_sshd);
    options.connectTimeoutS = 2;
    auto t = std::make_unique<SshTunnel>(
        SshDestination::parse(u"ssh://root@127.0.0.1:%1"_s.arg(silent.serverPort())).value(),
        SshForward::unixSocket(u"/x.sock"_s), options);
    QSignalSpy failed(t.get(), &SshTunnel::failed);
    QElapsedTimer clock;
    clock.start();
    t->start();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 30000);
    // keyscan (2 s) and ssh (2 s) each give up within the connect timeout.
    QVERIFY2(clock.elapsed() < 2 * 2000 + 5000, qPrintable(QString::number(clock.elapsed())));
    const Error e = failed.at(0).at(0).value<Error>();
    QVERIFY2(e.message.contains(u"127.0.0.1:%1 did not answer within 2 s"_s.arg(silent.serverPort())),
             qPrintable(e.message));
    QCOMPARE(e.code, ErrorCode::Timeout);
}

void TestSshTunnel::unknownHostAndWrongUser()
{
    auto ghost = std::make_unique<SshTunnel>(
        SshDestination::parse(u"ssh://core@no-such-node.invalid"_s).value(), m_home->options(m_sshd));
    QSignalSpy ghostFailed(ghost.get(), &SshTunnel::failed);
    ghost->start();
    QTRY_COMPARE_WITH_TIMEOUT(ghostFailed.size(), 1, 60000);
    Error e = ghostFailed.at(0).at(0).value<Error>();
    QVERIFY2(e.message.contains(u"core@no-such-node.invalid"_s) && e.message.contains(u"does not exist"_s),
             qPrintable(e.message));
    QCOMPARE(e.code, ErrorCode::NotFound);

    m_home->trust(m_sshd);
    SshTunnel wrongUser(m_home->destination(m_sshd, u"nosuchuser"_s), SshForward::unixSocket(u"/x.sock"_s),
                        m_home->options(m_sshd));
    QSignalSpy failed(&wrongUser, &SshTunnel::failed);
    wrongUser.start();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, ReadyMs);
    e = failed.at(0).at(0).value<Error>();
    QVERIFY2(e.message.contains(u"the login to nosuchuser@127.0.0.1:%1 was refused"_s.arg(m_sshd.port())),
             qPrintable(e.message));
    QCOMPARE(e.code, ErrorCode::Unauthenticated);
}

void TestSshTunnel::askpassAnswersPassphrase()
{
    const QString key = m_home->path() + u"/id_passphrase"_s;
    QCOMPARE(runCommand(u"ssh-keygen"_s, {u"-q"_s, u"-t"_s, u"ed25519"_s, u"-N"_s, u"correct horse"_s,
                                          u"-C"_s, u"lbdeck-askpass-test"_s, u"-f"_s, key}),
             QString());
    QFile pub(key + u".pub"_s);
    QVERIFY(pub.open(QIODevice::ReadOnly));
    QFile authorized(m_sshd.dir() + u"/authorized_keys"_s);
    QVERIFY(authorized.open(QIODevice::WriteOnly | QIODevice::Append));
    authorized.write(pub.readAll());
    authorized.close();
    m_home->trust(m_sshd);

    for (const bool answer : {true, false}) {
        AskpassServer askpass;
        askpass.setHelperPath(QStringLiteral(LBDECK_ASKPASS_HELPER));
        VERIFY_OK(askpass.listen());
        QCOMPARE(modeOf(QFileInfo(askpass.socketPath()).absolutePath()), 0700);
        QStringList prompts;
        QStringList contexts;
        connect(&askpass, &AskpassServer::passwordRequested, this,
                [&](const QString& prompt, AskpassReply* reply) {
                    prompts << prompt;
                    contexts << reply->context();
                    if (answer)
                        reply->answer(u"correct horse"_s);
                    else
                        reply->refuse();
                });
        PongUnixServer remote;
        QVERIFY(remote.listen(m_home->path() + u"/remote.sock"_s));
        SshTunnelOptions options = m_home->options(m_sshd);
        options.identityFile = key;
        SshTunnel t(m_home->destination(m_sshd), SshForward::unixSocket(remote.fullServerName()), options);
        t.setAskpassServer(&askpass);
        QVERIFY(t.sshArguments().contains(u"BatchMode=no"_s));
        t.start();
        QTRY_VERIFY_WITH_TIMEOUT(
            t.state() == SshTunnel::State::Ready || t.state() == SshTunnel::State::Failed, ReadyMs);
        QVERIFY2(!prompts.isEmpty(), "ssh did not ask for the passphrase");
        QVERIFY2(prompts.first().contains(u"id_passphrase"_s), qPrintable(prompts.first()));
        QCOMPARE(contexts.first(), m_home->destination(m_sshd).displayName());
        if (answer) {
            QVERIFY2(t.state() == SshTunnel::State::Ready, qPrintable(t.lastError().toString()));
            QCOMPARE(prompts.size(), 1);
            QCOMPARE(pingUnix(t.localSocketPath()), QByteArray("pong"));
        } else {
            QCOMPARE(t.state(), SshTunnel::State::Failed);
            QCOMPARE(t.lastError().code, ErrorCode::Unauthenticated);
        }
    }
}

void TestSshTunnel::askpassWithoutListenerRefuses()
{
    // Without a listener for passwordRequested the server refuses at once instead of leaving ssh waiting.
    const QString key = m_home->path() + u"/id_locked"_s;
    QCOMPARE(
        runCommand(u"ssh-keygen"_s, {u"-q"_s, u"-t"_s, u"ed25519"_s, u"-N"_s, u"locked"_s, u"-f"_s, key}),
        QString());
    QFile pub(key + u".pub"_s);
    QVERIFY(pub.open(QIODevice::ReadOnly));
    QFile authorized(m_sshd.dir() + u"/authorized_keys"_s);
    QVERIFY(authorized.open(QIODevice::WriteOnly | QIODevice::Append));
    authorized.write(pub.readAll());
    authorized.close();
    m_home->trust(m_sshd);
    AskpassServer askpass;
    askpass.setHelperPath(QStringLiteral(LBDECK_ASKPASS_HELPER));
    VERIFY_OK(askpass.listen());
    SshTunnelOptions options = m_home->options(m_sshd);
    options.identityFile = key;
    SshTunnel t(m_home->destination(m_sshd), SshForward::unixSocket(u"/x.sock"_s), options);
    t.setAskpassServer(&askpass);
    QSignalSpy opened(&askpass, &AskpassServer::promptOpened);
    QSignalSpy closed(&askpass, &AskpassServer::promptClosed);
    t.start();
    QTRY_COMPARE_WITH_TIMEOUT(t.state(), SshTunnel::State::Failed, ReadyMs);
    QCOMPARE(t.lastError().code, ErrorCode::Unauthenticated);
    QVERIFY(opened.size() >= 1);
    QCOMPARE(closed.size(), opened.size());
}

void TestSshTunnel::stopAndDestructorLeaveNoSsh()
{
    m_home->trust(m_sshd);
    PongUnixServer remote;
    QVERIFY(remote.listen(m_home->path() + u"/remote.sock"_s));
    auto t = tunnel(SshForward::unixSocket(remote.fullServerName()));
    t->start();
    QVERIFY(waitReady(*t));
    const QString path = t->localSocketPath();
    QCOMPARE(sshProcessesFor(path), 1);
    t->stop();
    QCOMPARE(t->state(), SshTunnel::State::Idle);
    QTRY_COMPARE_WITH_TIMEOUT(sshProcessesFor(path), 0, 5000);
    QVERIFY(!QFileInfo::exists(path));

    t->start(); // a stopped tunnel starts again, on the same path
    QVERIFY(waitReady(*t));
    QCOMPARE(t->localSocketPath(), path);
    QCOMPARE(pingUnix(path), QByteArray("pong"));
    QCOMPARE(sshProcessesFor(path), 1);
    t.reset();
    QCOMPARE(sshProcessesFor(path), 0); // reaped by the destructor, not eventually
    QVERIFY(!QFileInfo::exists(QFileInfo(path).absolutePath()));
}

void TestSshTunnel::forwardDockerSocket()
{
    if (!isRoot())
        QSKIP("dockerd needs root");
    DockerDaemon docker;
    const QString started = docker.start();
    if (!started.isEmpty())
        QFAIL(qPrintable(u"dockerd did not start: "_s + started.left(500)));
    m_home->trust(m_sshd);
    auto t = tunnel(SshForward::unixSocket(docker.socketPath()));
    t->start();
    QVERIFY(waitReady(*t));
    HttpClient client(t->endpoint());
    auto ping = get(client, "/_ping");
    VERIFY_OK(ping);
    QCOMPARE(ping->status, 200);
    QCOMPARE(ping->body, QByteArray("OK"));
}

QTEST_GUILESS_MAIN(TestSshTunnel)
#include "TestSshTunnel.moc"
