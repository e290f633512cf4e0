// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodeActions.h"

#include "core/cluster/ClusterSession.h"
#include "core/cluster/NodeConnection.h"
#include "core/cluster/NodeCordon.h"
#include "core/cluster/NodeInventory.h"
#include "models/NodesModel.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QTableView>

using namespace Qt::StringLiterals;

namespace lbdeck {

NodeActions::NodeActions(QTableView* nodesView, QWidget* window)
    : QObject(window)
    , m_view(nodesView)
    , m_cordon(new QAction(tr("&Cordon"), window))
{
    m_cordon->setObjectName(u"actionCordonNode"_s);
    m_cordon->setCheckable(true);
    m_cordon->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    connect(m_cordon, &QAction::triggered, this,
            [this](bool checked) { setCordoned(selectedNode(), checked); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &NodeActions::updateCordon);
    connect(m_view->model(), &QAbstractItemModel::modelReset, this, &NodeActions::updateCordon);
    updateCordon();
}

QList<QAction*> NodeActions::actions() const
{
    return {m_cordon};
}

void NodeActions::setSession(ClusterSession* session)
{
    m_session = session;
    if (session) {
        for (NodeConnection* n : session->nodes())
            connect(n, &NodeConnection::cordonedChanged, this, &NodeActions::updateCordon);
    }
    updateCordon();
}

QString NodeActions::selectedNode() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows(NodesModel::Node);
    return rows.isEmpty() ? QString() : rows.first().data().toString();
}

void NodeActions::setCordoned(const QString& name, bool cordoned)
{
    NodeConnection* node = m_session ? m_session->node(name) : nullptr;
    if (!node) {
        updateCordon(); // the check mark back to what is true
        return;
    }
    const Result<void> saved = setNodeCordoned(node, m_session->profile().name, cordoned);
    if (!saved) {
        Q_EMIT logMessage(saved.error().toString(), true);
    } else if (cordoned) {
        int running = 0;
        for (const BackendContainer& b : m_session->inventory()->backends())
            running += b.node == name && b.running ? 1 : 0;
        Q_EMIT logMessage(running == 0
                              ? tr("Cordoned %1: placement gives it no new backend").arg(name)
                              : tr("Cordoned %1: placement gives it no new backend; the %2 it runs stay")
                                    .arg(name)
                                    .arg(running),
                          false);
    } else {
        Q_EMIT logMessage(tr("Uncordoned %1: placement may start backends there again").arg(name), false);
    }
    updateCordon();
}

void NodeActions::updateCordon()
{
    const QString name = selectedNode();
    const NodeConnection* node = m_session && !name.isEmpty() ? m_session->node(name) : nullptr;
    const bool cordoned = node && node->profile().cordoned;
    m_cordon->setEnabled(node != nullptr);
    m_cordon->setChecked(cordoned);
    m_cordon->setText(cordoned ? tr("Un&cordon") : tr("&Cordon"));
    const QString shortcut = m_cordon->shortcut().toString(QKeySequence::NativeText);
    m_cordon->setToolTip(!node ? tr("Select a node to cordon it (%1)").arg(shortcut)
                         : cordoned
                             ? tr("Let placement start backends on %1 again (%2)").arg(name, shortcut)
                             : tr("Give %1 no new backend; the ones it runs stay (%2)").arg(name, shortcut));
}

} // namespace lbdeck
