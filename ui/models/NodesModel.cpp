// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodesModel.h"

#include "core/cluster/ClusterSession.h"
#include "core/cluster/EtcdMembership.h"
#include "core/cluster/NodeConnection.h"
#include "core/cluster/NodeInventory.h"

#include <QApplication>
#include <QBrush>
#include <QStyle>

using namespace Qt::StringLiterals;

namespace lbdeck {

NodesModel::NodesModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void NodesModel::setSession(ClusterSession* session)
{
    beginResetModel();
    m_session = session;
    endResetModel();
    if (!session)
        return;
    // The inventory relays every node's state change too: one connection, one refresh per change.
    connect(session->inventory(), &NodeInventory::nodeChanged, this, &NodesModel::nodeChanged);
    if (EtcdMembership* members = session->membership()) {
        connect(members, &EtcdMembership::changed, this, [this] {
            if (rowCount() > 0)
                Q_EMIT dataChanged(index(0, EtcdMember), index(rowCount() - 1, EtcdMember));
        });
    }
    connect(session->inventory(), &NodeInventory::backendsChanged, this, [this] {
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0, Backends), index(rowCount() - 1, Backends));
    });
}

void NodesModel::nodeChanged(const QString& name)
{
    if (!m_session)
        return;
    for (int i = 0; i < m_session->nodes().size(); ++i) {
        if (m_session->nodes().at(i)->profile().name == name)
            Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
    }
}

int NodesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_session ? 0 : int(m_session->nodes().size());
}

int NodesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_session)
        return {};
    const NodeConnection* node = m_session->nodes().at(index.row());
    const bool ready = node->state() == NodeConnection::State::Ready;
    const QString name = node->profile().name;
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Node:
            return name;
        case Endpoint:
            return node->profile().dockerEndpoint;
        case Address:
            return node->profile().publishAddress;
        case Connection:
            switch (node->state()) {
            case NodeConnection::State::Ready:
                return node->tunnel() ? tr("connected (SSH tunnel)") : tr("connected");
            case NodeConnection::State::Connecting:
                return tr("connecting… since %1")
                    .arg(node->stateSince().toLocalTime().toString(u"HH:mm:ss"_s));
            case NodeConnection::State::Failed:
                return tr("failed since %1").arg(node->stateSince().toLocalTime().toString(u"HH:mm:ss"_s));
            case NodeConnection::State::Idle:
                return tr("idle");
            }
            break;
        case Docker:
            return ready ? node->dockerVersion().version : QString();
        case EtcdMember:
            return etcdMember(node->profile().publishAddress);
        case Containers:
            return ready ? tr("%1 running of %2")
                               .arg(m_session->inventory()->runningCount(name))
                               .arg(m_session->inventory()->containerCount(name))
                         : QString();
        case Backends: {
            int running = 0;
            for (const BackendContainer& b : m_session->inventory()->backends()) {
                if (b.node == name && b.running)
                    ++running;
            }
            return ready ? QString::number(running) : QString();
        }
        case ColumnCount:
            break;
        }
        break;
    case Qt::ToolTipRole:
        return node->detail();
    case Qt::ForegroundRole:
        if (node->state() == NodeConnection::State::Failed)
            return QBrush(QColor(0xd3, 0x2f, 0x2f));
        break;
    case Qt::DecorationRole:
        if (index.column() == Connection && qApp) {
            static const QIcon ok = qApp->style()->standardIcon(QStyle::SP_DialogApplyButton);
            static const QIcon bad = qApp->style()->standardIcon(QStyle::SP_MessageBoxCritical);
            static const QIcon wait = qApp->style()->standardIcon(QStyle::SP_BrowserReload);
            return ready ? ok : node->state() == NodeConnection::State::Failed ? bad : wait;
        }
        break;
    case ReadyRole:
        return ready;
    default:
        break;
    }
    return {};
}

QString NodesModel::etcdMember(const QString& address) const
{
    const EtcdMembership* members = m_session ? m_session->membership() : nullptr;
    if (!members || !members->isKnown())
        return members && !members->error().isEmpty() ? tr("unknown (%1)").arg(members->error()) : QString();
    const QString name = members->memberAt(address);
    return name.isEmpty() ? tr("no") : tr("yes (%1)").arg(name);
}

QVariant NodesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Node:
        return tr("Node");
    case Endpoint:
        return tr("Docker endpoint");
    case Address:
        return tr("Publishes on");
    case Connection:
        return tr("Connection");
    case Docker:
        return tr("Docker");
    case EtcdMember:
        return tr("etcd member");
    case Containers:
        return tr("Containers");
    case Backends:
        return tr("Backends");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace lbdeck
