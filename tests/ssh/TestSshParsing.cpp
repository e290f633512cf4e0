// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/ssh/AskpassProtocol.h"
#include "core/ssh/SshDestination.h"
#include "core/ssh/SshFailure.h"
#include "core/ssh/SshHostKeys.h"
#include "core/ssh/SshTunnelOptions.h"

#include <QTest>

using namespace lbdeck;
using namespace Qt::StringLiterals;

// The pure parts of the SSH layer: destinations, ssh's messages, keyscan output, askpass framing.
class TestSshParsing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void destination_data();
    void destination();
    void invalidDestination_data();
    void invalidDestination();
    void failureMessages_data();
    void failureMessages();
    void keyscanOutput();
    void configDump();
    void askpassFraming();
    void commandLine();
};

void TestSshParsing::destination_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("socket");
    QTest::addColumn<QString>("canonical");
    const QString docker = u"/var/run/docker.sock"_s;
    QTest::newRow("docker style") << u"ssh://core@10.0.0.2"_s << u"core"_s << u"10.0.0.2"_s << 0 << docker
                                  << u"ssh://core@10.0.0.2"_s;
    QTest::newRow("port") << u"ssh://core@node-b:2222"_s << u"core"_s << u"node-b"_s << 2222 << docker
                          << u"ssh://core@node-b:2222"_s;
    QTest::newRow("alias only") << u"ssh://nodeA"_s << QString() << u"nodeA"_s << 0 << docker
                                << u"ssh://nodeA"_s;
    QTest::newRow("socket path") << u"ssh://root@h.example.com/run/user/1000/docker.sock"_s << u"root"_s
                                 << u"h.example.com"_s << 0 << u"/run/user/1000/docker.sock"_s
                                 << u"ssh://root@h.example.com/run/user/1000/docker.sock"_s;
    QTest::newRow("ipv6") << u"ssh://root@[fd00::2]:22/var/run/docker.sock"_s << u"root"_s << u"fd00::2"_s
                          << 22 << docker << u"ssh://root@[fd00::2]:22"_s;
    QTest::newRow("ipv6 no port") << u"ssh://[::1]"_s << QString() << u"::1"_s << 0 << docker
                                  << u"ssh://[::1]"_s;
    QTest::newRow("trailing slash") << u"SSH://u@h/"_s << u"u"_s << u"h"_s << 0 << docker << u"ssh://u@h"_s;
}

void TestSshParsing::destination()
{
    QFETCH(QString, url);
    auto d = SshDestination::parse(url);
    QVERIFY2(d.ok(), qPrintable(d.ok() ? QString() : d.error().message));
    QTEST(d->user, "user");
    QTEST(d->host, "host");
    QTEST(int(d->port), "port");
    QTEST(d->remoteSocket, "socket");
    QTEST(d->toString(), "canonical");
    QCOMPARE(SshDestination::parse(d->toString()).value(), *d);
}

void TestSshParsing::invalidDestination_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("why");
    QTest::newRow("scheme") << u"tcp://10.0.0.2:2376"_s << u"ssh://"_s;
    QTest::newRow("empty host") << u"ssh://core@"_s << u"host is missing"_s;
    QTest::newRow("password") << u"ssh://core:hunter2@h"_s << u"password does not belong"_s;
    QTest::newRow("empty user") << u"ssh://@h"_s << u"user name"_s;
    QTest::newRow("option injection") << u"ssh://-oProxyCommand=evil"_s << u"not a host name"_s;
    QTest::newRow("user injection") << u"ssh://-lroot@h"_s << u"user name"_s;
    QTest::newRow("bad port") << u"ssh://h:99999"_s << u"not a port"_s;
    QTest::newRow("zero port") << u"ssh://h:0"_s << u"not a port"_s;
    QTest::newRow("no port digits") << u"ssh://h:"_s << u"port after ':' is missing"_s;
    QTest::newRow("bare ipv6") << u"ssh://fd00::2"_s << u"brackets"_s;
    QTest::newRow("bad ipv6") << u"ssh://[fd00::zz]"_s << u"not an IPv6"_s;
    QTest::newRow("unclosed ipv6") << u"ssh://[fd00::2"_s << u"closing"_s;
    QTest::newRow("relative path") << u"ssh://h/../etc/shadow"_s << u"remote socket path"_s;
    QTest::newRow("colon in path") << u"ssh://h/a:b"_s << u"remote socket path"_s;
    QTest::newRow("space in host") << u"ssh://a b"_s << u"not a host name"_s;
    QTest::newRow("query") << u"ssh://h?x=1"_s << u"query"_s;
}

