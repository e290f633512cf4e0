// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "HttpClient.h"

#include "HttpConnection.h"
#include "core/util/Logging.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

bool isSafeHeaderText(const QByteArray& text)
{
    for (char c : text) {
        if (c == '\r' || c == '\n' || c == '\0')
            return false;
    }
    return true;
}

} // namespace

HttpClient::HttpClient(const HttpEndpoint& endpoint, QObject* parent)
    : QObject(parent)
    , m_endpoint(endpoint)
{
    buildSslConfiguration();
}

HttpClient::~HttpClient()
{
    // Whoever waits on a reply hears that it ended; nothing calls back into this object afterwards.
    QList<QPointer<HttpReply>> pending = std::exchange(m_queue, {});
    for (HttpConnection* conn : std::as_const(m_connections)) {
        if (conn->reply)
            pending.append(conn->reply);
        conn->reply = nullptr;
        conn->abort();
    }
    for (const QPointer<HttpReply>& reply : pending) {
        if (reply) {
            reply->m_client = nullptr;
            reply->finish(makeError(ErrorCode::Canceled, u"client shut down"_s, reply->describe()));
        }
    }
}

void HttpClient::setKeyPassphrase(const QByteArray& passphrase)
{
    m_keyPassphrase = passphrase;
    buildSslConfiguration();
}

void HttpClient::buildSslConfiguration()
{
    m_sslSetupError.clear();
    if (m_endpoint.transport != HttpEndpoint::Transport::Tls)
        return;
    m_ssl = QSslConfiguration::defaultConfiguration();
    m_ssl.setProtocol(QSsl::TlsV1_2OrLater);
    m_ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    const TlsFiles& tls = m_endpoint.tls;
    if (!tls.caFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(tls.caFile, QSsl::Pem);
        if (cas.isEmpty()) {
            m_sslSetupError = u"cannot read a CA certificate from %1"_s.arg(tls.caFile);
            return;
        }
        m_ssl.setCaCertificates(cas);
    }
    if (tls.certFile.isEmpty() != tls.keyFile.isEmpty()) {
        m_sslSetupError = u"a client certificate needs both a certificate and a key file"_s;
        return;
    }
    if (tls.certFile.isEmpty())
        return;
    const QList<QSslCertificate> certs = QSslCertificate::fromPath(tls.certFile, QSsl::Pem);
    if (certs.isEmpty()) {
        m_sslSetupError = u"cannot read a client certificate from %1"_s.arg(tls.certFile);
        return;
    }
    QFile keyFile(tls.keyFile);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        m_sslSetupError = u"cannot read the client key %1: %2"_s.arg(tls.keyFile, keyFile.errorString());
        return;
    }
    const QByteArray pem = keyFile.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Ec, QSsl::Rsa, QSsl::Dsa}) {
        key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey, m_keyPassphrase);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        m_sslSetupError =
            u"cannot load the client key %1 (wrong passphrase, or not a PEM private key)"_s.arg(tls.keyFile);
        return;
    }
    m_ssl.setLocalCertificate(certs.first());
    m_ssl.setPrivateKey(key);
}

Result<QByteArray> HttpClient::serialize(const HttpRequest& request) const
{
    auto bad = [&](const QString& why) {
        return makeError(ErrorCode::InvalidArgument, why, m_endpoint.toString());
    };
    if (request.method.isEmpty() || !isSafeHeaderText(request.method) || request.method.contains(' '))
        return bad(u"invalid HTTP method"_s);
    if (!request.target.startsWith('/') || !isSafeHeaderText(request.target) || request.target.contains(' '))
        return bad(u"invalid request target \"%1\""_s.arg(QString::fromUtf8(request.target.left(80))));
    QByteArray out;
    out.reserve(256 + request.body.size());
    out += request.method + ' ' + request.target + " HTTP/1.1\r\n";
    if (!request.headers.contains("Host"))
        out += "Host: " + m_endpoint.hostHeader() + "\r\n";
    if (!request.headers.contains("User-Agent"))
        out += "User-Agent: lbdeck/0.1\r\n";
    for (const auto& [name, value] : request.headers.all()) {
        if (name.isEmpty() || !isSafeHeaderText(name) || name.contains(':') || !isSafeHeaderText(value))
            return bad(u"invalid header \"%1\""_s.arg(QString::fromLatin1(name.left(60))));
        out += name + ": " + value + "\r\n";
    }
    if (!request.body.isEmpty() || request.method == "POST" || request.method == "PUT")
        out += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    out += "\r\n";
    out += request.body;
    return out;
}

