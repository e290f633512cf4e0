// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EtcdKv.h"

#include <QPointer>
#include <QTimer>

namespace lbdeck {

class EtcdV2Client;
class HttpReply;

// v2 long-poll watch: one ?wait=true&waitIndex=N request per event, N always one past the last
// event delivered, so a dropped connection loses nothing. etcd keeps the last 1000 events; older
// than that it answers "event index cleared" (401) and the watch reports historyLost().
class EtcdV2Watch : public EtcdWatch
{
    Q_OBJECT
public:
    EtcdV2Watch(EtcdV2Client* client, QByteArray prefix, QByteArray directory, qint64 fromIndex,
                QObject* parent = nullptr);
    ~EtcdV2Watch() override;

    void start();
    void stop();
    // How long one poll may wait for an event before it is re-issued.
    void setPollTimeout(std::chrono::milliseconds timeout) { m_pollTimeout = timeout; }

private:
    void sync();
    void poll();
    void onPollFinished();
    void scheduleReconnect(const QString& why);
    void dropRequest();

    QPointer<EtcdV2Client> m_client;
    QByteArray m_prefix;
    QByteArray m_directory;
    HttpReply* m_reply = nullptr; // Owned.
    int m_endpointIndex = 0;
    QTimer m_retry;
    int m_backoffMs = 0;
    bool m_stopped = true;
    std::chrono::milliseconds m_pollTimeout{60000};
};

} // namespace lbdeck