void TestSshParsing::invalidDestination()
{
    QFETCH(QString, url);
    QFETCH(QString, why);
    auto d = SshDestination::parse(url);
    QVERIFY(!d.ok());
    QCOMPARE(d.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(d.error().message.contains(why), qPrintable(d.error().message));
    QVERIFY2(d.error().message.contains(url), qPrintable(d.error().message));
}

void TestSshParsing::failureMessages_data()
{
    QTest::addColumn<QByteArray>("stderrText");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("expected");
    QTest::newRow("refused") << QByteArray("ssh: connect to host 127.0.0.1 port 2222: Connection refused\r\n")
                             << int(ErrorCode::Network) << u"127.0.0.1:2222 refused"_s;
    QTest::newRow("timeout") << QByteArray("Connection timed out during banner exchange\r\n")
                             << int(ErrorCode::Timeout) << u"127.0.0.1:2222 did not answer within 10 s"_s;
    QTest::newRow("dns") << QByteArray(
                                "ssh: Could not resolve hostname nosuch: Name or service not known\r\n")
                         << int(ErrorCode::NotFound) << u"does not exist"_s;
    QTest::newRow("login") << QByteArray("bob@127.0.0.1: Permission denied (publickey).\r\n")
                           << int(ErrorCode::Unauthenticated)
                           << u"the login to bob@127.0.0.1:2222 was refused"_s;
    QTest::newRow("changed")
        << QByteArray("@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n@@@@@\r\n"
                      "The fingerprint for the ED25519 key sent by the remote host is\r\n"
                      "SHA256:abcDEF012+/xyz.\r\nHost key verification failed.\r\n")
        << int(ErrorCode::PermissionDenied)
        << u"has CHANGED since it was accepted (it now presents SHA256:abcDEF012+/xyz)"_s;
    QTest::newRow("bind") << QByteArray("unix_listener: cannot bind to path /x.sock: Permission denied\r\n"
                                        "Could not request local forwarding.\r\n")
                          << int(ErrorCode::Io) << u"could not set up the forward"_s;
}

void TestSshParsing::failureMessages()
{
    QFETCH(QByteArray, stderrText);
    QFETCH(int, code);
    QFETCH(QString, expected);
    const Error e = interpretSshFailure(
        stderrText, 255,
        {u"bob@127.0.0.1:2222"_s, u"127.0.0.1:2222"_s, 10, u"[127.0.0.1]:2222"_s, u"/app/known_hosts"_s});
    QCOMPARE(int(e.code), code);
    QVERIFY2(e.message.contains(expected), qPrintable(e.message));
    QVERIFY2(e.message.contains(u"127.0.0.1:2222"_s), qPrintable(e.message));
}

void TestSshParsing::keyscanOutput()
{
    const QByteArray ed =
        QByteArray::fromBase64("AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl");
    const QByteArray out =
        "# 127.0.0.1:2222 SSH-2.0-OpenSSH_9.2p1\n"
        "[127.0.0.1]:2222 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7\n" // ed25519 is preferred
        "[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
        "[127.0.0.1]:2222 ssh-dss AAAA\n";
    auto key = SshHostKeys::pickScannedKey(out, u"[127.0.0.1]:2222"_s);
    QVERIFY(key.ok());
    QCOMPARE(key->type, u"ssh-ed25519"_s);
    QCOMPARE(key->blob, ed);
    QVERIFY(key->fingerprint.startsWith(u"SHA256:"_s));
    QVERIFY(!key->fingerprint.endsWith(u'='));
    QCOMPARE(
        key->knownHostsLine(),
        u"[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"_s);
    // A blob that claims another type than its line says is not a key.
    QVERIFY(!SshHostKeys::pickScannedKey(
                 "h ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n", u"h"_s)
                 .ok());
    QVERIFY(!SshHostKeys::pickScannedKey("", u"h"_s).ok());
}

void TestSshParsing::configDump()
{
    const SshResolvedHost h = SshHostKeys::parseConfigDump(
        "user core\nhostname 10.0.0.2\nport 2222\nproxyjump bastion\nconnecttimeout 10\n");
    QCOMPARE(h.hostName, u"10.0.0.2"_s);
    QCOMPARE(h.port, quint16(2222));
    QCOMPARE(h.user, u"core"_s);
    QVERIFY(h.viaProxy);
    QCOMPARE(h.knownHostsName(), u"[10.0.0.2]:2222"_s);
    QCOMPARE(SshHostKeys::parseConfigDump("hostname node-b\nport 22\n").knownHostsName(), u"node-b"_s);
    QCOMPARE(SshHostKeys::parseConfigDump("hostname x\nport 2\nhostkeyalias nodeb\n").knownHostsName(),
             u"nodeb"_s);
}

void TestSshParsing::askpassFraming()
{
    using namespace lbdeck::askpass;
    const Request r{"", "root@h:22", "Enter passphrase for key '/k': "};
    const QByteArray wire = encodeRequest(r);
    Request back;
    for (qsizetype n = 0; n < wire.size(); ++n)
        QCOMPARE(parseRequest(wire.left(n), &back), Parse::NeedMore);
    QCOMPARE(parseRequest(wire, &back), Parse::Done);
    QCOMPARE(back.prompt, r.prompt);
    QCOMPARE(back.context, r.context);
    QCOMPARE(parseRequest("GET / HTTP/1.1\r\n", &back), Parse::Bad);
    QCOMPARE(parseRequest(wire + "x", &back), Parse::Bad);

    bool answered = false;
    QByteArray secret;
    QCOMPARE(parseResponse(encodeAnswer("s3cret"), &answered, &secret), Parse::Done);
    QVERIFY(answered);
    QCOMPARE(secret, QByteArray("s3cret"));
    QCOMPARE(parseResponse(encodeRefusal(), &answered, &secret), Parse::Done);
    QVERIFY(!answered);
    QCOMPARE(parseResponse(encodeAnswer("s3cret").left(4), &answered, &secret), Parse::NeedMore);
    QByteArray huge(1, 'Y');
    huge.append("\xff\xff\xff\xff", 4);
    QCOMPARE(parseResponse(huge, &answered, &secret), Parse::Bad);
}

void TestSshParsing::commandLine()
{
    SshTunnelOptions options;
    options.userKnownHostsFile = u"/home/op/.ssh/known_hosts"_s;
    options.appKnownHostsFile = u"/home/op/.local/share/100%/known_hosts"_s;
    options.identityFile = u"/keys/id"_s;
    const SshDestination d = SshDestination::parse(u"ssh://core@[fd00::2]:2222"_s).value();
    const QStringList args =
        sshTunnelArguments(d, SshForward::tcp(u"::1"_s, 80), options, u"/run/t/x.sock"_s, false);
    for (const QString& required :
         {u"ExitOnForwardFailure=yes"_s, u"ServerAliveInterval=5"_s, u"ServerAliveCountMax=3"_s,
          u"ConnectTimeout=10"_s, u"StreamLocalBindUnlink=yes"_s, u"StrictHostKeyChecking=yes"_s,
          u"BatchMode=yes"_s, u"UpdateHostKeys=no"_s, u"ControlMaster=no"_s})
        QVERIFY2(args.contains(required), qPrintable(required));
    // ssh expands %tokens in file options: a literal '%' is doubled.
    QVERIFY(args.contains(
        u"UserKnownHostsFile=\"/home/op/.ssh/known_hosts\" \"/home/op/.local/share/100%%/known_hosts\""_s));
    QCOMPARE(args.mid(args.indexOf(u"-L"_s), 2), QStringList({u"-L"_s, u"/run/t/x.sock:[::1]:80"_s}));
    QCOMPARE(args.mid(args.size() - 2), QStringList({u"--"_s, u"fd00::2"_s}));
    QCOMPARE(args.mid(args.indexOf(u"-p"_s), 2), QStringList({u"-p"_s, u"2222"_s}));
    QCOMPARE(args.mid(args.indexOf(u"-l"_s), 2), QStringList({u"-l"_s, u"core"_s}));
    QVERIFY(sshTunnelArguments(d, SshForward::unixSocket(u"/var/run/docker.sock"_s), options,
                               u"/run/t/x.sock"_s, true)
                .contains(u"BatchMode=no"_s));
    // Nothing in the command line loosens host-key checking.
    for (const QString& a : args)
        QVERIFY2(!a.startsWith(u"StrictHostKeyChecking"_s) || a == u"StrictHostKeyChecking=yes"_s,
                 qPrintable(a));
    QCOMPARE(sshSocketName(u"fd00::2"_s), u"fd00__2.sock"_s);
}

QTEST_GUILESS_MAIN(TestSshParsing)
#include "TestSshParsing.moc"
