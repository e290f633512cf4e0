// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/cluster/BackendAddress.h"

#include <QTest>

using namespace lbdeck;

class TestBackendAddress : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void accepted_data();
    void accepted();
    void rejected_data();
    void rejected();
    void joinAndHostOfRoundTrip_data();
    void joinAndHostOfRoundTrip();
};

void TestBackendAddress::accepted_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("rendered");
    QTest::newRow("seed 8001") << QByteArray("172.17.8.203:8001") << QStringLiteral("172.17.8.203:8001");
    QTest::newRow("loopback") << QByteArray("127.0.1.3:8001") << QStringLiteral("127.0.1.3:8001");
    QTest::newRow("max port") << QByteArray("10.0.0.1:65535") << QStringLiteral("10.0.0.1:65535");
    QTest::newRow("ipv6") << QByteArray("[::1]:80") << QStringLiteral("[::1]:80");
    QTest::newRow("ipv6 canonical") << QByteArray("[2001:DB8:0:0::1]:8080")
                                    << QStringLiteral("[2001:db8::1]:8080");
    QTest::newRow("dns") << QByteArray("backend-1.example.com:8001")
                         << QStringLiteral("backend-1.example.com:8001");
    QTest::newRow("single label") << QByteArray("apache:80") << QStringLiteral("apache:80");
    // nginx's server parameters are separate words: glued to a port they are just a host's name.
    QTest::newRow("host named backup") << QByteArray("backup:80") << QStringLiteral("backup:80");
    QTest::newRow("host named down") << QByteArray("down.example:80") << QStringLiteral("down.example:80");
    QTest::newRow("unix inside a name") << QByteArray("unix.example:80") << QStringLiteral("unix.example:80");
    QTest::newRow("hex-looking name")
        << QByteArray("0xdead.example:80") << QStringLiteral("0xdead.example:80");
}

void TestBackendAddress::accepted()
{
    QFETCH(QByteArray, value);
    QFETCH(QString, rendered);
    const auto a = BackendAddress::parse(value);
    QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().message));
    QCOMPARE(a->toString(), rendered);
}

