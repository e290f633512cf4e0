// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/http/HttpClient.h"
#include "tests/testbed/Certificates.h"
#include "tests/testbed/NginxServer.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

// A hostile or odd peer, scripted byte by byte: what a real server would never send on purpose.
class ScriptedServer : public QObject
{
public:
    using Handler = std::function<void(QTcpSocket*, const QByteArray& request)>;
    explicit ScriptedServer(Handler handler)
        : m_handler(std::move(handler))
    {
        m_server.listen(QHostAddress(u"127.0.0.1"_s), 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                ++connections;
                connect(s, &QTcpSocket::readyRead, this, [this, s] {
                    m_pending[s] += s->readAll();
                    if (m_pending[s].contains("\r\n\r\n"))
                        m_handler(s, std::exchange(m_pending[s], {}));
                });
            }
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    int connections = 0;

private:
    QTcpServer m_server;
    Handler m_handler;
    QHash<QTcpSocket*, QByteArray> m_pending;
};

Result<HttpResponse> fetch(HttpClient& client, const QByteArray& target, int timeoutMs = 5000)
{
    HttpRequest req;
    req.target = target;
    req.timeout = std::chrono::milliseconds(timeoutMs);
    std::unique_ptr<HttpReply> reply(client.send(req));
    QSignalSpy done(reply.get(), &HttpReply::finished);
    if (!done.wait(timeoutMs + 5000))
        return makeError(ErrorCode::Unknown, u"test: no finished() signal"_s);
    return reply->result();
}

} // namespace

class TestHttpClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void keepAliveReusesOneConnection();
    void parallelRequestsRespectPoolLimit();
    void unixSocket();
    void tlsWithClientCertificate();
    void tlsRejectsUnknownCa();
    void redirectIsRefused();
    void connectionRefusedNamesEndpoint();
    void missingUnixSocketFailsThroughTheReply();
    void timeout();
    void abortAndContextDestruction();
    void malformedResponseIsAnError();
    void staleKeepAliveIsRetried();
    void streamingDeliversChunksAsTheyCome();
    void headerInjectionIsRefused();

private:
    NginxServer m_nginx;
    QTemporaryDir m_pkiDir;
    Certificates m_certs;
    quint16 m_tlsPort = 0;
};

void TestHttpClient::initTestCase()
{
    QVERIFY(m_pkiDir.isValid());
    QCOMPARE(Certificates::generate(m_pkiDir.path(), &m_certs), QString());
    m_tlsPort = freePort();
    const QString block = uR"(
    server {
        listen 127.0.0.1:@PORT@;
        listen unix:@PREFIX@/http.sock;
        keepalive_requests 10000;
        location = /hello { return 200 "hello"; }
        location = /redirect { return 301 /hello; }
        location = /method { return 200 "$request_method $http_x_test $content_length"; }
    }
    server {
        listen 127.0.0.1:%1 ssl;
        ssl_certificate %2;
        ssl_certificate_key %3;
        ssl_client_certificate %4;
        ssl_verify_client on;
        location / { return 200 "tls $ssl_client_s_dn"; }
    }
)"_s.arg(m_tlsPort)
                              .arg(m_certs.serverCert, m_certs.serverKey, m_certs.caCert);
    QCOMPARE(m_nginx.start(block), QString());
}

void TestHttpClient::keepAliveReusesOneConnection()
{
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, m_nginx.port()));
    for (int i = 0; i < 200; ++i) {
        auto r = fetch(client, "/hello");
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, QByteArray("hello"));
    }
    QCOMPARE(client.connectionCount(), 1);
}

void TestHttpClient::parallelRequestsRespectPoolLimit()
{
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, m_nginx.port()));
    client.setMaxConnections(3);
    int ok = 0;
    int maxSeen = 0;
    for (int i = 0; i < 60; ++i) {
        HttpRequest req;
        req.target = "/method";
        req.method = "POST";
        req.body = QByteArray::number(i);
        req.headers.add("X-Test", QByteArray::number(i));
        client.send(req, this, [&ok, i](const Result<HttpResponse>& r) {
            if (r && r->body == "POST " + QByteArray::number(i) + ' ' +
                                    QByteArray::number(QByteArray::number(i).size()))
                ++ok;
        });
        maxSeen = qMax(maxSeen, client.connectionCount());
    }
    QTRY_COMPARE_WITH_TIMEOUT(ok, 60, 10000);
    QVERIFY(maxSeen <= 3);
}

