// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/etcd/EtcdV2Codec.h"
#include "core/etcd/EtcdV3Client.h"
#include "core/etcd/EtcdV3Codec.h"
#include "tests/support/Await.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace Qt::StringLiterals;

class TestEtcdCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void prefixRangeEnd_data();
    void prefixRangeEnd();
    void rangeBodies_data();
    void rangeBodies();
    void watchMessages_data();
    void watchMessages();
    void errorsMapToCodes_data();
    void errorsMapToCodes();
    void v2Trees_data();
    void v2Trees();
    void v2KeyPathsAreEscaped();
    void hostileGatewayIsAnErrorNotACrash_data();
    void hostileGatewayIsAnErrorNotACrash();
};

void TestEtcdCodec::prefixRangeEnd_data()
{
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<QByteArray>("end");
    QTest::newRow("seed") << QByteArray("/test/") << QByteArray("/test0");
    QTest::newRow("trailing ff") << QByteArray("a\xff") << QByteArray("b");
    QTest::newRow("all ff") << QByteArray("\xff\xff") << QByteArray(1, '\0');
    QTest::newRow("empty") << QByteArray() << QByteArray(1, '\0');
}

void TestEtcdCodec::prefixRangeEnd()
{
    QFETCH(QByteArray, prefix);
    QFETCH(QByteArray, end);
    QCOMPARE(lbdeck::prefixRangeEnd(prefix), end);
}

void TestEtcdCodec::rangeBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("keys");
    const QByteArray header = R"("header":{"revision":"7"})";
    QTest::newRow("seed") << QByteArray(
                                 R"({"header":{"revision":"7"},"kvs":[{"key":"L3Rlc3QvYXBhY2hlLTgwMDE=",)"
                                 R"("mod_revision":"2","value":"MTI3LjAuMS4zOjgwMDE="}],"count":"1"})")
                          << true << 1;
    QTest::newRow("no kvs") << "{" + header + "}" << true << 0;
    QTest::newRow("numbers not strings")
        << QByteArray(R"({"header":{"revision":7},"kvs":[{"key":"YQ==","mod_revision":3}]})") << true << 1;
    QTest::newRow("number past qint64")
        << QByteArray(R"({"header":{"revision":4.2e105},"kvs":[]})") << false << 0;
    QTest::newRow("number at 2^63") << QByteArray(R"({"header":{"revision":9223372036854775808}})") << false
                                    << 0;
    QTest::newRow("fraction") << QByteArray(R"({"header":{"revision":7.5}})") << false << 0;
    QTest::newRow("not json") << QByteArray("<html>502 Bad Gateway</html>") << false << 0;
    QTest::newRow("truncated") << QByteArray(R"({"header":{"revision":"7"},"kvs":[{"key":"YQ)") << false << 0;
    QTest::newRow("array") << QByteArray("[1,2]") << false << 0;
    QTest::newRow("no header") << QByteArray(R"({"kvs":[]})") << false << 0;
    QTest::newRow("bad base64 key") << "{" + header + R"(,"kvs":[{"key":"!!!"}]})" << false << 0;
    QTest::newRow("bad base64 value")
        << "{" + header + R"(,"kvs":[{"key":"YQ==","value":"%%%"}]})" << false << 0;
    QTest::newRow("key missing") << "{" + header + R"(,"kvs":[{"value":"YQ=="}]})" << false << 0;
    QTest::newRow("kvs not array") << "{" + header + R"(,"kvs":{"a":1}})" << false << 0;
    QTest::newRow("revision not a number") << QByteArray(R"({"header":{"revision":"seven"}})") << false << 0;
    QTest::newRow("revision fraction") << QByteArray(R"({"header":{"revision":7.5}})") << false << 0;
    QTest::newRow("value object") << "{" + header + R"(,"kvs":[{"key":"YQ==","value":{}}]})" << false << 0;
}

void TestEtcdCodec::rangeBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, valid);
    QFETCH(int, keys);
    const Result<KvSnapshot> r = etcdv3::parseRange(body);
    QCOMPARE(r.ok(), valid);
    if (valid)
        QCOMPARE(r->kvs.size(), keys);
    else
        QCOMPARE(r.error().code, ErrorCode::Protocol);
}

