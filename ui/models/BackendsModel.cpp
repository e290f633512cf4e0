// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BackendsModel.h"

#include "core/cluster/BackendAddress.h"
#include "core/cluster/EngineLink.h"
#include "core/cluster/NodeInventory.h"
#include "core/cluster/UpstreamProber.h"
#include "core/etcd/EtcdLiveness.h"

#include <QApplication>
#include <QBrush>
#include <QElapsedTimer>
#include <QStyle>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString yesNo(bool yes)
{
    return yes ? QStringLiteral("✔") : QStringLiteral("✘");
}

} // namespace

BackendsModel::BackendsModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void BackendsModel::setMirror(PrefixMirror* mirror)
{
    if (m_mirror)
        m_mirror->disconnect(this);
    m_mirror = mirror;
    beginResetModel();
    m_rows.clear();
    m_pending.clear();
    m_prefix = mirror ? mirror->prefix() : QByteArray();
    if (mirror) {
        for (auto it = mirror->entries().cbegin(); it != mirror->entries().cend(); ++it) {
            Row row;
            row.key = it.key();
            fill(row, it->value, it->modRevision);
            m_rows.append(std::move(row));
        }
        connect(mirror, &PrefixMirror::changed, this, &BackendsModel::applyChanges);
    }
    endResetModel();
}

void BackendsModel::setLiveness(EtcdLiveness* liveness)
{
    m_liveness = liveness;
    if (!liveness)
        return;
    connect(liveness, &EtcdLiveness::staleChanged, this, [this] {
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1),
                               {Qt::ForegroundRole, Qt::ToolTipRole, StaleRole});
    });
}

void BackendsModel::setSources(NodeInventory* inventory, EngineLink* engine, UpstreamProber* prober)
{
    m_inventory = inventory;
    m_engine = engine;
    m_prober = prober;
    if (inventory) {
        connect(inventory, &NodeInventory::backendsChanged, this, &BackendsModel::onContainersChanged);
        onContainersChanged(inventory->backends().keys());
    }
    if (engine) {
        connect(engine, &EngineLink::updated, this, [this] {
            if (!m_rows.isEmpty())
                Q_EMIT dataChanged(index(0, Rendered), index(int(m_rows.size()) - 1, Live));
        });
    }
    if (prober) {
        connect(prober, &UpstreamProber::probed, this, [this](const QString& probed) {
            for (int i = 0; i < m_rows.size(); ++i) {
                if (address(m_rows[i]) == probed)
                    Q_EMIT dataChanged(index(i, Health), index(i, Health));
            }
        });
    }
}

void BackendsModel::fill(Row& row, const QByteArray& value, qint64 revision) const
{
    row.registered = true;
    row.value = value;
    row.revision = revision;
    const Result<BackendAddress> a = BackendAddress::parse(value);
    row.address = a ? a->toString() : QString();
    row.problem = a ? QString() : a.error().message;
}

bool BackendsModel::hasContainer(const QByteArray& key) const
{
    return m_inventory && m_inventory->backends().contains(key);
}

QString BackendsModel::address(const Row& row) const
{
    if (row.registered)
        return row.address;
    return m_inventory ? m_inventory->backends().value(row.key).published : QString();
}

BackendsModel::Facts BackendsModel::facts(const Row& row) const
{
    Facts f;
    f.registered = row.registered && row.problem.isEmpty();
    f.running = m_inventory && m_inventory->backends().value(row.key).running;
    if (m_engine && f.registered) {
        f.rendered = m_engine->isAccepted(row.address);
        f.live = m_engine->isLive(row.address);
    }
    return f;
}

qsizetype BackendsModel::lowerBound(const QByteArray& key) const
{
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), key,
                                     [](const Row& r, const QByteArray& k) { return r.key < k; });
    return it - m_rows.cbegin();
}

int BackendsModel::rowOf(const QByteArray& key) const
{
    const qsizetype i = lowerBound(key);
    return i < m_rows.size() && m_rows.at(i).key == key ? int(i) : -1;
}

void BackendsModel::insertRow(qsizetype at, Row row)
{
    beginInsertRows({}, int(at), int(at));
    m_rows.insert(at, std::move(row));
    endInsertRows();
}

