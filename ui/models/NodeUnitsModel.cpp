// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodeUnitsModel.h"

#include "core/cluster/BackendService.h"

#include <QHash>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace lbdeck {

NodeUnitsModel::NodeUnitsModel(QString node, QString nodeAddress, QString namePattern, QObject* parent)
    : QAbstractTableModel(parent)
    , m_node(std::move(node))
    , m_nodeAddress(std::move(nodeAddress))
    , m_namePattern(std::move(namePattern))
{}

std::pair<QString, QString> NodeUnitsModel::activeSub(const QString& state, const QString& status)
{
    if (state == u"running"_s)
        return {u"active"_s, u"running"_s};
    if (state == u"paused"_s)
        return {u"active"_s, u"paused"_s};
    if (state == u"restarting"_s)
        return {u"activating"_s, u"auto-restart"_s};
    if (state == u"removing"_s)
        return {u"deactivating"_s, u"stop"_s};
    if (state == u"dead"_s)
        return {u"failed"_s, u"failed"_s};
    if (state == u"exited"_s) {
        // "Exited (0) 2 minutes ago": a clean stop is inactive, anything else failed, as systemd says.
        static const QRegularExpression code(u"\\((-?\\d+)\\)"_s);
        const QRegularExpressionMatch m = code.match(status);
        if (m.hasMatch() && m.captured(1) != u"0"_s)
            return {u"failed"_s, u"failed"_s};
        return {u"inactive"_s, u"dead"_s};
    }
    return {u"inactive"_s, u"dead"_s}; // created: never started
}

NodeUnitsModel::UnitRow NodeUnitsModel::unitFor(const ContainerSummary& c, const QString& node,
                                                const QString& nodeAddress, const QString& namePattern)
{
    const QString key = c.labels.value(QString::fromLatin1(BackendService::LabelKey));
    const QString owner = c.labels.value(QString::fromLatin1(BackendService::LabelNode));
    if (key.isEmpty() || (!owner.isEmpty() && owner != node))
        return {};
    quint16 port = 0;
    const QString address = c.labels.value(QString::fromLatin1(BackendService::LabelAddress));
    if (const qsizetype colon = address.lastIndexOf(u':'); colon >= 0)
        port = address.mid(colon + 1).toUShort();
    for (const PortBinding& p : c.ports) {
        if (port == 0 && p.hostPort != 0)
            port = p.hostPort;
    }
    // "apache-%1" -> "apache", the seed's template unit apache@.service.
    QString base = namePattern.left(namePattern.indexOf(u"%1"_s));
    while (!base.isEmpty() && !base.back().isLetterOrNumber())
        base.chop(1);
    if (base.isEmpty())
        base = u"backend"_s;
    UnitRow row;
    row.container = c.names.value(0);
    row.unit = port ? u"%1@%2.service"_s.arg(base).arg(port) : u"%1@%2.service"_s.arg(base, row.container);
    row.machine = nodeAddress.isEmpty() ? node : u"%1/%2"_s.arg(node, nodeAddress);
    std::tie(row.active, row.sub) = activeSub(c.state, c.status);
    return row;
}

void NodeUnitsModel::setContainers(const QList<ContainerSummary>& containers)
{
    QList<UnitRow> fresh;
    for (const ContainerSummary& c : containers) {
        UnitRow row = unitFor(c, m_node, m_nodeAddress, m_namePattern);
        if (row.unit.isEmpty())
            continue;
        // Two containers for one unit (an exited one beside its replacement): the running one.
        auto same =
            std::find_if(fresh.begin(), fresh.end(), [&](const UnitRow& r) { return r.unit == row.unit; });
        if (same == fresh.end())
            fresh.append(row);
        else if (row.sub == u"running"_s)
            *same = row;
    }
    QHash<QString, int> wanted;
    for (int i = 0; i < fresh.size(); ++i)
        wanted.insert(fresh.at(i).unit, i);
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (wanted.contains(m_rows.at(row).unit))
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
    QList<UnitRow> added;
    for (const UnitRow& f : std::as_const(fresh)) {
        auto it =
            std::find_if(m_rows.begin(), m_rows.end(), [&](const UnitRow& r) { return r.unit == f.unit; });
        if (it == m_rows.end()) {
            added.append(f);
        } else if (*it != f) {
            *it = f;
            const int row = int(it - m_rows.begin());
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        m_rows.append(added);
        endInsertRows();
    }
}

int NodeUnitsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int NodeUnitsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeUnitsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const UnitRow& row = m_rows.at(index.row());
    if (role == ContainerRole)
        return row.container;
    if (role == Qt::ToolTipRole)
        return u"container %1"_s.arg(row.container);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Unit:
        return row.unit;
    case Machine:
        return row.machine;
    case Active:
        return row.active;
    case Sub:
        return row.sub;
    default:
        return {};
    }
}

QVariant NodeUnitsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Unit:
        return u"UNIT"_s;
    case Machine:
        return u"MACHINE"_s;
    case Active:
        return u"ACTIVE"_s;
    case Sub:
        return u"SUB"_s;
    default:
        return {};
    }
}

} // namespace lbdeck
