// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BackendsModel.h"

#include "core/cluster/BackendAddress.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QStyle>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck {

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

void BackendsModel::fill(Row& row, const QByteArray& value, qint64 revision) const
{
    row.value = value;
    row.revision = revision;
    const Result<BackendAddress> address = BackendAddress::parse(value);
    row.address = address ? address->toString() : QString();
    row.problem = address ? QString() : address.error().message;
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
            if (exists) {
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
            if (i < m_rows.size() && m_rows.at(i).key == n.key)
                break;
            if (i < m_rows.size() && !(n.key < m_rows.at(i).key))
                break;
            Row row;
            row.key = n.key;
            fill(row, *n.after, m_pending[next].revision);
            run.append(std::move(row));
            ++next;
        }
        if (run.isEmpty()) { // cannot happen, but never loop forever
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
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Name: {
            QByteArray name = row.key;
            if (name.startsWith(m_prefix))
                name = name.mid(m_prefix.size());
            return QString::fromUtf8(name);
        }
        case Address:
            return row.problem.isEmpty() ? row.address : QString::fromUtf8(row.value.left(120));
        case Status:
            return row.problem.isEmpty() ? u"registered"_s : u"rejected"_s;
        case Revision:
            return row.revision;
        case ColumnCount:
            break;
        }
        break;
    case Qt::ToolTipRole:
        if (!row.problem.isEmpty())
            return u"%1\n%2 — this value is never written into nginx.conf."_s.arg(QString::fromUtf8(row.key),
                                                                                  row.problem);
        return QString::fromUtf8(row.key);
    case Qt::DecorationRole:
        if (index.column() == Status && qApp) {
            // Looked up once: a theme lookup per painted cell stalls the GUI thread at 10,000 rows.
            static const QIcon ok = qApp->style()->standardIcon(QStyle::SP_DialogApplyButton);
            static const QIcon warning = qApp->style()->standardIcon(QStyle::SP_MessageBoxWarning);
            return row.problem.isEmpty() ? ok : warning;
        }
        break;
    case KeyRole:
        return row.key;
    case ValidRole:
        return row.problem.isEmpty();
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
    case Status:
        return tr("etcd");
    case Revision:
        return tr("Revision");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace lbdeck