void TestHttpClient::unixSocket()
{
    auto ep = HttpEndpoint::parse(u"unix://"_s + m_nginx.prefix() + u"/http.sock"_s);
    QVERIFY(ep.ok());
    HttpClient client(*ep);
    auto r = fetch(client, "/hello");
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
    QCOMPARE(r->body, QByteArray("hello"));
}

void TestHttpClient::tlsWithClientCertificate()
{
    TlsFiles tls{m_certs.caCert, m_certs.clientCert, m_certs.clientKey, QString()};
    auto ep = HttpEndpoint::parse(u"https://127.0.0.1:%1"_s.arg(m_tlsPort), tls);
    QVERIFY(ep.ok());
    HttpClient client(*ep);
    auto r = fetch(client, "/");
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
    QCOMPARE(r->status, 200);
    QCOMPARE(r->body, QByteArray("tls CN=root"));

    // Without the client certificate nginx answers 400; the exchange itself is sound.
    TlsFiles noClient{m_certs.caCert, QString(), QString(), QString()};
    HttpClient anonymous(*HttpEndpoint::parse(u"https://127.0.0.1:%1"_s.arg(m_tlsPort), noClient));
    auto r2 = fetch(anonymous, "/");
    QVERIFY(r2.ok());
    QCOMPARE(r2->status, 400);
}

void TestHttpClient::tlsRejectsUnknownCa()
{
    QTemporaryDir other;
    Certificates otherPki;
    QCOMPARE(Certificates::generate(other.path(), &otherPki), QString());
    TlsFiles tls{otherPki.caCert, m_certs.clientCert, m_certs.clientKey, QString()};
    HttpClient client(*HttpEndpoint::parse(u"https://127.0.0.1:%1"_s.arg(m_tlsPort), tls));
    auto r = fetch(client, "/");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Tls);

    TlsFiles missing{u"/nonexistent/ca.pem"_s, QString(), QString(), QString()};
    HttpClient broken(*HttpEndpoint::parse(u"https://127.0.0.1:%1"_s.arg(m_tlsPort), missing));
    auto r2 = fetch(broken, "/");
    QVERIFY(!r2.ok());
    QVERIFY2(r2.error().message.contains(u"/nonexistent/ca.pem"_s), qPrintable(r2.error().message));
}

void TestHttpClient::redirectIsRefused()
{
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, m_nginx.port()));
    auto r = fetch(client, "/redirect");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Protocol);
    QCOMPARE(r.error().status, 301);
    QVERIFY(r.error().message.contains(u"/hello"_s));
}

void TestHttpClient::connectionRefusedNamesEndpoint()
{
    const quint16 port = freePort();
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, port));
    auto r = fetch(client, "/x");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Network);
    QVERIFY2(r.error().where.contains(u"127.0.0.1:%1"_s.arg(port)), qPrintable(r.error().toString()));
}

// QLocalSocket fails inside connectToServer() for a missing file; the failure must still arrive as
// the reply's finished(), after send() returned, and not be lost before anyone listens.
void TestHttpClient::missingUnixSocketFailsThroughTheReply()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"no-such/docker.sock"_s);
    HttpClient client(HttpEndpoint::unixSocket(path));
    auto r = fetch(client, "/version", 2000);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Network);
    QVERIFY2(r.error().message.contains(u"cannot connect"_s), qPrintable(r.error().toString()));
    QVERIFY2(r.error().where.contains(path), qPrintable(r.error().toString()));
    QCOMPARE(client.connectionCount(), 0);
}

void TestHttpClient::timeout()
{
    ScriptedServer silent([](QTcpSocket*, const QByteArray&) {});
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, silent.port()));
    auto r = fetch(client, "/never", 200);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Timeout);
    QCOMPARE(client.connectionCount(), 0);
}

