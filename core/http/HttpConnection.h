// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "HttpEndpoint.h"
#include "HttpResponseParser.h"

#include <QObject>
#include <QPointer>
#include <QSslConfiguration>

class QIODevice;

namespace lbdeck {

class HttpReply;

// One transport connection (TCP, TLS or unix socket) carrying one exchange at a time.
// HttpClient owns these and decides which request goes on which connection.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(const HttpEndpoint& endpoint, const QSslConfiguration& ssl, QObject* parent);
    ~HttpConnection() override;

    void open();
    bool isOpen() const { return m_open; }
    bool wasOpened() const { return m_wasOpened; }
    void write(const QByteArray& bytes);
    QByteArray readAll();
    // Drops the connection at once; emits nothing.
    void abort();

    // The exchange this connection carries now, if any. Not owned.
    QPointer<HttpReply> reply;
    HttpResponseParser parser;
    int exchanges = 0;      // completed exchanges: > 0 means this is a reused keep-alive connection
    bool bytesSeen = false; // any response byte for the current exchange

Q_SIGNALS:
    void opened();
    void readyRead();
    // The peer closed, or the connection failed; error is empty on an orderly close.
    void closed(const QString& error, bool tlsError);

private:
    void onDisconnected();
    void onError(const QString& error, bool tls);

    HttpEndpoint m_endpoint;
    QIODevice* m_device = nullptr; // Owned (child).
    bool m_open = false;
    bool m_wasOpened = false;
    bool m_closedEmitted = false;
    bool m_opening = false; // inside open(): a failure must not reach the client re-entrantly
};

} // namespace lbdeck
