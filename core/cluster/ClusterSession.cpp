// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ClusterSession.h"

#include "BackendService.h"
#include "BalancerFleet.h"
#include "ClusterEvents.h"
#include "DriftDetector.h"
#include "EmbeddedEngineLink.h"
#include "EtcdMembership.h"
#include "NodeConnection.h"
#include "NodeInventory.h"
#include "RemoteEngineLink.h"
#include "RemoteEngineLinks.h"
#include "UpstreamProber.h"
#include "core/engine/Engine.h"
#include "core/etcd/EtcdConnect.h"
#include "core/etcd/EtcdLiveness.h"
#include "core/ssh/AskpassServer.h"

#include <QMetaMethod>

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

// One prompt server for every ssh:// node and engine tunnel of the profile.
void ClusterSession::ensureAskpass()
{
    const bool nodes =
        std::any_of(m_profile.nodes.cbegin(), m_profile.nodes.cend(),
                    [](const NodeProfile& n) { return n.dockerEndpoint.startsWith(u"ssh://"_s); });
    const bool engines =
        std::any_of(m_profile.balancers.cbegin(), m_profile.balancers.cend(),
                    [](const BalancerProfile& b) { return !b.engineSsh.trimmed().isEmpty(); });
    if (m_askpass || !(nodes || engines))
        return;
    m_askpass = new AskpassServer(this);
    if (Result<void> listening = m_askpass->listen(); !listening)
        Q_EMIT logMessage(u"SSH password prompts will not work: %1"_s.arg(listening.error().toString()),
                          true);
}

SshTunnelOptions ClusterSession::profileSshOptions() const
{
    SshTunnelOptions ssh = m_sshOptions;
    if (!m_profile.sshConfigFile.isEmpty())
        ssh.extraArgs << u"-F"_s << m_profile.sshConfigFile;
    return ssh;
}

void ClusterSession::connectNodes()
{
    ensureAskpass();
    const SshTunnelOptions ssh = profileSshOptions();
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
    // The engines before the client they borrow.
    delete std::exchange(m_fleet, nullptr);
    for (const Balancer& b : std::as_const(m_balancers))
        delete b.link;
    m_balancers.clear();
    m_engineLink = nullptr;
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
            connectEngines();
            if (m_engineLink)
                m_events->watchEngine(m_engineLink);
            m_fleet->setMirror(m_mirror);
            connectNodes();
            Q_EMIT opened();
        },
        this);
}

void ClusterSession::connectEngines()
{
    m_fleet = new BalancerFleet(m_profile.prefix, this);
    connect(m_fleet, &BalancerFleet::healthChanged, this,
            [this](const QString& name, BalancerState::Health health, const QString& detail) {
                const bool bad = health != BalancerState::Health::InSync;
                Q_EMIT logMessage(
                    bad ? u"Load balancer %1 %2: %3"_s.arg(name, BalancerFleet::healthName(health), detail)
                        : u"Load balancer %1 is in sync again"_s.arg(name),
                    bad);
            });
    ensureAskpass();
    bool embedded = false;
    for (const BalancerProfile& lb : std::as_const(m_profile.balancers)) {
        EngineLink* link = nullptr;
        if (lb.engine == BalancerProfile::Engine::Embedded) {
            if (std::exchange(embedded, true)) {
                Q_EMIT logMessage(
                    u"Load balancer %1: only one engine can run inside lbdeck; point this one at "
                    u"its lbdeck-engine's status URL"_s.arg(lb.name),
                    true);
                continue;
            }
            link = connectEmbedded(lb);
        } else if (!lb.engineStatusUrl.isEmpty()) {
            Result<EngineLink*> remote = makeRemoteEngineLink(lb, profileSshOptions(), m_askpass,
                                                              std::chrono::milliseconds(1000), this);
            if (!remote) {
                Q_EMIT logMessage(u"Engine: %1"_s.arg(remote.error().toString()), true);
                continue;
            }
            link = *remote;
            if (auto* ssh = qobject_cast<RemoteEngineLink*>(link))
                connect(
                    ssh, &RemoteEngineLink::hostKeyUnknown, this,
                    [this, ssh, name = lb.name](const QString& host, const QString& type, const QString& fp) {
                        if (isSignalConnected(QMetaMethod::fromSignal(&ClusterSession::engineHostKeyUnknown)))
                            Q_EMIT engineHostKeyUnknown(ssh, name, host, type, fp);
                        else
                            ssh->approveHostKey(false); // nobody to ask: never accepted silently
                    });
            connect(link, &EngineLink::reachabilityChanged, this,
                    [this, link, name = lb.name](bool up, const QString& error) {
                        Q_EMIT logMessage(up ? u"Engine of %1 reachable: %2"_s.arg(name, link->describe())
                                             : u"Engine of %1 unreachable: %2"_s.arg(name, error),
                                          !up);
                    });
        }
        if (!link)
            continue;
        if (m_balancers.isEmpty())
            m_engineLink = link;
        const QString name = lb.name.isEmpty() ? u"load balancer"_s : lb.name;
        m_balancers.append(Balancer{name, link});
        m_fleet->addBalancer(name, link);
    }
}

EngineLink* ClusterSession::connectEmbedded(const BalancerProfile& lb)
{
    Result<EngineConfig> config = EngineConfig::load(lb.engineConfigFile);
    if (!config) {
        Q_EMIT logMessage(u"Engine: %1"_s.arg(config.error().toString()), true);
        return nullptr;
    }
    m_embeddedEngine = new Engine(*config, this);
    m_embeddedEngine->setEtcd(m_kv);
    connect(m_embeddedEngine, &Engine::errorOccurred, this,
            [this](const QString& e) { Q_EMIT logMessage(u"Engine: "_s + e, true); });
    if (Result<void> started = m_embeddedEngine->start(); !started) {
        Q_EMIT logMessage(u"Engine: %1"_s.arg(started.error().toString()), true);
        return nullptr;
    }
    Q_EMIT logMessage(u"Engine running inside lbdeck, writing %1"_s.arg(config->nginx.dest), false);
    return new EmbeddedEngineLink(m_embeddedEngine, this);
}

} // namespace lbdeck
