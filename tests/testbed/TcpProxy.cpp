// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TcpProxy.h"

#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace lbdeck::testbed {

TcpProxy::TcpProxy(const QString& targetHost, quint16 targetPort, QObject* parent)
    : QObject(parent)
    , m_host(targetHost)
    , m_targetPort(targetPort)
{
    m_server.listen(QHostAddress(u"127.0.0.1"_s), 0);
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* client = m_server.nextPendingConnection()) {
            if (m_cut) {
                client->abort();
                client->deleteLater();
                continue;
            }
            auto* upstream = new QTcpSocket(client);
            client->setParent(this);
            connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] {
                if (upstream->state() == QAbstractSocket::ConnectedState)
                    upstream->write(client->readAll());
            });
            connect(upstream, &QTcpSocket::connected, client,
                    [client, upstream] { upstream->write(client->readAll()); });
            connect(upstream, &QTcpSocket::readyRead, client,
                    [client, upstream] { client->write(upstream->readAll()); });
            connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
            connect(upstream, &QTcpSocket::errorOccurred, client,
                    [client](QAbstractSocket::SocketError) { client->abort(); });
            connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
            upstream->connectToHost(m_host, m_targetPort);
        }
    });
}

QString TcpProxy::url() const
{
    return u"http://127.0.0.1:%1"_s.arg(port());
}

void TcpProxy::cut()
{
    m_cut = true;
    const QList<QTcpSocket*> clients = findChildren<QTcpSocket*>(QString(), Qt::FindDirectChildrenOnly);
    for (QTcpSocket* c : clients)
        c->abort();
}

void TcpProxy::restore()
{
    m_cut = false;
}

} // namespace lbdeck::testbed
