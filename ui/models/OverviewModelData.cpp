// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// What each row of the Overview says: the roles of a load balancer, a node and a backend.
#include "OverviewModel.h"

#include "core/cluster/BalancerFleet.h"
#include "core/cluster/EngineLink.h"
#include "core/cluster/NodeConnection.h"
#include "core/etcd/EtcdLiveness.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString stateName(OverviewModel::State s)
{
    switch (s) {
    case OverviewModel::State::Stale:
        return OverviewModel::tr("etcd stale");
    case OverviewModel::State::Drift:
        return OverviewModel::tr("drift");
    case OverviewModel::State::Down:
        return OverviewModel::tr("down");
    case OverviewModel::State::Cordoned:
        return OverviewModel::tr("cordoned");
    case OverviewModel::State::NotLive:
        return OverviewModel::tr("not served");
    case OverviewModel::State::Ok:
        return OverviewModel::tr("serving");
    case OverviewModel::State::Unknown:
    case OverviewModel::State::Count:
        break;
    }
    return OverviewModel::tr("unknown");
}

QVariantList toVariant(const QList<int>& counts)
{
    QVariantList out;
    out.reserve(counts.size());
    for (int c : counts)
        out << c;
    return out;
}

} // namespace

QString OverviewModel::stateText(State state)
{
    return stateName(state);
}

QVariant OverviewModel::groupData(const Group& g, int role) const
{
    const EngineLink* engine = g.kind == Kind::LoadBalancer ? g.link.data() : m_engine.data();
    const bool engineUp = engine && engine->isReachable();
    // Several load balancers: the fleet's verdict on this one (lagging, disagreeing, unreachable).
    const BalancerState* verdict = m_fleet && g.balancer >= 0 && g.balancer < m_fleet->size()
                                       ? &m_fleet->states().at(g.balancer)
                                       : nullptr;
    const bool nodeUp = g.node && g.node->state() == NodeConnection::State::Ready;
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
    case NodeRole:
        return g.name;
    case KindRole:
        return QVariant::fromValue(g.kind);
    case RequestsPerSecondRole: {
        if (g.kind != Kind::LoadBalancer)
            return g.rps();
        if (g.balancer > 0) // the traffic counted is the first load balancer's
            return -1.0;
        double all = -1; // what nginx sends on, to every group
        for (const Group& other : m_groups) {
            if (other.rps() >= 0)
                all = qMax(0.0, all) + other.rps();
        }
        return all;
    }
    case StateCountsRole:
        return toVariant(g.counts);
    case CordonedRole:
        return g.node && g.node->profile().cordoned;
    case StaleRole:
        return m_liveness && m_liveness->isStale();
    case LiveRole:
    case RunningRole:
        return g.kind == Kind::LoadBalancer ? engineUp : g.kind == Kind::Node ? nodeUp : true;
    case StateRole: {
        if (g.kind == Kind::LoadBalancer) {
            if (verdict && verdict->health == BalancerState::Health::Lagging)
                return QVariant::fromValue(State::Stale);
            if (verdict && verdict->health == BalancerState::Health::Disagreeing)
                return QVariant::fromValue(State::Drift);
            return QVariant::fromValue(!engine ? State::Unknown : engineUp ? State::Ok : State::Down);
        }
        for (int s = 0; s < int(State::Count); ++s) {
            if (g.counts.at(s) > 0 || (s == int(State::Cordoned) && g.node && g.node->profile().cordoned))
                return QVariant::fromValue(State(s));
        }
        return QVariant::fromValue(State::Unknown);
    }
    case DetailRole:
    case Qt::ToolTipRole:
        if (g.kind == Kind::LoadBalancer) {
            if (!engine)
                return tr("nginx; no engine configured");
            QString text = engineUp ? tr("nginx and %1: config %2, %3 reloads")
                                          .arg(engine->describe(), engine->configHash())
                                          .arg(engine->reloads())
                                    : tr("%1 unreachable: %2").arg(engine->describe(), engine->lastError());
            if (verdict && !verdict->detail.isEmpty())
                text += u"\n"_s + BalancerFleet::healthName(verdict->health) + u": "_s + verdict->detail;
            return text;
        }
        if (g.kind == Kind::Elsewhere)
            return tr("Backends whose address is on no node of this profile: nginx may serve them, "
                      "lbdeck does not run them");
        if (g.node && g.node->profile().cordoned)
            return tr("%1 — %2\n%3\ncordoned: takes no new backend; the ones it runs stay")
                .arg(g.name, g.node->profile().dockerEndpoint, g.node->detail());
        if (g.node)
            return u"%1 — %2\n%3"_s.arg(g.name, g.node->profile().dockerEndpoint, g.node->detail());
        return g.name;
    default:
        break;
    }
    return {};
}

