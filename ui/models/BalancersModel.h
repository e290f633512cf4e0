// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/cluster/BalancerFleet.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace lbdeck {

// One row per load balancer: what generation its nginx runs (etcd revision and config hash), how
// many servers, and whether it lags, disagrees or is unreachable (BalancerFleet's verdict).
class BalancersModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        State,
        Revision,
        Config,
        Servers,
        Since,
        Engine,
        Detail,
        ColumnCount
    };
    enum Role
    {
        FlaggedRole = Qt::UserRole + 1 // bool: lagging, disagreeing or unreachable
    };

    explicit BalancersModel(QObject* parent = nullptr);
    void setFleet(BalancerFleet* fleet); // Not owned.
    BalancerFleet* fleet() const { return m_fleet; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void refresh();

    QPointer<BalancerFleet> m_fleet;
    int m_rows = 0;
};

} // namespace lbdeck
