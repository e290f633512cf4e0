// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/docker/DockerTypes.h"

#include <QAbstractTableModel>

namespace lbdeck {

// The seed's `fleetctl list-units` for lbdeck's own backends on one node:
//   UNIT                 MACHINE               ACTIVE    SUB
//   apache@8001.service  core-c/127.0.1.3      active    running
// A unit is a container carrying lbdeck's key label; its name comes from the backend's port (the
// address it registers, else the port it publishes), and active/sub from the container's state,
// in systemd's words. Rows update in place; units that come or go are inserted or removed.
class NodeUnitsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Unit,
        Machine,
        Active,
        Sub,
        ColumnCount
    };
    enum Role
    {
        ContainerRole = Qt::UserRole + 1 // the container's name
    };

    struct UnitRow
    {
        QString unit;
        QString machine;
        QString active;
        QString sub;
        QString container;
        bool operator==(const UnitRow&) const = default;
    };

    // namePattern: the profile's container names ("apache-%1"), which give the unit's prefix.
    NodeUnitsModel(QString node, QString nodeAddress, QString namePattern = QStringLiteral("apache-%1"),
                   QObject* parent = nullptr);

    void setContainers(const QList<ContainerSummary>& containers);

    // Pure, public for tests: the unit row of a container, or an empty unit when it is not one
    // of this node's lbdeck backends.
    static UnitRow unitFor(const ContainerSummary& container, const QString& node, const QString& nodeAddress,
                           const QString& namePattern);
    // Docker's state -> systemd's ACTIVE and SUB ("running" -> active/running).
    static std::pair<QString, QString> activeSub(const QString& state, const QString& status);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString m_node;
    QString m_nodeAddress;
    QString m_namePattern;
    QList<UnitRow> m_rows;
};

} // namespace lbdeck
