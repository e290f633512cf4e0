// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "OverviewModel.h"

#include "core/cluster/BackendAddress.h"
#include "core/cluster/BalancerFleet.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/EngineLink.h"
#include "core/cluster/NodeConnection.h"
#include "core/cluster/NodeInventory.h"
#include "core/cluster/UpstreamProber.h"
#include "core/etcd/EtcdLiveness.h"
#include "core/etcd/PrefixMirror.h"

#include <QElapsedTimer>
#include <QUrl>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck {

OverviewModel::OverviewModel(QObject* parent)
    : QAbstractItemModel(parent)
{
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(100);
    connect(&m_coalesce, &QTimer::timeout, this, &OverviewModel::apply);
}

void OverviewModel::setSession(ClusterSession* session)
{
    Sources s;
    if (session) {
        s.backends = session->backends();
        s.inventory = session->inventory();
        s.engine = session->engine();
        s.prober = session->prober();
        s.liveness = session->liveness();
        s.nodes = session->nodes();
        for (const ClusterSession::Balancer& b : session->balancers())
            s.balancers.append({b.name, b.link});
        s.fleet = session->fleet();
        // The primary load balancer: its profile name (the seed's core-a), else where nginx listens.
        const QString host = QUrl(session->profile().balancer().nginxUrl).host();
        s.balancerName = !session->profile().balancer().name.isEmpty() ? session->profile().balancer().name
                         : host.isEmpty()                              ? tr("load balancer")
                                                                       : tr("load balancer %1").arg(host);
    }
    setSources(s);
}

void OverviewModel::setSources(const Sources& s)
{
    for (QObject* o :
         std::initializer_list<QObject*>{m_mirror, m_inventory, m_engine, m_prober, m_liveness, m_fleet}) {
        if (o)
            o->disconnect(this);
    }
    for (const Group& g : std::as_const(m_groups)) {
        if (g.link)
            g.link->disconnect(this);
    }
    const bool wantTraffic = m_trafficHeld;
    setTrafficWanted(false); // the old engine's hold
    m_mirror = s.backends;
    m_inventory = s.inventory;
    m_engine = s.engine;
    m_prober = s.prober;
    m_liveness = s.liveness;
    m_fleet = s.fleet;
    m_prefix = s.backends ? s.backends->prefix() : QByteArray();

    // A new cluster: the one reset this model makes.
    beginResetModel();
    m_groups.clear();
    m_groupOf.clear();
    m_keyOfAddress.clear();
    m_dirty.clear();
    m_live.clear();
    m_accepted.clear();
    m_rates.clear();
    m_engineReachable = false;
    if (s.balancers.isEmpty()) {
        Group lb;
        lb.kind = Kind::LoadBalancer;
        lb.name = s.balancerName.isEmpty() ? tr("load balancer") : s.balancerName;
        lb.link = s.engine;
        m_groups.append(lb);
    }
    for (qsizetype i = 0; i < s.balancers.size(); ++i) {
        Group lb;
        lb.kind = Kind::LoadBalancer;
        lb.name = s.balancers[i].name;
        lb.link = s.balancers[i].link;
        lb.balancer = int(i);
        m_groups.append(lb);
    }
    m_balancers = int(m_groups.size());
    for (NodeConnection* n : s.nodes) {
        Group g;
        g.kind = Kind::Node;
        g.name = n->profile().name;
        g.node = n;
        m_groups.append(g);
    }
    Group elsewhere;
    elsewhere.kind = Kind::Elsewhere;
    elsewhere.name = tr("elsewhere");
    m_groups.append(elsewhere);
    endResetModel();

    if (m_mirror) {
        connect(m_mirror, &PrefixMirror::changed, this, [this](const QList<KvChange>& changes, qint64) {
            for (const KvChange& c : changes)
                markDirty(c.key);
            updateSummary(); // the revision, at once
        });
        connect(m_mirror, &PrefixMirror::resynced, this, &OverviewModel::markAllDirty);
    }
    if (m_inventory) {
        connect(m_inventory, &NodeInventory::backendsChanged, this, [this](const QList<QByteArray>& keys) {
            for (const QByteArray& k : keys)
                markDirty(k);
        });
        connect(m_inventory, &NodeInventory::nodeChanged, this, [this](const QString& name) {
            const QModelIndex node = indexOfNode(name);
            if (!node.isValid())
                return;
            Q_EMIT dataChanged(node, node);
            // A key without its container is drift only where the node answers.
            markAllDirty();
        });
    }
    for (NodeConnection* n : s.nodes) {
        const auto nodeChanged = [this, name = n->profile().name] {
            const QModelIndex node = indexOfNode(name);
            if (node.isValid())
                Q_EMIT dataChanged(node, node);
            markAllDirty();
        };
        connect(n, &NodeConnection::stateChanged, this, nodeChanged);
        connect(n, &NodeConnection::cordonedChanged, this, nodeChanged); // its backends' colour too
    }
    if (m_engine) {
        connect(m_engine, &EngineLink::updated, this, [this] {
            updateEngineSets();
            updateSummary();
        });
        connect(m_engine, &EngineLink::reachabilityChanged, this, [this] {
            updateEngineSets();
            Q_EMIT dataChanged(index(0, 0), index(m_balancers - 1, 0));
            updateSummary();
        });
        connect(m_engine, &EngineLink::trafficUpdated, this, [this] {
            const QList<QString> changed = m_rates.update(m_engine->traffic());
            for (const QString& a : changed)
                markAddressDirty(a);
        });
    }
    // Every other load balancer's box follows its own engine, and the fleet's verdict.
    for (int i = 0; i < m_balancers; ++i) {
        EngineLink* link = m_groups[i].link;
        if (!link || link == m_engine)
            continue;
        connect(link, &EngineLink::reachabilityChanged, this,
                [this, i] { Q_EMIT dataChanged(index(i, 0), index(i, 0)); });
    }
    if (m_fleet && m_balancers > 0)
        connect(m_fleet, &BalancerFleet::changed, this,
                [this] { Q_EMIT dataChanged(index(0, 0), index(m_balancers - 1, 0)); });
    if (m_prober)
        connect(m_prober, &UpstreamProber::probed, this, &OverviewModel::markAddressDirty);
    if (m_liveness)
        connect(m_liveness, &EtcdLiveness::staleChanged, this, &OverviewModel::markAllDirty);
    if (wantTraffic)
        setTrafficWanted(true);
    updateEngineSets();
    m_allDirty = true;
    apply();
}

