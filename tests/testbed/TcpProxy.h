// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QObject>
#include <QTcpServer>

namespace lbdeck::testbed {

// A loopback TCP forwarder in front of a real service, for network partitions in tests: cut()
// drops every connection and refuses new ones until restore().
class TcpProxy : public QObject
{
    Q_OBJECT
public:
    TcpProxy(const QString& targetHost, quint16 targetPort, QObject* parent = nullptr);
    quint16 port() const { return m_server.serverPort(); }
    QString url() const;
    void cut();
    void restore();
    bool isCut() const { return m_cut; }

private:
    QTcpServer m_server;
    QString m_host;
    quint16 m_targetPort;
    bool m_cut = false;
};

} // namespace lbdeck::testbed
