// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ClusterSession.h"

#include "BackendService.h"
#include "ClusterEvents.h"
#include "DriftDetector.h"
#include "EmbeddedEngineLink.h"
#include "EtcdMembership.h"
#include "NodeConnection.h"
#include "NodeInventory.h"
#include "RemoteEngineLink.h"
#include "UpstreamProber.h"
#include "core/engine/Engine.h"
#include "core/etcd/EtcdConnect.h"
#include "core/etcd/EtcdLiveness.h"
#include "core/ssh/AskpassServer.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

ClusterSession::ClusterSession(const ClusterProfile& profile, QObject* parent)
    : QObject(parent)
    , m_profile(profile)
    , m_prober(new UpstreamProber(this))
    , m_inventory(new NodeInventory(this))
    , m_events(new ClusterEvents(this))
{
    m_events->watchNodes(m_inventory);
}

NodeConnection* ClusterSession::node(const QString& name) const
{
    for (NodeConnection* n : m_nodes) {
        if (n->profile().name == name)
            return n;
    }
    return nullptr;
}

void ClusterSession::connectNodes()
{
    if (std::any_of(m_profile.nodes.cbegin(), m_profile.nodes.cend(),
                    [](const NodeProfile& n) { return n.dockerEndpoint.startsWith(u"ssh://"_s); })) {
        m_askpass = new AskpassServer(this);
        if (Result<void> listening = m_askpass->listen(); !listening)
            Q_EMIT logMessage(u"SSH password prompts will not work: %1"_s.arg(listening.error().toString()),
                              true);
    }
    SshTunnelOptions ssh = m_sshOptions;
    if (!m_profile.sshConfigFile.isEmpty())
        ssh.extraArgs << u"-F"_s << m_profile.sshConfigFile;
    for (const NodeProfile& profile : std::as_const(m_profile.nodes)) {
        auto* node = new NodeConnection(profile, ssh, this);
        if (m_askpass)
            node->setAskpassServer(m_askpass);
        connect(node, &NodeConnection::stateChanged, this,
                [this, node](NodeConnection::State state, const QString& detail) {
                    if (state == NodeConnection::State::Ready)
                        Q_EMIT logMessage(u"Node %1: %2"_s.arg(node->profile().name, detail), false);
                    else if (state == NodeConnection::State::Failed)
                        Q_EMIT logMessage(u"Node %1: %2"_s.arg(node->profile().name, detail), true);
                });
        connect(node, &NodeConnection::hostKeyUnknown, this,
                [this, node](const QString& host, const QString& type, const QString& fingerprint) {
                    Q_EMIT hostKeyUnknown(node, host, type, fingerprint);
                });
        m_nodes.append(node);
    }
    m_inventory->setNodes(m_nodes);
    m_service = new BackendService(m_kv, m_profile.prefix, m_profile.backends, OperationJournal(), this);
    connect(m_service, &BackendService::wroteKey, m_events, &ClusterEvents::noteOwnWrite);
    m_service->setNodes(m_nodes);
    m_drift = new DriftDetector(m_kv, m_profile.prefix, OperationJournal(), this);
    // Repairs are the app's own writes too: one signal for the event log to tell them apart.
    connect(m_drift, &DriftDetector::wroteKey, m_service, &BackendService::wroteKey);
    for (NodeConnection* node : std::as_const(m_nodes))
        node->start();
}

ClusterSession::~ClusterSession()
{
    for (NodeConnection* n : std::as_const(m_nodes))
        n->stop(); // no ssh process outlives the window
    // The engine before the client it borrows.
    delete std::exchange(m_engineLink, nullptr);
    delete std::exchange(m_embeddedEngine, nullptr);
}

