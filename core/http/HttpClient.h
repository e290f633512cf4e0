// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "HttpEndpoint.h"
#include "HttpMessage.h"
#include "HttpReply.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>

#include <functional>

namespace lbdeck {

class HttpConnection;

// HTTP/1.1 client for one endpoint: TCP, TLS or a unix socket (also one an SSH tunnel ends on).
// Keeps a pool of keep-alive connections, streams chunked bodies, enforces per-request timeouts,
// can cancel, and never follows redirects. All I/O is asynchronous on the owning thread.
class HttpClient : public QObject
{
    Q_OBJECT
public:
    explicit HttpClient(const HttpEndpoint& endpoint, QObject* parent = nullptr);
    ~HttpClient() override;

    const HttpEndpoint& endpoint() const { return m_endpoint; }
    // TLS only: the client key's passphrase, from the keychain. Kept in memory, never logged.
    void setKeyPassphrase(const QByteArray& passphrase);
    // Plain (non-streaming) connections kept at most; streaming requests get their own.
    void setMaxConnections(int n) { m_maxConnections = qMax(1, n); }

    // Starts a request. The caller owns the reply (delete it, or deleteLater in finished()).
    HttpReply* send(HttpRequest request);
    // Starts a request and calls back once with its result, on context's thread, unless context
    // is gone by then. Returns the reply so the caller may abort it; it deletes itself.
    using Callback = std::function<void(const Result<HttpResponse>&)>;
    HttpReply* send(HttpRequest request, QObject* context, Callback callback);

    // Closes idle keep-alive connections (tests, and after a network change).
    void closeIdleConnections();
    int connectionCount() const { return int(m_connections.size()); }

private:
    friend class HttpReply;
    void dispatch();
    void startTimer(HttpReply* reply);
    void startOn(HttpConnection* conn, HttpReply* reply);
    void onReadyRead(HttpConnection* conn);
    void onClosed(HttpConnection* conn, const QString& error, bool tlsError);
    void completeExchange(HttpConnection* conn, bool forceClose = false);
    void dropConnection(HttpConnection* conn);
    void cancel(HttpReply* reply, ErrorCode code, const QString& why, bool notify = true);
    void deliver(HttpConnection* conn, const QByteArray& data);
    HttpConnection* connectionOf(const HttpReply* reply) const;
    Result<QByteArray> serialize(const HttpRequest& request) const;
    void buildSslConfiguration();

    HttpEndpoint m_endpoint;
    QSslConfiguration m_ssl;
    QString m_sslSetupError;
    QByteArray m_keyPassphrase;
    int m_maxConnections = 6;
    QList<QPointer<HttpReply>> m_queue;
    QList<HttpConnection*> m_connections; // Owned (children).
};

} // namespace lbdeck