void OverviewModel::setTrafficWanted(bool wanted)
{
    if (wanted == m_trafficHeld || !m_engine)
        return;
    m_trafficHeld = wanted;
    m_engine->holdTraffic(wanted);
}

void OverviewModel::flush()
{
    m_flushing = true;
    while (!m_queue.isEmpty() || m_allDirty || !m_dirty.isEmpty())
        apply();
    m_flushing = false;
}

void OverviewModel::markDirty(const QByteArray& key)
{
    if (!m_prefix.isEmpty() && !key.startsWith(m_prefix))
        return;
    m_dirty.insert(key);
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void OverviewModel::markAllDirty()
{
    m_allDirty = true;
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void OverviewModel::markAddressDirty(const QString& address)
{
    const auto it = m_keyOfAddress.constFind(address);
    if (it != m_keyOfAddress.cend())
        markDirty(*it);
}

// Only what changed in the engine's sets touches rows: a status every second is no work at all
// when nginx keeps serving the same servers.
void OverviewModel::updateEngineSets()
{
    const bool reachable = m_engine && m_engine->isReachable();
    QSet<QString> live;
    QSet<QString> accepted;
    if (m_engine) {
        live = QSet<QString>(m_engine->liveValues().cbegin(), m_engine->liveValues().cend());
        accepted = QSet<QString>(m_engine->acceptedValues().cbegin(), m_engine->acceptedValues().cend());
    }
    if (reachable != m_engineReachable) {
        m_engineReachable = reachable;
        markAllDirty();
    }
    // Every address that entered or left either set.
    auto markChanged = [this](const QSet<QString>& now, const QSet<QString>& before) {
        QSet<QString> added = now;
        added.subtract(before);
        QSet<QString> gone = before;
        gone.subtract(now);
        for (const QString& a : std::as_const(added))
            markAddressDirty(a);
        for (const QString& a : std::as_const(gone))
            markAddressDirty(a);
    };
    if (live != m_live) {
        markChanged(live, m_live);
        m_live = std::move(live);
    }
    if (accepted != m_accepted) {
        markChanged(accepted, m_accepted);
        m_accepted = std::move(accepted);
    }
}

int OverviewModel::groupFor(const Backend& b) const
{
    for (int i = m_balancers; i < elsewhereGroup(); ++i) {
        const Group& g = m_groups.at(i);
        if (!b.node.isEmpty() && g.name == b.node)
            return i;
    }
    return elsewhereGroup();
}

std::optional<OverviewModel::Backend> OverviewModel::compute(const QByteArray& key) const
{
    const KeyValue* kv = nullptr;
    if (m_mirror) {
        const auto it = m_mirror->entries().constFind(key);
        if (it != m_mirror->entries().cend())
            kv = &*it;
    }
    const bool known = m_inventory && m_inventory->backends().contains(key);
    if (!kv && !known)
        return std::nullopt;
    const BackendContainer container = known ? m_inventory->backends().value(key) : BackendContainer{};
    Backend b;
    b.key = key;
    if (kv) {
        const Result<BackendAddress> a = BackendAddress::parse(kv->value);
        b.address = a ? a->toString() : QString();
        b.problem = a ? QString() : a.error().message;
    } else {
        b.address = container.published;
    }
    b.registered = kv && b.problem.isEmpty();
    b.running = container.running;
    b.container = container.name;
    b.node = container.node;
    const NodeConnection* node = nullptr;
    if (b.node.isEmpty() && !b.address.isEmpty()) {
        // A key without a container is on the node that publishes on its host.
        const QString host = BackendAddress::hostOf(b.address.toUtf8());
        for (int i = m_balancers; i < elsewhereGroup(); ++i) {
            const Group& g = m_groups.at(i);
            if (g.node && g.node->profile().publishAddress == host) {
                b.node = g.name;
                node = g.node;
                break;
            }
        }
    }
    b.live = m_live.contains(b.address);
    if (m_prober && !b.address.isEmpty() && m_prober->has(b.address))
        b.health = m_prober->health(b.address).ok ? Health::Up : Health::Down;
    b.rps = m_rates.rate(b.address);
    b.stale = m_liveness && m_liveness->isStale();
    const bool nodeAnswers = node && node->state() == NodeConnection::State::Ready;
    b.drift = (kv && !b.problem.isEmpty()) || (known && b.running != b.registered) ||
              (known && b.registered && b.running && !container.published.isEmpty() &&
               container.published != b.address) ||
              (b.registered && !known && nodeAnswers);
    if (b.stale)
        b.state = State::Stale;
    else if (b.drift)
        b.state = State::Drift;
    else if (b.health == Health::Down)
        b.state = State::Down;
    else if (std::any_of(m_groups.cbegin(), m_groups.cend(), [&](const Group& g) {
                 return g.name == b.node && g.node && g.node->profile().cordoned;
             }))
        b.state = State::Cordoned;
    else if (b.registered && m_engineReachable && !b.live)
        b.state = State::NotLive;
    else if (b.live || (b.health == Health::Up && !m_engine))
        b.state = State::Ok;
    else
        b.state = State::Unknown;
    return b;
}

qsizetype OverviewModel::lowerBound(const Group& g, const QByteArray& key) const
{
    const auto it = std::lower_bound(g.children.cbegin(), g.children.cend(), key,
                                     [](const Backend& b, const QByteArray& k) { return b.key < k; });
    return it - g.children.cbegin();
}

// The keys to look at again, in key order: a slice's new rows land next to each other.
void OverviewModel::takeDirty()
{
    QSet<QByteArray> dirty;
    if (std::exchange(m_allDirty, false)) {
        m_dirty.clear();
        dirty.reserve(m_groupOf.size());
        for (auto it = m_groupOf.cbegin(); it != m_groupOf.cend(); ++it)
            dirty.insert(it.key());
        if (m_mirror) {
            for (auto it = m_mirror->entries().cbegin(); it != m_mirror->entries().cend(); ++it)
                dirty.insert(it.key());
        }
        if (m_inventory) {
            for (auto it = m_inventory->backends().cbegin(); it != m_inventory->backends().cend(); ++it) {
                if (m_prefix.isEmpty() || it.key().startsWith(m_prefix))
                    dirty.insert(it.key());
            }
        }
    } else {
        dirty.swap(m_dirty);
    }
    m_queue = QList<QByteArray>(dirty.cbegin(), dirty.cend());
    std::sort(m_queue.begin(), m_queue.end());
}

// Applies the queued keys for at most a few milliseconds, then yields to the event loop and goes
// on in the next pass: a first load of 10,000 backends never holds up a frame.
void OverviewModel::apply()
{
    m_coalesce.stop();
    if (m_queue.isEmpty())
        takeDirty();
    if (m_queue.isEmpty())
        return;
    QElapsedTimer budget;
    budget.start();
    const qsizetype groups = m_groups.size();
    QList<QList<qsizetype>> changed(groups);
    QList<QList<qsizetype>> removed(groups);
    QList<QList<Backend>> inserted(groups);
    qsizetype done = 0;
    for (; done < m_queue.size() && (m_flushing || budget.nsecsElapsed() < SliceNs); ++done) {
        const QByteArray& key = m_queue.at(done);
        std::optional<Backend> b = compute(key);
        const int from = m_groupOf.value(key, -1);
        const int to = b ? groupFor(*b) : -1;
        if (from >= 0 && from != to)
            removed[from] << lowerBound(m_groups[from], key);
        if (to >= 0 && from != to) {
            inserted[to] << std::move(*b);
        } else if (to >= 0) {
            const qsizetype row = lowerBound(m_groups[to], key);
            Backend& old = m_groups[to].children[row];
            if (!(old == *b)) {
                if (old.address != b->address && m_keyOfAddress.value(old.address) == key)
                    m_keyOfAddress.remove(old.address);
                if (!b->address.isEmpty())
                    m_keyOfAddress.insert(b->address, key);
                account(m_groups[to], old, -1);
                old = std::move(*b);
                account(m_groups[to], old, +1);
                changed[to] << row;
            }
        }
    }
    m_queue.remove(0, done);
    for (int g = 0; g < groups; ++g) {
        const bool touched = !changed[g].isEmpty() || !removed[g].isEmpty() || !inserted[g].isEmpty();
        changedRuns(g, changed[g]);
        removeRuns(g, removed[g]);
        insertRuns(g, inserted[g]);
        if (touched) {
            Q_EMIT dataChanged(index(g, 0), index(g, 0));
        }
    }
    updateSummary();
    if (!m_queue.isEmpty() && !m_sliceScheduled) {
        m_sliceScheduled = true;
        QTimer::singleShot(0, this, [this] {
            m_sliceScheduled = false;
            apply();
        });
    }
}

void OverviewModel::changedRuns(int group, QList<qsizetype>& rows)
{
    std::sort(rows.begin(), rows.end());
    const QModelIndex parent = index(group, 0);
    for (qsizetype i = 0; i < rows.size();) {
        qsizetype j = i + 1;
        while (j < rows.size() && rows[j] == rows[j - 1] + 1)
            ++j;
        Q_EMIT dataChanged(index(int(rows[i]), 0, parent), index(int(rows[j - 1]), 0, parent));
        i = j;
    }
}

void OverviewModel::removeRuns(int group, QList<qsizetype>& rows)
{
    std::sort(rows.begin(), rows.end(), std::greater<>());
    Group& g = m_groups[group];
    const QModelIndex parent = index(group, 0);
    for (qsizetype i = 0; i < rows.size();) {
        qsizetype j = i + 1;
        while (j < rows.size() && rows[j] == rows[j - 1] - 1)
            ++j;
        const qsizetype first = rows[j - 1];
        const qsizetype last = rows[i];
        beginRemoveRows(parent, int(first), int(last));
        for (qsizetype r = first; r <= last; ++r) {
            const Backend& b = g.children.at(r);
            account(g, b, -1);
            if (m_groupOf.value(b.key, -1) == group) // a backend that moves is in its new group already
                m_groupOf.remove(b.key);
            if (m_keyOfAddress.value(b.address) == b.key)
                m_keyOfAddress.remove(b.address);
        }
        g.children.remove(first, last - first + 1);
        endRemoveRows();
        i = j;
    }
}

// New backends in runs that land next to each other: a first load of 10,000 keys is one insert.
void OverviewModel::insertRuns(int group, QList<Backend>& sorted)
{
    std::sort(sorted.begin(), sorted.end(), [](const Backend& a, const Backend& b) { return a.key < b.key; });
    Group& g = m_groups[group];
    const QModelIndex parent = index(group, 0);
    for (qsizetype i = 0; i < sorted.size();) {
        const qsizetype at = lowerBound(g, sorted[i].key);
        qsizetype j = i + 1;
        while (j < sorted.size() && (at >= g.children.size() || sorted[j].key < g.children[at].key))
            ++j;
        beginInsertRows(parent, int(at), int(at + j - i - 1));
        if (at == g.children.size()) { // at the end: no copy of the rows before
            for (qsizetype k = i; k < j; ++k) {
                m_groupOf.insert(sorted[k].key, group);
                if (!sorted[k].address.isEmpty())
                    m_keyOfAddress.insert(sorted[k].address, sorted[k].key);
                account(g, sorted[k], +1);
                g.children.append(std::move(sorted[k]));
            }
            endInsertRows();
            i = j;
            continue;
        }
        QList<Backend> next;
        next.reserve(g.children.size() + j - i);
        next.append(g.children.mid(0, at));
        for (qsizetype k = i; k < j; ++k) {
            m_groupOf.insert(sorted[k].key, group);
            if (!sorted[k].address.isEmpty())
                m_keyOfAddress.insert(sorted[k].address, sorted[k].key);
            account(g, sorted[k], +1);
            next.append(std::move(sorted[k]));
        }
        next.append(g.children.mid(at));
        g.children = std::move(next);
        endInsertRows();
        i = j;
    }
}

void OverviewModel::account(Group& g, const Backend& b, int sign)
{
    g.counts[int(b.state)] += sign;
    g.live += b.live ? sign : 0;
    g.registered += b.registered ? sign : 0;
    g.running += b.running ? sign : 0;
    if (b.rps >= 0) {
        g.rated += sign;
        g.rpsSum += sign * b.rps;
    }
    if (g.rated == 0)
        g.rpsSum = 0; // no rounding left behind
}

void OverviewModel::updateSummary()
{
    OverviewSummary s;
    s.stale = m_liveness && m_liveness->isStale();
    s.revision = m_mirror ? m_mirror->revision() : 0;
    for (const Group& g : std::as_const(m_groups)) {
        s.live += g.live;
        s.registered += g.registered;
        s.running += g.running;
        s.problems +=
            g.counts[int(State::Drift)] + g.counts[int(State::Down)] + g.counts[int(State::NotLive)];
        if (g.node && g.node->state() == NodeConnection::State::Failed)
            ++s.problems;
    }
    if (m_engine) {
        const QJsonObject& status = m_engine->status();
        s.reloadsLastHour =
            overview::reloadsSince(status, QDateTime::currentDateTimeUtc().addSecs(-3600), &s.reloadsCapped);
        const qint64 engine = overview::engineRevision(status, m_prefix);
        s.watchLag = engine < 0 || !m_engine->isReachable() ? -1 : qMax<qint64>(0, s.revision - engine);
        if (!m_engine->isReachable())
            ++s.problems;
    }
    if (s.stale)
        ++s.problems;
    if (s == m_summary)
        return;
    m_summary = s;
    Q_EMIT summaryChanged();
}

QModelIndex OverviewModel::indexOfBackend(const QByteArray& key) const
{
    const int g = m_groupOf.value(key, -1);
    if (g < 0)
        return {};
    return index(int(lowerBound(m_groups.at(g), key)), 0, index(g, 0));
}

QModelIndex OverviewModel::indexOfNode(const QString& name) const
{
    for (int i = m_balancers; i < elsewhereGroup(); ++i) {
        if (m_groups.at(i).name == name)
            return index(i, 0);
    }
    return {};
}

QModelIndex OverviewModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, parent.isValid() ? quintptr(parent.row() + 1) : quintptr(0));
}

QModelIndex OverviewModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int OverviewModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_groups.size());
    if (parent.internalId() != 0 || parent.column() != 0)
        return 0;
    return int(m_groups.at(parent.row()).children.size());
}

int OverviewModel::columnCount(const QModelIndex&) const
{
    return 1;
}

bool OverviewModel::hasChildren(const QModelIndex& parent) const
{
    return rowCount(parent) > 0;
}

QVariant OverviewModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == 0)
        return groupData(m_groups.at(index.row()), role);
    return backendData(m_groups.at(int(index.internalId() - 1)).children.at(index.row()), role);
}

} // namespace lbdeck