void ClusterSession::open(const QString& etcdPassword)
{
    Q_EMIT logMessage(u"Connecting to etcd at %1"_s.arg(m_profile.etcd.endpoints.join(u", "_s)), false);
    connectEtcd(
        m_profile.etcd, etcdPassword, this,
        [this](const Result<EtcdKv*>& kv) {
            if (!kv) {
                Q_EMIT logMessage(kv.error().toString(), true);
                Q_EMIT failed(kv.error());
                return;
            }
            m_kv = *kv;
            m_mirror = new PrefixMirror(m_kv, m_profile.prefix, this);
            connect(m_mirror, &PrefixMirror::resynced, this, [this](const QString& reason, qint64 revision) {
                Q_EMIT logMessage(
                    u"Read %1 keys under %2 at revision %3 (%4)"_s.arg(m_mirror->entries().size())
                        .arg(QString::fromUtf8(m_profile.prefix))
                        .arg(revision)
                        .arg(reason),
                    false);
            });
            connect(m_mirror, &PrefixMirror::stateChanged, this,
                    [this](PrefixMirror::State state, const QString& detail) {
                        if (state == PrefixMirror::State::Reconnecting && !detail.isEmpty())
                            Q_EMIT logMessage(u"etcd connection lost: %1 — retrying"_s.arg(detail), true);
                        else if (state == PrefixMirror::State::Live)
                            Q_EMIT logMessage(u"Watching %1 on %2"_s.arg(QString::fromUtf8(m_profile.prefix),
                                                                         m_kv->describe()),
                                              false);
                    });
            m_events->watchBackends(m_mirror);
            m_mirror->start();
            // A watch open to a frozen member says nothing: the liveness probe does.
            m_liveness = new EtcdLiveness(m_kv, {}, this);
            connect(m_liveness, &EtcdLiveness::staleChanged, this, [this](bool stale) {
                Q_EMIT logMessage(stale ? m_liveness->describe() : u"etcd answers again"_s, stale);
            });
            m_liveness->start();
            m_membership = new EtcdMembership(m_kv, this);
            m_membership->start();
            connectEngine();
            if (m_engineLink)
                m_events->watchEngine(m_engineLink);
            connectNodes();
            Q_EMIT opened();
        },
        this);
}

void ClusterSession::connectEngine()
{
    const BalancerProfile& lb = m_profile.balancer;
    if (lb.engine == BalancerProfile::Engine::Embedded) {
        Result<EngineConfig> config = EngineConfig::load(lb.engineConfigFile);
        if (!config) {
            Q_EMIT logMessage(u"Engine: %1"_s.arg(config.error().toString()), true);
            return;
        }
        m_embeddedEngine = new Engine(*config, this);
        m_embeddedEngine->setEtcd(m_kv);
        connect(m_embeddedEngine, &Engine::errorOccurred, this,
                [this](const QString& e) { Q_EMIT logMessage(u"Engine: "_s + e, true); });
        if (Result<void> started = m_embeddedEngine->start(); !started) {
            Q_EMIT logMessage(u"Engine: %1"_s.arg(started.error().toString()), true);
            return;
        }
        m_engineLink = new EmbeddedEngineLink(m_embeddedEngine, this);
        Q_EMIT logMessage(u"Engine running inside lbdeck, writing %1"_s.arg(config->nginx.dest), false);
        return;
    }
    if (lb.engineStatusUrl.isEmpty())
        return;
    Result<HttpEndpoint> endpoint = HttpEndpoint::parse(lb.engineStatusUrl);
    if (!endpoint) {
        Q_EMIT logMessage(u"Engine: %1"_s.arg(endpoint.error().toString()), true);
        return;
    }
    m_engineLink = new RemoteEngineLink(*endpoint, std::chrono::milliseconds(1000), this);
    connect(m_engineLink, &EngineLink::reachabilityChanged, this, [this](bool up, const QString& error) {
        Q_EMIT logMessage(up ? u"Engine reachable: %1"_s.arg(m_engineLink->describe())
                             : u"Engine unreachable: %1"_s.arg(error),
                          !up);
    });
}

} // namespace lbdeck
