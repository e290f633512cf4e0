// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "UpstreamsModel.h"

#include "core/cluster/EngineLink.h"
#include "core/cluster/UpstreamProber.h"

#include <QApplication>
#include <QColor>
#include <QStyle>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck {

UpstreamsModel::UpstreamsModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void UpstreamsModel::setSources(EngineLink* engine, UpstreamProber* prober)
{
    m_engine = engine;
    m_prober = prober;
    if (engine)
        connect(engine, &EngineLink::updated, this, &UpstreamsModel::refreshFromEngine);
    if (prober) {
        connect(prober, &UpstreamProber::probed, this, [this](const QString& address) {
            for (int i = 0; i < m_rows.size(); ++i) {
                if (m_rows[i].server == address)
                    Q_EMIT dataChanged(index(i, Health), index(i, Latency));
            }
        });
    }
    refreshFromEngine();
}

void UpstreamsModel::refreshFromEngine()
{
    if (!m_engine)
        return;
    update(m_engine->liveValues(), m_engine->acceptedValues());
    if (m_prober) {
        QStringList all;
        for (const Row& r : std::as_const(m_rows))
            all << r.server;
        m_prober->setTargets(all);
    }
}

void UpstreamsModel::update(const QStringList& live, const QStringList& wanted)
{
    QStringList servers = live + wanted;
    servers.sort();
    servers.removeDuplicates();
    // Remove rows that are gone (from the end, so indexes stay valid), then insert new ones.
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (!servers.contains(m_rows[i].server)) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
        }
    }
    for (const QString& s : std::as_const(servers)) {
        const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), s,
                                         [](const Row& r, const QString& k) { return r.server < k; });
        const int i = int(it - m_rows.begin());
        const Row row{s, live.contains(s), wanted.contains(s)};
        if (it != m_rows.end() && it->server == s) {
            if (it->live != row.live || it->wanted != row.wanted) {
                *it = row;
                Q_EMIT dataChanged(index(i, Live), index(i, Wanted));
            }
            continue;
        }
        beginInsertRows({}, i, i);
        m_rows.insert(i, row);
        endInsertRows();
    }
}

int UpstreamsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int UpstreamsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UpstreamsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const bool probed = m_prober && m_prober->has(row.server);
    const UpstreamProber::Health h = m_prober ? m_prober->health(row.server) : UpstreamProber::Health{};
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Server:
            return row.server;
        case Live:
            return row.live ? tr("serving") : tr("not in nginx");
        case Wanted:
            if (!row.wanted && row.live && m_engine && m_engine->servedButUnregistered().contains(row.server))
                return tr("not registered — nginx still serves it");
            return row.wanted ? (row.live ? tr("stays") : tr("to add")) : tr("to remove");
        case Health:
            if (!probed)
                return tr("probing…");
            return h.ok ? tr("up (HTTP %1)").arg(h.status) : tr("down: %1").arg(h.detail);
        case Latency:
            return probed && h.ok ? u"%1 ms"_s.arg(h.latencyMs, 0, 'f', 1) : QString();
        case ColumnCount:
            break;
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == Health && probed && qApp) {
            static const QIcon up = qApp->style()->standardIcon(QStyle::SP_DialogApplyButton);
            static const QIcon down = qApp->style()->standardIcon(QStyle::SP_MessageBoxCritical);
            return h.ok ? up : down;
        }
        break;
    case HealthyRole:
        return probed && h.ok;
    case Qt::ToolTipRole:
        if (index.column() == Wanted && !row.wanted && row.live && m_engine)
            return tr("etcd no longer holds %1, but nginx still runs the config that has it. The engine "
                      "says: %2")
                .arg(row.server, m_engine->lastEngineError());
        break;
    case Qt::ForegroundRole:
        if (index.column() == Wanted && !row.wanted && row.live)
            return QColor(0xb0, 0x00, 0x20);
        break;
    default:
        break;
    }
    return {};
}

QVariant UpstreamsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Server:
        return tr("Server");
    case Live:
        return tr("nginx now");
    case Wanted:
        return tr("etcd wants");
    case Health:
        return tr("Health");
    case Latency:
        return tr("Latency");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace lbdeck