void BackendsModel::onContainersChanged(const QList<QByteArray>& keys)
{
    for (const QByteArray& key : keys) {
        if (!m_prefix.isEmpty() && !key.startsWith(m_prefix))
            continue;
        const qsizetype i = lowerBound(key);
        const bool exists = i < m_rows.size() && m_rows.at(i).key == key;
        if (exists) {
            if (!m_rows.at(i).registered && !hasContainer(key)) {
                beginRemoveRows({}, int(i), int(i));
                m_rows.removeAt(i);
                endRemoveRows();
            } else {
                Q_EMIT dataChanged(index(int(i), 0), index(int(i), ColumnCount - 1));
            }
        } else if (hasContainer(key)) {
            Row row;
            row.key = key; // a container without its key: drift, shown as such
            insertRow(i, std::move(row));
        }
    }
}

void BackendsModel::applyChanges(const QList<KvChange>& changes, qint64 revision)
{
    // A first load of many keys is one reset; after that every change is its own row operation,
    // so selections and scroll positions survive.
    if (m_rows.isEmpty() && m_pending.isEmpty() && changes.size() > 64) {
        beginResetModel();
        for (const KvChange& c : changes) {
            if (!c.after)
                continue;
            Row row;
            row.key = c.key;
            fill(row, *c.after, revision);
            m_rows.insert(lowerBound(c.key), std::move(row));
        }
        endResetModel();
        return;
    }
    for (const KvChange& c : changes)
        m_pending.append({c, revision});
    applyPending();
}

// Applies queued changes for at most a few milliseconds, then yields to the event loop and goes
// on in the next pass: a watch batch of thousands of changes never holds up a frame.
void BackendsModel::applyPending()
{
    QElapsedTimer budget;
    budget.start();
    qsizetype done = 0;
    while (done < m_pending.size() && budget.nsecsElapsed() < SliceNs) {
        const KvChange& c = m_pending[done].change;
        const qint64 revision = m_pending[done].revision;
        const qsizetype i = lowerBound(c.key);
        const bool exists = i < m_rows.size() && m_rows.at(i).key == c.key;
        if (!c.after) {
            if (exists && hasContainer(c.key)) {
                m_rows[i] = Row{c.key, false, {}, {}, {}, revision};
                Q_EMIT dataChanged(index(int(i), 0), index(int(i), ColumnCount - 1));
            } else if (exists) {
                beginRemoveRows({}, int(i), int(i));
                m_rows.removeAt(i);
                endRemoveRows();
            }
            ++done;
            continue;
        }
        if (exists) {
            fill(m_rows[i], *c.after, revision);
            Q_EMIT dataChanged(index(int(i), 0), index(int(i), ColumnCount - 1));
            ++done;
            continue;
        }
        // New keys that land next to each other (a range of new backends) go in as one insert.
        QList<Row> run;
        qsizetype next = done;
        while (next < m_pending.size()) {
            const KvChange& n = m_pending[next].change;
            if (!n.after || lowerBound(n.key) != i || (!run.isEmpty() && !(run.last().key < n.key)))
                break;
            if (i < m_rows.size() && !(n.key < m_rows.at(i).key))
                break;
            Row row;
            row.key = n.key;
            fill(row, *n.after, m_pending[next].revision);
            run.append(std::move(row));
            ++next;
        }
        if (run.isEmpty()) {
            ++done;
            continue;
        }
        beginInsertRows({}, int(i), int(i + run.size() - 1));
        for (qsizetype k = 0; k < run.size(); ++k)
            m_rows.insert(i + k, std::move(run[k]));
        endInsertRows();
        done = next;
    }
    m_pending.remove(0, done);
    if (!m_pending.isEmpty() && !m_sliceScheduled) {
        m_sliceScheduled = true;
        QTimer::singleShot(0, this, [this] {
            m_sliceScheduled = false;
            applyPending();
        });
    }
}

int BackendsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BackendsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BackendsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const BackendContainer container =
        m_inventory ? m_inventory->backends().value(row.key) : BackendContainer{};
    const bool known = m_inventory && m_inventory->backends().contains(row.key);
    switch (role) {
    case Qt::DisplayRole: {
        const Facts f = facts(row);
        switch (Column(index.column())) {
        case Name: {
            QByteArray name = row.key;
            if (!m_prefix.isEmpty() && name.startsWith(m_prefix))
                name = name.mid(m_prefix.size());
            return QString::fromUtf8(name);
        }
        case Address:
            if (!row.registered)
                return container.published;
            return row.problem.isEmpty() ? row.address : QString::fromUtf8(row.value.left(120));
        case Node:
            return container.node;
        case Container:
            return known ? container.state : (m_inventory ? tr("none") : QString());
        case Registered:
            if (!row.registered)
                return tr("not in etcd");
            return row.problem.isEmpty() ? tr("registered") : tr("rejected");
        case Rendered:
            return m_engine ? yesNo(f.rendered) : QString();
        case Live:
            return m_engine ? yesNo(f.live) : QString();
        case Health: {
            const QString a = address(row);
            if (!m_prober || a.isEmpty() || !m_prober->has(a))
                return QString();
            const UpstreamProber::Health h = m_prober->health(a);
            return h.ok ? tr("up, %1 ms").arg(h.latencyMs, 0, 'f', 1) : tr("down: %1").arg(h.detail);
        }
        case Revision:
            return row.revision ? QVariant(row.revision) : QVariant();
        case ColumnCount:
            break;
        }
        break;
    }
    case Qt::ToolTipRole:
        if (m_liveness && m_liveness->isStale() && fromEtcd(index.column()))
            return tr("%1 — this is what etcd said last; it may have changed since.")
                .arg(m_liveness->describe());
        if (!row.problem.isEmpty())
            return u"%1\n%2 — this value is never written into nginx.conf."_s.arg(QString::fromUtf8(row.key),
                                                                                  row.problem);
        if (!row.registered)
            return tr("%1 runs on %2 but is not registered in etcd: nginx never sends it traffic. Resync "
                      "fixes it.")
                .arg(container.name, container.node);
        return QString::fromUtf8(row.key);
    case Qt::ForegroundRole: {
        if (m_liveness && m_liveness->isStale() && fromEtcd(index.column()))
            return QBrush(QColor(0x9e, 0x9e, 0x9e));
        const Facts f = facts(row);
        if (!row.problem.isEmpty() || (known && f.running != f.registered))
            return QBrush(QColor(0xd3, 0x2f, 0x2f));
        break;
    }
    case Qt::DecorationRole:
        if (index.column() == Registered && qApp) {
            // Looked up once: a theme lookup per painted cell stalls the GUI thread at 10,000 rows.
            static const QIcon ok = qApp->style()->standardIcon(QStyle::SP_DialogApplyButton);
            static const QIcon warning = qApp->style()->standardIcon(QStyle::SP_MessageBoxWarning);
            return row.registered && row.problem.isEmpty() ? ok : warning;
        }
        break;
    case KeyRole:
        return row.key;
    case ValidRole:
        return row.problem.isEmpty();
    case ConsistentRole: {
        const Facts f = facts(row);
        return f.running && f.registered && f.rendered && f.live;
    }
    case NodeRole:
        return container.node;
    case PortRole: {
        const QString a = address(row);
        return a.isEmpty() ? QVariant() : QVariant(a.section(u':', -1).toInt());
    }
    case ContainerRole:
        return container.name;
    case RunningRole:
        return container.running;
    case RegisteredRole:
        return row.registered;
    case AddressRole:
        return address(row);
    case StaleRole:
        return m_liveness && m_liveness->isStale() && fromEtcd(index.column());
    default:
        break;
    }
    return {};
}

QVariant BackendsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Name:
        return tr("Backend");
    case Address:
        return tr("Address");
    case Node:
        return tr("Node");
    case Container:
        return tr("Container");
    case Registered:
        return tr("etcd");
    case Rendered:
        return tr("Rendered");
    case Live:
        return tr("Live");
    case Health:
        return tr("Health");
    case Revision:
        return tr("Revision");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace lbdeck
