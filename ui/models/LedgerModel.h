// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>

namespace lbdeck {

// The engine's reload ledger: every attempt to put a config live, newest last, with its trigger
// (revision, what came and went), the outcome and the diff. New entries are appended as rows.
class LedgerModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Time,
        Revision,
        Outcome,
        Added,
        Removed,
        Hash,
        ColumnCount
    };
    enum Role
    {
        DiffRole = Qt::UserRole + 1,
        MessageRole,
        OkRole
    };

    explicit LedgerModel(QObject* parent = nullptr);
    // Takes the "ledger" array of the engine's /status.
    void update(const QJsonArray& entries);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<QJsonObject> m_entries;
};

} // namespace lbdeck