HttpReply* HttpClient::send(HttpRequest request)
{
    auto* reply = new HttpReply(this, std::move(request), m_endpoint.toString());
    QString setupError = m_sslSetupError;
    if (setupError.isEmpty()) {
        Result<QByteArray> bytes = serialize(reply->m_request);
        if (!bytes.ok())
            setupError = bytes.error().message;
    }
    if (!setupError.isEmpty()) {
        // Never finish inside send(): the caller has not connected to finished() yet.
        const ErrorCode code = m_sslSetupError.isEmpty() ? ErrorCode::InvalidArgument : ErrorCode::Tls;
        QMetaObject::invokeMethod(
            reply,
            [reply, code, setupError] { reply->finish(makeError(code, setupError, reply->describe())); },
            Qt::QueuedConnection);
        return reply;
    }
    m_queue.append(reply);
    dispatch();
    return reply;
}

HttpReply* HttpClient::send(HttpRequest request, QObject* context, Callback callback)
{
    HttpReply* reply = send(std::move(request));
    connect(reply, &HttpReply::finished, reply, &QObject::deleteLater);
    const QMetaObject::Connection delivery =
        connect(reply, &HttpReply::finished, context,
                [reply, callback = std::move(callback)] { callback(reply->result()); });
    // destroyed() comes while the context still has its connections: cut the delivery first.
    connect(context, &QObject::destroyed, reply, [reply, delivery] {
        QObject::disconnect(delivery);
        reply->abort();
    });
    return reply;
}

HttpConnection* HttpClient::connectionOf(const HttpReply* reply) const
{
    for (HttpConnection* conn : m_connections) {
        if (conn->reply == reply)
            return conn;
    }
    return nullptr;
}

void HttpClient::dispatch()
{
    while (!m_queue.isEmpty()) {
        HttpReply* reply = m_queue.front();
        if (!reply || reply->isFinished()) {
            m_queue.removeFirst();
            continue;
        }
        HttpConnection* idle = nullptr;
        int plain = 0;
        for (HttpConnection* conn : std::as_const(m_connections)) {
            if (!conn->reply && conn->isOpen() && !idle)
                idle = conn;
            if (!conn->reply || !conn->reply->request().streaming)
                ++plain;
        }
        if (idle) {
            m_queue.removeFirst();
            startTimer(reply);
            startOn(idle, reply);
            continue;
        }
        if (!reply->request().streaming && plain >= m_maxConnections)
            return; // wait for a connection to come free
        m_queue.removeFirst();
        startTimer(reply);
        auto* conn = new HttpConnection(m_endpoint, m_ssl, this);
        conn->reply = reply;
        connect(conn, &HttpConnection::opened, this, [this, conn] {
            if (conn->reply)
                startOn(conn, conn->reply);
            else
                dispatch();
        });
        connect(conn, &HttpConnection::readyRead, this, [this, conn] { onReadyRead(conn); });
        connect(conn, &HttpConnection::closed, this,
                [this, conn](const QString& error, bool tls) { onClosed(conn, error, tls); });
        m_connections.append(conn);
        conn->open();
    }
}

// The timeout runs from when a request gets a connection: time spent queued behind the pool limit
// (a burst of thousands of puts) is not the server being slow.
void HttpClient::startTimer(HttpReply* reply)
{
    if (reply->m_request.timeout.count() > 0 && !reply->m_timer.isActive())
        reply->m_timer.start(reply->m_request.timeout);
}

void HttpClient::startOn(HttpConnection* conn, HttpReply* reply)
{
    conn->reply = reply;
    conn->parser = HttpResponseParser(reply->m_request.maxBodySize);
    conn->parser.reset(reply->m_request.method == "HEAD");
    conn->bytesSeen = false;
    reply->m_response = HttpResponse();
    reply->m_headersEmitted = false;
    ++reply->m_attempts;
    Result<QByteArray> bytes = serialize(reply->m_request);
    conn->write(bytes.value()); // validated in send()
}

void HttpClient::onReadyRead(HttpConnection* conn)
{
    const QByteArray data = conn->readAll();
    if (data.isEmpty())
        return;
    if (!conn->reply) {
        // Bytes nobody asked for on an idle connection: it can no longer be trusted.
        dropConnection(conn);
        return;
    }
    deliver(conn, data);
}

