// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodeMoveAction.h"

#include "Dialogs.h"
#include "core/cluster/BackendOperation.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/FenceGuard.h"
#include "core/cluster/NodeConnection.h"
#include "core/cluster/NodeEvacuation.h"
#include "models/NodesModel.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QProgressDialog>
#include <QTableView>

using namespace Qt::StringLiterals;

namespace lbdeck {

NodeMoveAction::NodeMoveAction(QTableView* nodesView, QWidget* window)
    : QObject(window)
    , m_view(nodesView)
    , m_window(window)
{
    m_move = new QAction(tr("&Move its backends…"), m_window);
    m_move->setObjectName(u"actionMoveNodeBackends"_s);
    m_move->setToolTip(tr("For a node that does not answer: start a replacement for each of its backends "
                          "on another node, then unregister the lost ones"));
    connect(m_move, &QAction::triggered, this, &NodeMoveAction::moveSelected);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addAction(m_move);
    if (m_view->selectionModel())
        connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
                &NodeMoveAction::updateEnabled);
    updateEnabled();
}

void NodeMoveAction::setSession(ClusterSession* session)
{
    if (!session || m_session == session)
        return;
    m_session = session;
    delete std::exchange(m_evacuation, new NodeEvacuation(session, this));
    delete std::exchange(m_guard, new FenceGuard(session, this));
    connect(m_guard, &FenceGuard::logMessage, this, &NodeMoveAction::logMessage);
    for (NodeConnection* n : session->nodes())
        connect(n, &NodeConnection::stateChanged, this, &NodeMoveAction::updateEnabled);
    updateEnabled();
}

QString NodeMoveAction::selectedNode() const
{
    const QModelIndexList rows =
        m_view->selectionModel() ? m_view->selectionModel()->selectedRows() : QModelIndexList();
    return rows.size() == 1 ? rows.first().siblingAtColumn(NodesModel::Node).data().toString() : QString();
}

void NodeMoveAction::updateEnabled()
{
    const NodeConnection* node = m_session ? m_session->node(selectedNode()) : nullptr;
    m_move->setEnabled(node && node->state() != NodeConnection::State::Ready && !m_running && !m_planning);
}

void NodeMoveAction::moveSelected()
{
    const QString node = selectedNode();
    if (!node.isEmpty())
        move(node);
}

void NodeMoveAction::move(const QString& node)
{
    if (!m_evacuation || m_running || m_planning)
        return;
    m_planning = true;
    updateEnabled();
    Q_EMIT logMessage(tr("Move the backends of %1: planning…").arg(node), false);
    m_evacuation->plan(node, this, [this, node](const Result<EvacuationPlan>& plan) {
        m_planning = false;
        updateEnabled();
        // The dialogs run their own event loop: not inside the etcd reply's stack frames.
        if (!plan) {
            const QString text = tr("Cannot move the backends of %1: %2").arg(node, plan.error().message);
            Q_EMIT logMessage(text, true);
            QMetaObject::invokeMethod(
                this, [this, text] { dialogs::warning(m_window, tr("Move its backends"), text); },
                Qt::QueuedConnection);
            return;
        }
        QMetaObject::invokeMethod(
            this, [this, p = *plan] { confirmAndRun(p); }, Qt::QueuedConnection);
    });
}

void NodeMoveAction::confirmAndRun(const EvacuationPlan& plan)
{
    // Cancel is the default when the upstream would go empty while the move runs.
    const auto answer = dialogs::question(m_window, tr("Move the backends of %1").arg(plan.node),
                                          plan.describe(), QMessageBox::Yes | QMessageBox::Cancel,
                                          plan.impact.empties ? QMessageBox::Cancel : QMessageBox::Yes);
    if (answer != QMessageBox::Yes || !m_evacuation) {
        Q_EMIT logMessage(tr("Move the backends of %1: not done").arg(plan.node), false);
        return;
    }
    BackendOperation* op = m_evacuation->execute(plan);
    m_running = op;
    updateEnabled();
    auto* progress = new QProgressDialog(op->title(), tr("Cancel"), 0, qMax(1, op->stepCount()), m_window);
    progress->setObjectName(u"moveProgress"_s);
    progress->setWindowModality(Qt::NonModal);
    progress->setMinimumDuration(0);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    progress->setValue(0);
    progress->show();
    m_progress = progress;
    connect(progress, &QProgressDialog::canceled, op, &BackendOperation::cancel);
    Q_EMIT logMessage(op->title() + u"…"_s, false);
    connect(op, &BackendOperation::progress, this, [this, op](int step, int steps, const QString& text) {
        if (m_progress) {
            if (steps > 0) {
                m_progress->setMaximum(steps);
                m_progress->setValue(step - 1);
            }
            m_progress->setLabelText(text + u"…"_s);
        }
        Q_EMIT logMessage(u"%1: %2"_s.arg(op->title(), text), false);
    });
    const QString node = plan.node;
    connect(op, &BackendOperation::finished, this, [this, op, node] {
        m_running = nullptr;
        if (m_progress)
            m_progress->deleteLater();
        const bool ok = bool(op->result());
        if (ok) {
            Q_EMIT logMessage(tr("%1: done").arg(op->title()), false);
        } else {
            const QString text = tr("%1 failed: %2").arg(op->title(), op->result().error().toString());
            Q_EMIT logMessage(text, true);
            if (op->result().error().code != ErrorCode::Canceled)
                dialogs::warning(m_window, tr("Move its backends"), text);
        }
        op->deleteLater();
        updateEnabled();
        Q_EMIT moveFinished(node, ok);
    });
}

} // namespace lbdeck
