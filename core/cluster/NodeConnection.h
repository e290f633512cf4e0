// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ClusterProfile.h"
#include "core/docker/DockerTypes.h"
#include "core/ssh/SshTunnelOptions.h"
#include "core/util/Result.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

namespace lbdeck {

class AskpassServer;
class DockerClient;
class SshTunnel;

// One node's Docker engine, reached the way its endpoint is written: unix:// directly, tcp:// over
// TLS, ssh:// through one long-lived OpenSSH tunnel to the remote socket (never a TCP port).
class NodeConnection : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        Connecting,
        Ready,
        Failed
    };
    Q_ENUM(State)

    NodeConnection(const NodeProfile& node, SshTunnelOptions sshOptions = {}, QObject* parent = nullptr);
    ~NodeConnection() override;

    void setAskpassServer(AskpassServer* server); // Not owned.
    void start();
    void stop();

    const NodeProfile& profile() const { return m_node; }
    // Cordoned: placement gives the node no new backend; the ones it runs stay. Takes effect in
    // this session at once (saving it into the stored profile is the caller's: NodeCordon).
    void setCordoned(bool cordoned);
    State state() const { return m_state; }
    // When the link entered its current state (a failed link says since when).
    const QDateTime& stateSince() const { return m_stateSince; }
    const QString& detail() const { return m_detail; }
    // Ready: the client to talk to this node's Docker engine. Owned.
    DockerClient* docker() const { return m_docker; }
    SshTunnel* tunnel() const { return m_tunnel; }
    const DockerVersion& dockerVersion() const { return m_version; }
    // Answers a hostKeyUnknown() question (ssh:// only).
    void approveHostKey(bool approve);
    // While started, Docker is pinged this often: two misses in a row make a Ready node Failed
    // (a stopped or frozen dockerd), and the first answer after that makes it Ready again, with
    // the same client; a node that failed to connect keeps being tried. Default 2 s.
    void setHealthInterval(std::chrono::milliseconds interval) { m_health.setInterval(interval); }

Q_SIGNALS:
    void stateChanged(lbdeck::NodeConnection::State state, const QString& detail);
    void hostKeyUnknown(const QString& host, const QString& keyType, const QString& fingerprint);
    void cordonedChanged(bool cordoned);

private:
    void useEndpoint(const HttpEndpoint& endpoint);
    void setState(State state, const QString& detail);
    void probe();
    void readVersion();

    NodeProfile m_node;
    SshTunnelOptions m_sshOptions;
    AskpassServer* m_askpass = nullptr; // Not owned.
    SshTunnel* m_tunnel = nullptr;      // Owned (child).
    DockerClient* m_docker = nullptr;   // Owned (child).
    DockerVersion m_version;
    State m_state = State::Idle;
    QDateTime m_stateSince = QDateTime::currentDateTimeUtc();
    QString m_detail;
    QTimer m_health;
    bool m_probing = false;
    int m_misses = 0;
    int m_skipped = 0; // probes left out while down (the retry backs off)
};

} // namespace lbdeck
