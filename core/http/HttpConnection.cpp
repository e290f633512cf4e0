// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "HttpConnection.h"

#include "core/util/Logging.h"

#include <QLocalSocket>
#include <QScopeGuard>
#include <QSslSocket>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace lbdeck {

HttpConnection::HttpConnection(const HttpEndpoint& endpoint, const QSslConfiguration& ssl, QObject* parent)
    : QObject(parent)
    , m_endpoint(endpoint)
{
    switch (endpoint.transport) {
    case HttpEndpoint::Transport::Unix: {
        auto* socket = new QLocalSocket(this);
        connect(socket, &QLocalSocket::connected, this, [this] {
            m_open = true;
            m_wasOpened = true;
            Q_EMIT opened();
        });
        connect(socket, &QLocalSocket::disconnected, this, &HttpConnection::onDisconnected);
        connect(socket, &QLocalSocket::errorOccurred, this, [this, socket](QLocalSocket::LocalSocketError e) {
            if (e == QLocalSocket::PeerClosedError)
                onDisconnected();
            else
                onError(socket->errorString(), false);
        });
        m_device = socket;
        break;
    }
    case HttpEndpoint::Transport::Tls: {
        auto* socket = new QSslSocket(this);
        socket->setSslConfiguration(ssl);
        connect(socket, &QSslSocket::encrypted, this, [this] {
            m_open = true;
            m_wasOpened = true;
            Q_EMIT opened();
        });
        connect(socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError>& errors) {
            QStringList texts;
            for (const QSslError& e : errors)
                texts << e.errorString();
            onError(texts.join(u"; "_s), true);
        });
        connect(socket, &QAbstractSocket::disconnected, this, &HttpConnection::onDisconnected);
        connect(socket, &QAbstractSocket::errorOccurred, this,
                [this, socket](QAbstractSocket::SocketError e) {
                    if (e == QAbstractSocket::RemoteHostClosedError)
                        onDisconnected();
                    else
                        onError(socket->errorString(), e == QAbstractSocket::SslHandshakeFailedError ||
                                                           e == QAbstractSocket::SslInvalidUserDataError);
                });
        m_device = socket;
        break;
    }
    case HttpEndpoint::Transport::Tcp: {
        auto* socket = new QTcpSocket(this);
        connect(socket, &QAbstractSocket::connected, this, [this, socket] {
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_open = true;
            m_wasOpened = true;
            Q_EMIT opened();
        });
        connect(socket, &QAbstractSocket::disconnected, this, &HttpConnection::onDisconnected);
        connect(socket, &QAbstractSocket::errorOccurred, this,
                [this, socket](QAbstractSocket::SocketError e) {
                    if (e == QAbstractSocket::RemoteHostClosedError)
                        onDisconnected();
                    else
                        onError(socket->errorString(), false);
                });
        m_device = socket;
        break;
    }
    }
    connect(m_device, &QIODevice::readyRead, this, &HttpConnection::readyRead);
}

HttpConnection::~HttpConnection()
{
    // Tearing down the socket must not call back into a client that is being destroyed.
    if (m_device)
        m_device->disconnect(this);
}

void HttpConnection::open()
{
    m_opening = true;
    auto opening = qScopeGuard([this] { m_opening = false; });
    switch (m_endpoint.transport) {
    case HttpEndpoint::Transport::Unix:
        static_cast<QLocalSocket*>(m_device)->connectToServer(m_endpoint.socketPath);
        break;
    case HttpEndpoint::Transport::Tls: {
        const QString peerName = m_endpoint.tls.serverName;
        static_cast<QSslSocket*>(m_device)->connectToHostEncrypted(m_endpoint.host, m_endpoint.port,
                                                                   peerName);
        break;
    }
    case HttpEndpoint::Transport::Tcp:
        static_cast<QTcpSocket*>(m_device)->connectToHost(m_endpoint.host, m_endpoint.port);
        break;
    }
}

void HttpConnection::write(const QByteArray& bytes)
{
    m_device->write(bytes);
}

QByteArray HttpConnection::readAll()
{
    // A unix socket closes its device on disconnect; what it buffered is gone with it.
    return m_device->isOpen() ? m_device->readAll() : QByteArray();
}

void HttpConnection::abort()
{
    m_closedEmitted = true;
    m_open = false;
    m_device->disconnect(this);
    if (auto* local = qobject_cast<QLocalSocket*>(m_device))
        local->abort();
    else if (auto* tcp = qobject_cast<QAbstractSocket*>(m_device))
        tcp->abort();
}

void HttpConnection::onDisconnected()
{
    if (m_closedEmitted)
        return;
    m_closedEmitted = true;
    m_open = false;
    Q_EMIT closed(QString(), false);
}

void HttpConnection::onError(const QString& error, bool tls)
{
    if (m_closedEmitted)
        return;
    m_closedEmitted = true;
    m_open = false;
    qCDebug(lcHttp) << m_endpoint.toString() << "connection error:" << error;
    if (m_opening) {
        // QLocalSocket fails synchronously for a missing socket file, inside the client's send():
        // report it from the event loop, once the caller has connected to the reply.
        QMetaObject::invokeMethod(
            this, [this, error, tls] { Q_EMIT closed(error, tls); }, Qt::QueuedConnection);
        return;
    }
    Q_EMIT closed(error, tls);
}

} // namespace lbdeck
