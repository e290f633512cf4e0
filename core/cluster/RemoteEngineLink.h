// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EngineLink.h"
#include "core/http/HttpEndpoint.h"

#include <QTimer>

namespace lbdeck {

class HttpClient;
class SshTunnel;

// An lbdeck-engine reached over HTTP: polls GET /status, and GET /config when the hash moves.
class RemoteEngineLink : public EngineLink
{
    Q_OBJECT
public:
    RemoteEngineLink(const HttpEndpoint& endpoint, std::chrono::milliseconds interval,
                     QObject* parent = nullptr);
    // The status URL seen from the load balancer, reached through its sshd: the link owns the tunnel
    // (started: its local socket is named) and says what the tunnel is doing while it is not up.
    RemoteEngineLink(SshTunnel* tunnel, const HttpEndpoint& remote, std::chrono::milliseconds interval,
                     QObject* parent = nullptr);
    // The owner's answer to hostKeyUnknown() (through SSH only). A refused key is not tried again.
    void approveHostKey(bool approve);
    // How long a failed tunnel waits before it is started again (10 s; tests make it short).
    void setTunnelRetryDelay(std::chrono::milliseconds delay) { m_tunnelRetryDelay = delay; }
    QString describe() const override;
    void refresh() override;
    void recordCapture(int seconds, QObject* context, CaptureDone done) override;

Q_SIGNALS:
    // The load balancer's SSH host key is not known yet: the owner shows the fingerprint and
    // answers with approveHostKey(); until then the tunnel waits.
    void hostKeyUnknown(const QString& host, const QString& keyType, const QString& fingerprint);

protected:
    void trafficWantedChanged() override;

private:
    void refreshTraffic();

    bool tunnelReady();

    HttpClient* m_http;            // Owned (child).
    SshTunnel* m_tunnel = nullptr; // Owned (child), when reached through SSH.
    HttpEndpoint m_remote;         // the status URL as the load balancer sees it
    QDateTime m_tunnelRetry;       // when a failed tunnel is started again
    std::chrono::milliseconds m_tunnelRetryDelay{10'000};
    QTimer m_timer;
    bool m_hostKeyRefused = false;
    bool m_busy = false;
    QString m_configHash;
    QString m_renders;
    bool m_trafficBusy = false;
    quint64 m_lineSequence = 0; // the newest tcpdump line fetched
};

} // namespace lbdeck