void TestEtcdCodec::watchMessages_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("events");
    QTest::addColumn<qint64>("compact");
    QTest::newRow("created") << QByteArray(R"({"result":{"header":{"revision":"2"},"created":true}})") << true
                             << 0 << qint64(0);
    QTest::newRow("put")
        << QByteArray(
               R"({"result":{"header":{"revision":"3"},"events":[{"kv":{"key":"YQ==","mod_revision":"3","value":"Yg=="}}]}})")
        << true << 1 << qint64(0);
    QTest::newRow("delete")
        << QByteArray(
               R"({"result":{"header":{"revision":"4"},"events":[{"type":"DELETE","kv":{"key":"YQ==","mod_revision":"4"}}]}})")
        << true << 1 << qint64(0);
    QTest::newRow("compacted") << QByteArray(
                                      R"({"result":{"header":{},"canceled":true,"compact_revision":"5"}})")
                               << true << 0 << qint64(5);
    QTest::newRow("stream error")
        << QByteArray(R"({"error":{"grpc_code":16,"message":"etcdserver: invalid auth token"}})") << false
        << 0 << qint64(0);
    QTest::newRow("unknown type")
        << QByteArray(
               R"({"result":{"header":{"revision":"4"},"events":[{"type":"EXPLODE","kv":{"key":"YQ=="}}]}})")
        << false << 0 << qint64(0);
    QTest::newRow("event without kv")
        << QByteArray(R"({"result":{"header":{"revision":"4"},"events":[{}]}})") << false << 0 << qint64(0);
    QTest::newRow("no result") << QByteArray(R"({"hello":1})") << false << 0 << qint64(0);
    QTest::newRow("garbage") << QByteArray("\x00\x01\x02", 3) << false << 0 << qint64(0);
}

void TestEtcdCodec::watchMessages()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, valid);
    QFETCH(int, events);
    QFETCH(qint64, compact);
    const auto m = etcdv3::parseWatchMessage(line);
    QCOMPARE(m.ok(), valid);
    if (!valid)
        return;
    QCOMPARE(m->events.size(), events);
    QCOMPARE(m->compactRevision, compact);
}

void TestEtcdCodec::errorsMapToCodes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("compacted")
        << QByteArray(R"({"error":"etcdserver: mvcc: required revision has been compacted","code":11})")
        << 400 << ErrorCode::Compacted;
    QTest::newRow("token")
        << QByteArray(
               R"({"error":"etcdserver: invalid auth token","message":"etcdserver: invalid auth token","code":16})")
        << 401 << ErrorCode::Unauthenticated;
    QTest::newRow("permission") << QByteArray(R"({"message":"etcdserver: permission denied","code":7})")
                                << 403 << ErrorCode::PermissionDenied;
    QTest::newRow("html") << QByteArray("<h1>oops</h1>") << 502 << ErrorCode::Http;
    QTest::newRow("empty 503") << QByteArray() << 503 << ErrorCode::Unavailable;
}

void TestEtcdCodec::errorsMapToCodes()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(ErrorCode, code);
    const Error e = etcdv3::decodeError(body, status, u"etcd at x"_s);
    QCOMPARE(e.code, code);
    QVERIFY(!e.message.isEmpty());
    QCOMPARE(e.where, u"etcd at x"_s);
}