void TestBackendAddress::rejected_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("reason");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
    QTest::newRow("no port") << QByteArray("10.0.0.1") << QStringLiteral("no port");
    QTest::newRow("port 0") << QByteArray("10.0.0.1:0") << QStringLiteral("port");
    QTest::newRow("port too big") << QByteArray("10.0.0.1:65536") << QStringLiteral("port");
    QTest::newRow("port leading zero") << QByteArray("10.0.0.1:080") << QStringLiteral("port");
    QTest::newRow("port sign") << QByteArray("10.0.0.1:+80") << QStringLiteral("'+'");
    QTest::newRow("injection") << QByteArray("10.0.0.1:80; } server { listen 81") << QStringLiteral("';'");
    QTest::newRow("space") << QByteArray("10.0.0.1 :80") << QStringLiteral("space");
    QTest::newRow("semicolon") << QByteArray("10.0.0.1:80;") << QStringLiteral("';'");
    QTest::newRow("brace") << QByteArray("10.0.0.1:80}") << QStringLiteral("brace");
    QTest::newRow("newline") << QByteArray("10.0.0.1:80\ninclude /etc/passwd")
                             << QStringLiteral("line break");
    QTest::newRow("quote") << QByteArray("\"10.0.0.1:80\"") << QStringLiteral("quote");
    QTest::newRow("hash") << QByteArray("10.0.0.1:80#x") << QStringLiteral("'#'");
    QTest::newRow("dollar") << QByteArray("$host:80") << QStringLiteral("'$'");
    QTest::newRow("nul") << QByteArray("10.0.0.1:80\0x", 13) << QStringLiteral("control");
    QTest::newRow("unicode") << QByteArray("b\xc3\xa4"
                                           "ckend:80")
                             << QStringLiteral("non-ASCII");
    QTest::newRow("url") << QByteArray("http://10.0.0.1:80") << QStringLiteral("'/'");
    QTest::newRow("bad octet") << QByteArray("256.0.0.1:80") << QStringLiteral("IPv4");
    QTest::newRow("short ipv4") << QByteArray("10.0.1:80") << QStringLiteral("IPv4");
    QTest::newRow("ipv6 no brackets") << QByteArray("::1:80") << QStringLiteral("brackets");
    QTest::newRow("ipv6 junk") << QByteArray("[::g]:80") << QStringLiteral("IPv6");
    QTest::newRow("ipv4 in brackets") << QByteArray("[10.0.0.1]:80") << QStringLiteral("IPv6");
    QTest::newRow("label hyphen") << QByteArray("-bad.example:80") << QStringLiteral("host name");
    QTest::newRow("empty label") << QByteArray("a..b:80") << QStringLiteral("host name");
    QTest::newRow("huge") << QByteArray(5000, 'a') + ":80" << QStringLiteral("bytes long");
    QTest::newRow("long label") << QByteArray(64, 'a') + ":80" << QStringLiteral("host name");
    // What nginx's "server" directive would read as something other than a host, with what to
    // write instead.
    const QString unixSocket = QStringLiteral("\"unix:\" makes nginx read the rest as a unix socket path, "
                                              "not a host: write host:port, e.g. 10.0.0.1:8080");
    QTest::newRow("unix port") << QByteArray("unix:8080") << unixSocket;
    QTest::newRow("unix upper case") << QByteArray("UNIX:8080") << unixSocket;
    QTest::newRow("unix mixed case") << QByteArray("Unix:80") << unixSocket;
    QTest::newRow("unix path") << QByteArray("unix:/run/app.sock") << unixSocket;
    QTest::newRow("unix empty") << QByteArray("unix:") << unixSocket;
    const QString parameter = QStringLiteral("contains '=' (an nginx server parameter such as weight= or "
                                             "max_fails=, which the config sets, not the address): write "
                                             "only host:port");
    QTest::newRow("weight glued") << QByteArray("weight=5:80") << parameter;
    QTest::newRow("max_fails glued") << QByteArray("10.0.0.1:80:max_fails=3") << QStringLiteral("'_'");
    QTest::newRow("max-conns glued") << QByteArray("max-conns=10:80") << parameter;
    QTest::newRow("fail-timeout after port")
        << QByteArray("10.0.0.1:80,fail_timeout=1") << QStringLiteral("','");
    QTest::newRow("backup word") << QByteArray("10.0.0.1:80 backup") << QStringLiteral("contains a space");
    QTest::newRow("down word") << QByteArray("down") << QStringLiteral("no port (expected host:port)");
    QTest::newRow("ipv4 two parts") << QByteArray("127.1:80")
                                    << QStringLiteral(
                                           "\"127.1\" is IPv4 shorthand that the resolver reads "
                                           "as 127.0.0.1: write the dotted address, 127.0.0.1:port");
    QTest::newRow("ipv4 hex") << QByteArray("0x7f000001:8080")
                              << QStringLiteral(
                                     "\"0x7f000001\" is IPv4 shorthand that the resolver "
                                     "reads as 127.0.0.1: write the dotted address, 127.0.0.1:port");
    QTest::newRow("ipv4 octal") << QByteArray("012.0.0.1:80") << QStringLiteral("reads as 10.0.0.1");
    QTest::newRow("ipv4 mixed") << QByteArray("10.0x1.2:80") << QStringLiteral("reads as 10.1.0.2");
}

void TestBackendAddress::rejected()
{
    QFETCH(QByteArray, value);
    QFETCH(QString, reason);
    const auto a = BackendAddress::parse(value);
    QVERIFY(!a.ok());
    QCOMPARE(a.error().code, ErrorCode::Validation);
    QVERIFY2(a.error().message.contains(reason), qPrintable(a.error().message));
}

void TestBackendAddress::joinAndHostOfRoundTrip_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("joined");
    QTest::newRow("ipv4") << QStringLiteral("127.0.1.3") << QStringLiteral("127.0.1.3:8001");
    QTest::newRow("ipv6") << QStringLiteral("::1") << QStringLiteral("[::1]:8001");
    QTest::newRow("ipv6 long") << QStringLiteral("fd00::17") << QStringLiteral("[fd00::17]:8001");
    QTest::newRow("name") << QStringLiteral("backend.local") << QStringLiteral("backend.local:8001");
}

void TestBackendAddress::joinAndHostOfRoundTrip()
{
    QFETCH(QString, host);
    QFETCH(QString, joined);
    QCOMPARE(BackendAddress::join(host, 8001), joined);
    QCOMPARE(BackendAddress::hostOf(joined.toUtf8()), host);
    QCOMPARE(BackendAddress::hostOf("not an address; {"), QString());
}

QTEST_GUILESS_MAIN(TestBackendAddress)
#include "TestBackendAddress.moc"
