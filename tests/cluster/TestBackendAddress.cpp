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
