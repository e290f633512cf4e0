// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/cluster/ClusterProfile.h"

#include <QWidget>

class QTableWidget;

namespace lbdeck {

// The profile's load balancers after the first (which the dialog's form edits, with its engine
// inside lbdeck or not) as a table: name, the engine's status URL, the SSH tunnel it is reached
// through, nginx's URL; with Add and Remove. A new one's engine is lbdeck-engine on that node (at
// most one engine runs inside lbdeck, and the form offers it for the first). The dialog checks the whole
// list (profilecheck::balancers) and says what is wrong under it.
class BalancersEditor : public QWidget
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        EngineStatusUrl,
        EngineSsh,
        NginxUrl,
        ColumnCount
    };

    explicit BalancersEditor(QWidget* parent = nullptr);

    void setBalancers(const QList<BalancerProfile>& balancers);
    QList<BalancerProfile> balancers() const;
    QTableWidget* table() const { return m_table; }
    // Appends an empty row and starts editing its name.
    void addBalancer();

Q_SIGNALS:
    void changed();

private:
    void appendRow(const BalancerProfile& balancer);

    QTableWidget* m_table;         // Owned (child).
    QList<BalancerProfile> m_kept; // per row: what the table does not show (engine, config file)
    bool m_updating = false;
};

} // namespace lbdeck