void TestEtcdCodec::v2Trees_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArrayList>("keys");
    QTest::newRow("seed")
        << QByteArray(R"({"action":"get","node":{"key":"/test","dir":true,"nodes":[)"
                      R"({"key":"/test/apache-8002","value":"b","modifiedIndex":5,"createdIndex":5},)"
                      R"({"key":"/test/apache-8001","value":"a","modifiedIndex":4,"createdIndex":4}]}})")
        << true << QByteArrayList{"/test/apache-8001", "/test/apache-8002"};
    QTest::newRow("nested")
        << QByteArray(
               R"({"node":{"dir":true,"nodes":[{"key":"/d","dir":true,"nodes":[{"key":"/d/x","value":"1","modifiedIndex":1}]}]}})")
        << true << QByteArrayList{"/d/x"};
    QTest::newRow("empty dir") << QByteArray(R"({"node":{"key":"/test","dir":true}})") << true
                               << QByteArrayList{};
    QTest::newRow("no node") << QByteArray(R"({"action":"get"})") << false << QByteArrayList{};
    QTest::newRow("nodes not array") << QByteArray(R"({"node":{"dir":true,"nodes":"x"}})") << false
                                     << QByteArrayList{};
    QTest::newRow("value number") << QByteArray(R"({"node":{"key":"/a","value":5}})") << false
                                  << QByteArrayList{};
    // Found by fuzz_etcd_codec: an index past qint64 was cast from double (undefined behaviour).
    QTest::newRow("index past qint64")
        << QByteArray(R"({"node":{"key":"/a","value":"1","modifiedIndex":4,"createdIndex":4.2e105}})")
        << false << QByteArrayList{};
    QByteArray deep = R"({"node":{"dir":true,"nodes":[)";
    for (int i = 0; i < 100; ++i)
        deep += R"({"dir":true,"nodes":[)";
    for (int i = 0; i < 100; ++i)
        deep += "]}";
    deep += "]}}";
    QTest::newRow("too deep") << deep << false << QByteArrayList{};
}

void TestEtcdCodec::v2Trees()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, valid);
    QFETCH(QByteArrayList, keys);
    const auto r = etcdv2::parseNodeTree(body);
    QCOMPARE(r.ok(), valid);
    if (!valid)
        return;
    QByteArrayList got;
    for (const KeyValue& kv : *r)
        got << kv.key;
    QCOMPARE(got, keys);
}

void TestEtcdCodec::v2KeyPathsAreEscaped()
{
    QCOMPARE(etcdv2::keyPath("/test/apache-8001"), QByteArray("/v2/keys/test/apache-8001"));
    QCOMPARE(etcdv2::keyPath("/test/"), QByteArray("/v2/keys/test/"));
    QCOMPARE(etcdv2::keyPath("/a b/c?d#e"), QByteArray("/v2/keys/a%20b/c%3Fd%23e"));
    QCOMPARE(etcdv2::keyPath("/x\r\nHost: evil"), QByteArray("/v2/keys/x%0D%0AHost%3A%20evil"));
}

void TestEtcdCodec::hostileGatewayIsAnErrorNotACrash_data()
{
    QTest::addColumn<QByteArray>("response");
    auto ok = [](const QByteArray& body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
               QByteArray::number(body.size()) + "\r\n\r\n" + body;
    };
    QTest::newRow("bad json") << ok("{\"header\":");
    QTest::newRow("bad base64") << ok(R"({"header":{"revision":"1"},"kvs":[{"key":"@@@@"}]})");
    QTest::newRow("huge revision") << ok(R"({"header":{"revision":"999999999999999999999999999"}})");
    QTest::newRow("binary") << ok(QByteArray("\xff\xfe\x00{}", 5));
    QTest::newRow("html 500") << QByteArray("HTTP/1.1 500 Oops\r\nContent-Length: 5\r\n\r\n<h1/>");
}

void TestEtcdCodec::hostileGatewayIsAnErrorNotACrash()
{
    QFETCH(QByteArray, response);
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress(u"127.0.0.1"_s), 0));
    connect(&server, &QTcpServer::newConnection, this, [&server, response] {
        QTcpSocket* s = server.nextPendingConnection();
        connect(s, &QTcpSocket::readyRead, s, [s, response] {
            s->readAll();
            s->write(response);
        });
    });
    EtcdConfig config;
    config.endpoints = {u"http://127.0.0.1:%1"_s.arg(server.serverPort())};
    EtcdV3Client client(config);
    auto r = await<KvSnapshot>(
        [&](QObject* ctx, Callback<KvSnapshot> cb) { client.getPrefix("/test/", ctx, cb); });
    QVERIFY(!r.ok());
    QVERIFY2(r.error().where.contains(u"127.0.0.1:%1"_s.arg(server.serverPort())),
             qPrintable(r.error().toString()));
    QVERIFY2(r.error().where.contains(u"/test/"_s), qPrintable(r.error().toString()));
}

QTEST_GUILESS_MAIN(TestEtcdCodec)
#include "TestEtcdCodec.moc"
