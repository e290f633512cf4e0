// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "LedgerModel.h"

#include <QBrush>
#include <QDateTime>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace lbdeck {

LedgerModel::LedgerModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void LedgerModel::update(const QJsonArray& entries)
{
    QList<QJsonObject> fresh;
    for (const QJsonValue& v : entries)
        fresh << v.toObject();
    const qint64 lastKnown = m_entries.isEmpty() ? 0 : m_entries.last().value(u"id"_s).toInteger();
    const qint64 firstFresh = fresh.isEmpty() ? 0 : fresh.first().value(u"id"_s).toInteger();
    const qint64 lastFresh = fresh.isEmpty() ? 0 : fresh.last().value(u"id"_s).toInteger();
    if (lastFresh < lastKnown || (!m_entries.isEmpty() && firstFresh > lastKnown + 1)) {
        // Another engine (restarted, or a different one): start over.
        beginResetModel();
        m_entries = fresh;
        endResetModel();
        return;
    }
    QList<QJsonObject> added;
    for (const QJsonObject& e : std::as_const(fresh)) {
        if (e.value(u"id"_s).toInteger() > lastKnown)
            added << e;
    }
    if (added.isEmpty())
        return;
    beginInsertRows({}, int(m_entries.size()), int(m_entries.size() + added.size() - 1));
    m_entries += added;
    endInsertRows();
}

int LedgerModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int LedgerModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LedgerModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject& e = m_entries.at(index.row());
    const bool ok = e.value(u"outcome"_s).toString() == u"applied"_s;
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Time:
            return QDateTime::fromString(e.value(u"at"_s).toString(), Qt::ISODateWithMs)
                .toLocalTime()
                .toString(u"HH:mm:ss.zzz"_s);
        case Revision:
            return e.value(u"revision"_s).toString();
        case Outcome:
            return e.value(u"outcome"_s).toString();
        case Added:
            return e.value(u"added"_s).toVariant().toStringList().join(u", "_s);
        case Removed:
            return e.value(u"removed"_s).toVariant().toStringList().join(u", "_s);
        case Hash:
            return e.value(u"hash"_s).toString();
        case ColumnCount:
            break;
        }
        break;
    case Qt::ToolTipRole:
        return ok ? e.value(u"hash"_s).toString() : e.value(u"message"_s).toString();
    case Qt::ForegroundRole:
        if (!ok)
            return QBrush(QColor(0xd3, 0x2f, 0x2f));
        break;
    case DiffRole:
        return e.value(u"diff"_s).toString();
    case MessageRole:
        return e.value(u"message"_s).toString();
    case OkRole:
        return ok;
    default:
        break;
    }
    return {};
}

QVariant LedgerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Time:
        return tr("Time");
    case Revision:
        return tr("Revision");
    case Outcome:
        return tr("Outcome");
    case Added:
        return tr("Added");
    case Removed:
        return tr("Removed");
    case Hash:
        return tr("Config");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace lbdeck
