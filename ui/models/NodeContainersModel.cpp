// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodeContainersModel.h"

#include <QHash>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace lbdeck {

NodeContainersModel::NodeContainersModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

QString NodeContainersModel::formatBytes(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString NodeContainersModel::formatPorts(const QList<PortBinding>& ports)
{
    QStringList out;
    for (const PortBinding& p : ports) {
        if (p.hostPort == 0)
            continue;
        const QString host = p.hostIp.isEmpty() ? u"0.0.0.0"_s : p.hostIp;
        out << u"%1:%2->%3/%4"_s.arg(host).arg(p.hostPort).arg(p.containerPort).arg(p.protocol);
    }
    out.removeDuplicates(); // Docker lists a binding once per address family
    return out.join(u", "_s);
}

void NodeContainersModel::setContainers(const QList<ContainerSummary>& containers)
{
    QHash<QString, int> fresh;
    for (int i = 0; i < containers.size(); ++i)
        fresh.insert(containers.at(i).id, i);
    // Gone: removed from the end, so the rows before keep their numbers.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (fresh.contains(m_rows.at(row).summary.id))
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
    QHash<QString, int> known;
    for (int row = 0; row < m_rows.size(); ++row)
        known.insert(m_rows.at(row).summary.id, row);
    QList<Row> added;
    for (const ContainerSummary& c : containers) {
        const auto it = known.constFind(c.id);
        if (it == known.cend()) {
            added.append(Row{c, std::nullopt, 0});
            continue;
        }
        Row& row = m_rows[*it];
        const ContainerSummary& old = row.summary;
        const bool same = old.names == c.names && old.image == c.image && old.state == c.state &&
                          old.status == c.status && old.ports == c.ports && old.labels == c.labels;
        if (same)
            continue;
        const bool restarted = old.state != c.state;
        row.summary = c;
        if (restarted || c.state != u"running"_s) {
            // Figures from before a stop or a restart say nothing about now.
            row.sample.reset();
            row.samples = 0;
        }
        Q_EMIT dataChanged(index(*it, 0), index(*it, ColumnCount - 1));
    }
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        m_rows.append(added);
        endInsertRows();
    }
}

void NodeContainersModel::setSample(const QString& id, const StatsSample& sample)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    Row& r = m_rows[row];
    // A container that is not running sends zeroed samples with no read time: not a figure.
    if (!sample.read.isValid() || r.summary.state != u"running"_s)
        return;
    r.sample = sample;
    ++r.samples;
    Q_EMIT dataChanged(index(row, Cpu), index(row, Memory));
}

int NodeContainersModel::rowOf(const QString& id) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).summary.id == id)
            return row;
    }
    return -1;
}

int NodeContainersModel::rowOfName(const QString& name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).summary.names.contains(name))
            return row;
    }
    return -1;
}

QList<ContainerSummary> NodeContainersModel::containers() const
{
    QList<ContainerSummary> out;
    out.reserve(m_rows.size());
    for (const Row& r : m_rows)
        out.append(r.summary);
    return out;
}

int NodeContainersModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int NodeContainersModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeContainersModel::display(const Row& row, int column) const
{
    const ContainerSummary& c = row.summary;
    const bool running = c.state == u"running"_s;
    switch (column) {
    case Name:
        return c.names.value(0, c.id.left(12));
    case Image:
        return c.image;
    case State:
        return c.state;
    case Uptime:
        return c.status; // Docker's own words: "Up 3 minutes", "Exited (0) 2 hours ago"
    case Ports:
        return formatPorts(c.ports);
    case Cpu:
        if (!running)
            return u"—"_s;
        return row.sample ? u"%1 %"_s.arg(row.sample->cpuPercent, 0, 'f', 1) : QString();
    case Memory:
        if (!running)
            return u"—"_s;
        return row.sample ? formatBytes(row.sample->memoryUsage) : QString();
    default:
        return {};
    }
}

QVariant NodeContainersModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case Qt::ToolTipRole:
        if (index.column() == Memory && row.sample)
            return u"%1 of %2 (page cache not counted, as in docker stats)"_s.arg(
                formatBytes(row.sample->memoryUsage), formatBytes(row.sample->memoryLimit));
        if (index.column() == Cpu && row.sample)
            return u"of one CPU; %1 CPUs online"_s.arg(row.sample->onlineCpus);
        if (index.column() == Name)
            return row.summary.id;
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Cpu || index.column() == Memory)
            return QVariant::fromValue<Qt::Alignment>(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case IdRole:
        return row.summary.id;
    case NameRole:
        return row.summary.names.value(0);
    case RunningRole:
        return row.summary.state == u"running"_s;
    case CpuRole:
        return row.sample ? QVariant(row.sample->cpuPercent) : QVariant();
    case MemoryRole:
        return row.sample ? QVariant(row.sample->memoryUsage) : QVariant();
    case SamplesRole:
        return row.samples;
    case SortRole:
        if (index.column() == Cpu)
            return row.sample ? row.sample->cpuPercent : -1.0;
        if (index.column() == Memory)
            return row.sample ? row.sample->memoryUsage : qint64(-1);
        return display(row, index.column());
    default:
        return {};
    }
}

QVariant NodeContainersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return u"Name"_s;
    case Image:
        return u"Image"_s;
    case State:
        return u"State"_s;
    case Uptime:
        return u"Uptime"_s;
    case Ports:
        return u"Ports"_s;
    case Cpu:
        return u"CPU"_s;
    case Memory:
        return u"Memory"_s;
    default:
        return {};
    }
}

} // namespace lbdeck
