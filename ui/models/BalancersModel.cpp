// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BalancersModel.h"

#include "core/cluster/BalancerFleet.h"

#include <QColor>
#include <QDateTime>

using namespace Qt::StringLiterals;

namespace lbdeck {

BalancersModel::BalancersModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void BalancersModel::setFleet(BalancerFleet* fleet)
{
    if (m_fleet)
        disconnect(m_fleet, nullptr, this, nullptr);
    beginResetModel();
    m_fleet = fleet;
    m_rows = fleet ? fleet->size() : 0;
    endResetModel();
    if (fleet)
        connect(fleet, &BalancerFleet::changed, this, &BalancersModel::refresh);
}

void BalancersModel::refresh()
{
    const int now = m_fleet ? m_fleet->size() : 0;
    if (now != m_rows) {
        beginResetModel();
        m_rows = now;
        endResetModel();
        return;
    }
    if (m_rows > 0)
        Q_EMIT dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1));
}

int BalancersModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int BalancersModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BalancersModel::data(const QModelIndex& index, int role) const
{
    if (!m_fleet || !checkIndex(index, CheckIndexOption::IndexIsValid) || index.row() >= m_fleet->size())
        return {};
    const BalancerState& s = m_fleet->states().at(index.row());
    const bool flagged = s.health == BalancerState::Health::Lagging ||
                         s.health == BalancerState::Health::Disagreeing ||
                         s.health == BalancerState::Health::Unreachable;
    const bool known =
        s.health != BalancerState::Health::Waiting && s.health != BalancerState::Health::Unreachable;
    switch (role) {
    case FlaggedRole:
        return flagged;
    case Qt::ForegroundRole:
        if (index.column() == State && flagged)
            return QColor(s.health == BalancerState::Health::Unreachable ? 0x9e9e9e : 0xd32f2f);
        if (index.column() == State && s.health == BalancerState::Health::InSync)
            return QColor(0x2e7d32);
        return {};
    case Qt::ToolTipRole:
        return s.detail.isEmpty() ? QVariant() : QVariant(s.detail);
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Name:
            return s.name;
        case State:
            return BalancerFleet::healthName(s.health);
        case Revision:
            return known ? QVariant(s.revision) : QVariant();
        case Config:
            return known ? QVariant(s.configHash.left(12)) : QVariant();
        case Servers:
            return known ? QVariant(s.servers) : QVariant();
        case Since:
            return s.since.isEmpty() ? QString()
                                     : QDateTime::fromString(s.since, Qt::ISODateWithMs)
                                           .toLocalTime()
                                           .toString(u"HH:mm:ss"_s);
        case Engine:
            return s.engine;
        case Detail:
            return s.detail;
        case ColumnCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant BalancersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Name:
        return tr("Load balancer");
    case State:
        return tr("State");
    case Revision:
        return tr("Revision");
    case Config:
        return tr("Config");
    case Servers:
        return tr("Servers");
    case Since:
        return tr("Live since");
    case Engine:
        return tr("Engine");
    case Detail:
        return tr("Why");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace lbdeck
