// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/etcd/PrefixMirror.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace lbdeck {

// Every key under the backend prefix, one row each, kept in key order and updated row by row
// from the prefix mirror's changes (no reset per change).
class BackendsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Address,
        Status,
        Revision,
        ColumnCount
    };
    enum Role
    {
        KeyRole = Qt::UserRole + 1,
        ValidRole
    };

    explicit BackendsModel(QObject* parent = nullptr);

    // Follows this mirror from now on (its current content becomes the rows). Not owned.
    void setMirror(PrefixMirror* mirror);
    // Applies changes as the mirror reports them, in slices of a few ms (public for tests and
    // benchmarks). Pending changes are applied by the time pendingChanges() is 0.
    void applyChanges(const QList<KvChange>& changes, qint64 revision);
    qsizetype pendingChanges() const { return m_pending.size(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    int rowOf(const QByteArray& key) const;

private:
    struct Row
    {
        QByteArray key;
        QByteArray value;
        QString address; // normalized, when valid
        QString problem; // why the value is not a usable address, else empty
        qint64 revision = 0;
    };
    void fill(Row& row, const QByteArray& value, qint64 revision) const;
    void applyPending();
    qsizetype lowerBound(const QByteArray& key) const;

    QPointer<PrefixMirror> m_mirror;
    QByteArray m_prefix;
    QList<Row> m_rows; // sorted by key
    struct Pending
    {
        KvChange change;
        qint64 revision;
    };
    QList<Pending> m_pending;
    bool m_sliceScheduled = false;
    static constexpr qint64 SliceNs = 2'000'000;
};

} // namespace lbdeck