QVariant OverviewModel::backendData(const Backend& b, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: {
        QByteArray name = b.key;
        if (!m_prefix.isEmpty() && name.startsWith(m_prefix))
            name = name.mid(m_prefix.size());
        return QString::fromUtf8(name);
    }
    case KindRole:
        return QVariant::fromValue(Kind::Backend);
    case KeyRole:
        return b.key;
    case AddressRole:
        return b.address;
    case NodeRole:
        return b.node;
    case HealthRole:
        return QVariant::fromValue(b.health);
    case DriftRole:
        return b.drift;
    case StaleRole:
        return b.stale;
    case CordonedRole: // on a cordoned node: it runs, but the node takes no new backend
        return std::any_of(m_groups.cbegin(), m_groups.cend(), [&](const Group& g) {
            return g.name == b.node && g.node && g.node->profile().cordoned;
        });
    case RequestsPerSecondRole:
        return b.rps;
    case StateRole:
        return QVariant::fromValue(b.state);
    case LiveRole:
        return b.live;
    case RegisteredRole:
        return b.registered;
    case RunningRole:
        return b.running;
    case DetailRole:
    case Qt::ToolTipRole: {
        QStringList lines{QString::fromUtf8(b.key) + u" — "_s + stateName(b.state)};
        if (!b.address.isEmpty())
            lines << tr("address %1").arg(b.address);
        if (!b.problem.isEmpty())
            lines << tr("rejected: %1").arg(b.problem);
        lines << (b.container.isEmpty()
                      ? tr("no container")
                      : tr("container %1 on %2: %3")
                            .arg(b.container, b.node, b.running ? tr("running") : tr("not running")));
        lines << (b.registered ? tr("registered in etcd") : tr("not registered in etcd"));
        lines << (b.live ? tr("nginx serves it") : tr("nginx does not serve it"));
        if (b.health != Health::Unknown)
            lines << (b.health == Health::Up ? tr("health probe answers") : tr("health probe fails"));
        if (b.rps >= 0)
            lines << tr("%1 requests/s").arg(b.rps, 0, 'f', 1);
        return lines.join(u'\n');
    }
    default:
        break;
    }
    return {};
}

QHash<int, QByteArray> OverviewModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(QHash<int, QByteArray>{{NameRole, "name"},
                                        {KindRole, "kind"},
                                        {KeyRole, "key"},
                                        {AddressRole, "address"},
                                        {NodeRole, "node"},
                                        {HealthRole, "health"},
                                        {DriftRole, "drift"},
                                        {StaleRole, "stale"},
                                        {CordonedRole, "cordoned"},
                                        {RequestsPerSecondRole, "requestsPerSecond"},
                                        {StateRole, "state"},
                                        {LiveRole, "live"},
                                        {RegisteredRole, "registered"},
                                        {RunningRole, "running"},
                                        {StateCountsRole, "stateCounts"},
                                        {DetailRole, "detail"}});
    return names;
}

} // namespace lbdeck