void TestHttpClient::abortAndContextDestruction()
{
    ScriptedServer silent([](QTcpSocket*, const QByteArray&) {});
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, silent.port()));
    HttpRequest req;
    req.target = "/x";
    std::unique_ptr<HttpReply> reply(client.send(req));
    QSignalSpy done(reply.get(), &HttpReply::finished);
    QTest::qWait(50);
    reply->abort();
    QCOMPARE(done.size(), 1);
    QCOMPARE(reply->result().error().code, ErrorCode::Canceled);

    bool called = false;
    auto* context = new QObject;
    client.send(req, context, [&called](const Result<HttpResponse>&) { called = true; });
    QTest::qWait(50);
    delete context;
    QTest::qWait(100);
    QVERIFY(!called);
    QTRY_COMPARE(client.connectionCount(), 0);
}

void TestHttpClient::malformedResponseIsAnError()
{
    ScriptedServer garbage(
        [](QTcpSocket* s, const QByteArray&) { s->write("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"); });
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, garbage.port()));
    auto r = fetch(client, "/");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Protocol);

    ScriptedServer truncated([](QTcpSocket* s, const QByteArray&) {
        s->write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
        s->disconnectFromHost();
    });
    HttpClient client2(HttpEndpoint::tcp(u"127.0.0.1"_s, truncated.port()));
    auto r2 = fetch(client2, "/");
    QVERIFY(!r2.ok());
    QCOMPARE(r2.error().code, ErrorCode::Network);
}

void TestHttpClient::staleKeepAliveIsRetried()
{
    // Answers with keep-alive, then closes as soon as the answer is out, like a server whose
    // keep-alive timeout just ran out: the next request must still succeed.
    int served = 0;
    ScriptedServer closing([&served](QTcpSocket* s, const QByteArray&) {
        ++served;
        s->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        s->flush();
        s->disconnectFromHost();
    });
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, closing.port()));
    for (int i = 0; i < 20; ++i) {
        auto r = fetch(client, "/");
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(r->body, QByteArray("ok"));
    }
    QCOMPARE(served, 20);
}

void TestHttpClient::streamingDeliversChunksAsTheyCome()
{
    QList<QPointer<QTcpSocket>> sockets;
    ScriptedServer streamer([&sockets](QTcpSocket* s, const QByteArray&) {
        s->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        sockets << s;
    });
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, streamer.port()));
    HttpRequest req;
    req.target = "/stream";
    req.streaming = true;
    std::unique_ptr<HttpReply> reply(client.send(req));
    QSignalSpy headers(reply.get(), &HttpReply::headersReceived);
    QSignalSpy data(reply.get(), &HttpReply::bodyData);
    QSignalSpy done(reply.get(), &HttpReply::finished);
    QVERIFY(headers.wait(3000));
    QTRY_COMPARE(sockets.size(), 1);
    for (int i = 0; i < 5; ++i) {
        const QByteArray line = "event " + QByteArray::number(i) + "\n";
        sockets.first()->write(QByteArray::number(line.size(), 16) + "\r\n" + line + "\r\n");
        QTRY_COMPARE(data.size(), i + 1);
        QCOMPARE(data.last().first().toByteArray(), line);
        QCOMPARE(done.size(), 0);
    }
    sockets.first()->write("0\r\n\r\n");
    QVERIFY(done.wait(3000));
    QVERIFY(reply->result().ok());
    QVERIFY(reply->result()->body.isEmpty()); // streamed bodies are never accumulated
}

void TestHttpClient::headerInjectionIsRefused()
{
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, m_nginx.port()));
    HttpRequest req;
    req.target = "/hello";
    req.headers.add("X-Evil", "a\r\nInjected: yes");
    std::unique_ptr<HttpReply> reply(client.send(req));
    QSignalSpy done(reply.get(), &HttpReply::finished);
    QVERIFY(done.wait(2000));
    QCOMPARE(reply->result().error().code, ErrorCode::InvalidArgument);
    req.headers.clear();
    req.target = "/hello HTTP/1.1\r\nX: y";
    std::unique_ptr<HttpReply> reply2(client.send(req));
    QSignalSpy done2(reply2.get(), &HttpReply::finished);
    QVERIFY(done2.wait(2000));
    QCOMPARE(reply2->result().error().code, ErrorCode::InvalidArgument);
}

QTEST_GUILESS_MAIN(TestHttpClient)
#include "TestHttpClient.moc"
