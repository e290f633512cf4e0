// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ClusterProfile.h"
#include "core/etcd/EtcdKv.h"
#include "core/etcd/PrefixMirror.h"
#include "core/ssh/SshTunnelOptions.h"

#include <QObject>
#include <QPointer>

namespace lbdeck {

class AskpassServer;
class BackendService;
class BalancerFleet;
class ClusterEvents;
class DriftDetector;
class Engine;
class EngineLink;
class EtcdLiveness;
class EtcdMembership;
class NodeConnection;
class RemoteEngineLink;
class NodeInventory;
class UpstreamProber;

// One open cluster: the etcd client (v3 or v2, as the profile says or as detected), the live
// mirror of the backend prefix that every view reads, and the link to the reconciliation engine.
// The views never talk to etcd or the engine themselves.
class ClusterSession : public QObject
{
    Q_OBJECT
public:
    explicit ClusterSession(const ClusterProfile& profile, QObject* parent = nullptr);
    ~ClusterSession() override;

    // How ssh:// nodes are reached (identity, known_hosts files); before open().
    void setSshOptions(const SshTunnelOptions& options) { m_sshOptions = options; }
    const SshTunnelOptions& sshOptions() const { return m_sshOptions; }
    // Connects (detecting the API if the profile says auto), starts mirroring the prefix and
    // connects every node.
    void open(const QString& etcdPassword = {});
    const ClusterProfile& profile() const { return m_profile; }
    EtcdKv* etcd() const { return m_kv; }
    PrefixMirror* backends() const { return m_mirror; }
    // The primary load balancer's engine (the profile's first): the config the views show.
    EngineLink* engine() const { return m_engineLink; }
    // Every load balancer with an engine, in the profile's order (the primary first).
    struct Balancer
    {
        QString name;
        EngineLink* link = nullptr; // Owned by the session.
    };
    const QList<Balancer>& balancers() const { return m_balancers; }
    // Whether they all follow etcd and serve one set (after opened()).
    BalancerFleet* fleet() const { return m_fleet; }
    UpstreamProber* prober() const { return m_prober; }
    const QList<NodeConnection*>& nodes() const { return m_nodes; }
    NodeConnection* node(const QString& name) const;
    NodeInventory* inventory() const { return m_inventory; }
    BackendService* backendService() const { return m_service; }
    DriftDetector* drift() const { return m_drift; }
    EtcdMembership* membership() const { return m_membership; } // after opened()
    EtcdLiveness* liveness() const { return m_liveness; }       // after opened()
    AskpassServer* askpass() const { return m_askpass; }
    // Reloads, outside etcd changes and container events, for the event log.
    ClusterEvents* events() const { return m_events; }
    const QByteArray& prefix() const { return m_profile.prefix; }

Q_SIGNALS:
    void opened();
    void failed(const lbdeck::Error& error);
    // An ssh:// node's host key is unknown: answer with NodeConnection::approveHostKey().
    void hostKeyUnknown(lbdeck::NodeConnection* node, const QString& host, const QString& keyType,
                        const QString& fingerprint);
    // The SSH host key of a load balancer whose engine is reached through SSH is unknown: answer
    // with RemoteEngineLink::approveHostKey(). Refused at once when nothing is connected here.
    void engineHostKeyUnknown(lbdeck::RemoteEngineLink* link, const QString& balancer, const QString& host,
                              const QString& keyType, const QString& fingerprint);
    // Something an operator should see in the event log.
    void logMessage(const QString& text, bool isError);

private:
    void connectEngines();
    EngineLink* connectEmbedded(const BalancerProfile& lb);
    void ensureAskpass();
    SshTunnelOptions profileSshOptions() const;
    void connectNodes();

    ClusterProfile m_profile;
    EtcdKv* m_kv = nullptr;                 // Owned (child).
    PrefixMirror* m_mirror = nullptr;       // Owned (child).
    Engine* m_embeddedEngine = nullptr;     // Owned (child), when the profile runs the engine in the app.
    EngineLink* m_engineLink = nullptr;     // Owned (child): m_balancers' first.
    QList<Balancer> m_balancers;            // Links owned (children).
    BalancerFleet* m_fleet = nullptr;       // Owned (child).
    UpstreamProber* m_prober = nullptr;     // Owned (child).
    QList<NodeConnection*> m_nodes;         // Owned (children).
    NodeInventory* m_inventory = nullptr;   // Owned (child).
    ClusterEvents* m_events = nullptr;      // Owned (child).
    BackendService* m_service = nullptr;    // Owned (child).
    DriftDetector* m_drift = nullptr;       // Owned (child).
    AskpassServer* m_askpass = nullptr;     // Owned (child).
    EtcdMembership* m_membership = nullptr; // Owned (child).
    EtcdLiveness* m_liveness = nullptr;     // Owned (child).
    SshTunnelOptions m_sshOptions;
};

} // namespace lbdeck
