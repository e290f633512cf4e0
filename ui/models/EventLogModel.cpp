// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EventLogModel.h"

#include <QBrush>
#include <QPalette>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck {

EventLogModel::EventLogModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void EventLogModel::append(const QString& message, bool isError)
{
    if (m_entries.size() >= MaxEntries) {
        beginRemoveRows({}, 0, 0);
        m_entries.removeFirst();
        endRemoveRows();
    }
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.append({m_clock(), message, isError});
    endInsertRows();
    if (isError)
        Q_EMIT errorLogged(message);
}

int EventLogModel::errorCount() const
{
    return int(std::count_if(m_entries.cbegin(), m_entries.cend(), [](const Entry& e) { return e.isError; }));
}

QString EventLogModel::lineOf(const Entry& e) const
{
    return u"%1  %2  %3"_s.arg(e.time.toString(u"yyyy-MM-dd HH:mm:ss"_s), e.isError ? u"ERROR"_s : u"info "_s,
                               e.message);
}

QString EventLogModel::toText(const QModelIndexList& rows) const
{
    QStringList lines;
    if (rows.isEmpty()) {
        for (const Entry& e : m_entries)
            lines << lineOf(e);
    } else {
        QList<int> sorted;
        for (const QModelIndex& i : rows) {
            if (!sorted.contains(i.row()) && i.row() >= 0 && i.row() < m_entries.size())
                sorted << i.row();
        }
        std::sort(sorted.begin(), sorted.end());
        for (int r : sorted)
            lines << lineOf(m_entries.at(r));
    }
    return lines.join(u'\n');
}

int EventLogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int EventLogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == Time ? e.time.toString(u"HH:mm:ss"_s) : e.message;
    case Qt::ToolTipRole:
        return lineOf(e);
    case Qt::ForegroundRole:
        if (e.isError)
            return QBrush(QColor(0xd3, 0x2f, 0x2f));
        break;
    case IsErrorRole:
        return e.isError;
    default:
        break;
    }
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == Time ? tr("Time") : tr("Event");
}

} // namespace lbdeck
