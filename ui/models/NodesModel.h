// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QAbstractTableModel>
#include <QPointer>

namespace lbdeck {

class ClusterSession;

// The nodes, as the seed's `fleetctl list-units` showed them and more: how each is reached, whether
// it answers, its Docker version, how many containers and lbdeck backends run on it.
class NodesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Node,
        Endpoint,
        Address,
        Connection,
        Docker,
        EtcdMember,
        Containers,
        Backends,
        ColumnCount
    };
    enum Role
    {
        ReadyRole = Qt::UserRole + 1
    };

    explicit NodesModel(QObject* parent = nullptr);
    void setSession(ClusterSession* session); // Not owned; call once its nodes exist.

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void nodeChanged(const QString& name);
    QString etcdMember(const QString& address) const;

    QPointer<ClusterSession> m_session;
};

} // namespace lbdeck