void HttpClient::deliver(HttpConnection* conn, const QByteArray& data)
{
    QPointer<HttpReply> reply = conn->reply;
    conn->bytesSeen = true;
    const qsizetype used = conn->parser.feed(data);
    if (conn->parser.hasError()) {
        const QString why = u"malformed response: %1"_s.arg(conn->parser.errorString());
        conn->reply = nullptr;
        dropConnection(conn);
        reply->finish(makeError(ErrorCode::Protocol, why, reply->describe()));
        dispatch();
        return;
    }
    if (conn->parser.headersComplete() && !reply->m_headersEmitted) {
        reply->m_headersEmitted = true;
        reply->m_response.status = conn->parser.status();
        reply->m_response.reason = conn->parser.reason();
        reply->m_response.headers = conn->parser.headers();
        const int status = reply->m_response.status;
        if (status >= 300 && status < 400 && status != 304) {
            const QString to = QString::fromUtf8(conn->parser.headers().value("Location"));
            conn->reply = nullptr;
            dropConnection(conn);
            reply->finish(
                makeError(ErrorCode::Protocol,
                          u"server answered %1 redirect to \"%2\"; lbdeck does not follow redirects: "
                          u"point it at the final address"_s.arg(status)
                              .arg(to),
                          reply->describe(), status));
            dispatch();
            return;
        }
        if (reply->m_request.streaming) {
            reply->m_timer.stop();
            if (reply->m_request.idleTimeout.count() > 0)
                reply->m_idleTimer.start(reply->m_request.idleTimeout);
        }
        Q_EMIT reply->headersReceived();
        if (!reply || conn->reply != reply)
            return; // aborted or deleted by a receiver
    }
    if (reply->m_request.streaming) {
        const QByteArray chunk = conn->parser.takeBody();
        if (!chunk.isEmpty()) {
            if (reply->m_request.idleTimeout.count() > 0)
                reply->m_idleTimer.start(reply->m_request.idleTimeout);
            Q_EMIT reply->bodyData(chunk);
            if (!reply || conn->reply != reply)
                return;
        }
    }
    if (conn->parser.isComplete()) {
        // Bytes past the end of the response were never asked for: do not reuse the connection.
        completeExchange(conn, /*forceClose=*/used < data.size());
    }
}

void HttpClient::completeExchange(HttpConnection* conn, bool forceClose)
{
    QPointer<HttpReply> reply = conn->reply;
    conn->reply = nullptr;
    ++conn->exchanges;
    const bool keep = conn->parser.keepAlive() && !forceClose;
    HttpResponse response;
    if (reply) {
        response = reply->m_response;
        if (!reply->m_request.streaming)
            response.body = conn->parser.takeBody();
    }
    if (!keep)
        dropConnection(conn);
    QPointer<HttpClient> self(this);
    if (reply)
        reply->finish(std::move(response));
    if (self)
        dispatch();
}

void HttpClient::onClosed(HttpConnection* conn, const QString& error, bool tlsError)
{
    QPointer<HttpReply> reply = conn->reply;
    if (reply) {
        const QByteArray rest = conn->readAll();
        if (!rest.isEmpty()) {
            deliver(conn, rest);
            if (!m_connections.contains(conn) || conn->reply != reply)
                return; // the drained bytes completed or failed the exchange
        }
    }
    if (!reply) {
        dropConnection(conn);
        dispatch();
        return;
    }
    // A keep-alive connection the server closed just as we reused it: send once more, fresh.
    if (!conn->bytesSeen && conn->exchanges > 0 && reply->m_attempts == 1) {
        qCDebug(lcHttp) << reply->describe() << "stale keep-alive connection, retrying";
        conn->reply = nullptr;
        dropConnection(conn);
        m_queue.prepend(reply);
        dispatch();
        return;
    }
    Error err;
    if (error.isEmpty()) {
        conn->parser.feedEof();
        if (conn->parser.isComplete()) {
            completeExchange(conn);
            return;
        }
        err = makeError(ErrorCode::Network, conn->parser.errorString(), reply->describe());
    } else if (tlsError) {
        err = makeError(ErrorCode::Tls, u"TLS handshake failed: %1"_s.arg(error), reply->describe());
    } else if (!conn->wasOpened()) {
        err = makeError(ErrorCode::Network, u"cannot connect: %1"_s.arg(error), reply->describe());
    } else {
        err = makeError(ErrorCode::Network, u"connection lost: %1"_s.arg(error), reply->describe());
    }
    conn->reply = nullptr;
    dropConnection(conn);
    QPointer<HttpClient> self(this);
    reply->finish(err);
    if (self)
        dispatch();
}

void HttpClient::dropConnection(HttpConnection* conn)
{
    if (!m_connections.removeOne(conn))
        return;
    conn->abort();
    conn->deleteLater();
}

void HttpClient::cancel(HttpReply* reply, ErrorCode code, const QString& why, bool notify)
{
    if (reply->isFinished())
        return;
    m_queue.removeAll(reply);
    if (HttpConnection* conn = connectionOf(reply)) {
        conn->reply = nullptr;
        // A connection that is still connecting can serve the next request; one mid-exchange cannot.
        if (conn->isOpen() || conn->bytesSeen)
            dropConnection(conn);
    }
    if (notify) {
        QPointer<HttpClient> self(this);
        reply->finish(makeError(code, why, reply->describe()));
        if (self)
            dispatch();
    } else {
        reply->m_finished = true;
    }
}

void HttpClient::closeIdleConnections()
{
    const QList<HttpConnection*> conns = m_connections;
    for (HttpConnection* conn : conns) {
        if (!conn->reply)
            dropConnection(conn);
    }
}

} // namespace lbdeck
