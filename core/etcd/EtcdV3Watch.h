// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EtcdKv.h"

#include <QPointer>
#include <QTimer>

namespace lbdeck {

class EtcdV3Client;
class HttpReply;

// One /v3/watch stream over the JSON gateway, re-created after a drop from nextRevision().
class EtcdV3Watch : public EtcdWatch
{
    Q_OBJECT
public:
    EtcdV3Watch(EtcdV3Client* client, QByteArray key, QByteArray rangeEnd, qint64 fromRevision,
                QObject* parent = nullptr);
    ~EtcdV3Watch() override;

    void start();
    void stop();
    int reconnects() const { return m_reconnects; }

private:
    void open();
    void onData(const QByteArray& data);
    void onFinished();
    void handleLine(const QByteArray& line);
    void scheduleReconnect(const QString& why);
    void dropStream();

    QPointer<EtcdV3Client> m_client;
    QByteArray m_key;
    QByteArray m_rangeEnd;
    HttpReply* m_reply = nullptr; // Owned.
    int m_endpointIndex = 0;
    QByteArray m_buffer;
    QTimer m_retry;
    int m_backoffMs = 0;
    int m_reconnects = 0;
    bool m_stopped = true;
    bool m_everConnected = false;
};

} // namespace lbdeck
