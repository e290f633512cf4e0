// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QObject>
#include <QPointer>

class QAction;
class QProgressDialog;
class QTableView;
class QWidget;

namespace lbdeck {

class BackendOperation;
class ClusterSession;
class FenceGuard;
class NodeEvacuation;
struct EvacuationPlan;

// "Move its backends…" on the Nodes view, for a node that does not answer: the plan (which
// replacement goes where, placement's reason) and the impact preview, confirmed; then the move
// with progress and Cancel, its steps and outcome in the event log. Owns the FenceGuard that stops
// what such a node brings back when it answers again.
class NodeMoveAction : public QObject
{
    Q_OBJECT
public:
    NodeMoveAction(QTableView* nodesView, QWidget* window);
    void setSession(ClusterSession* session); // Not owned; once its nodes exist (after opened()).
    QAction* action() const { return m_move; }

    // The selected node's move: plan, confirm, run.
    void moveSelected();
    void move(const QString& node);

Q_SIGNALS:
    void logMessage(const QString& text, bool isError);
    void moveFinished(const QString& node, bool ok);

private:
    QString selectedNode() const;
    void confirmAndRun(const EvacuationPlan& plan);
    void updateEnabled();

    QPointer<ClusterSession> m_session;
    QTableView* m_view;                     // Not owned.
    QWidget* m_window;                      // Not owned.
    QAction* m_move;                        // Owned (child of window).
    NodeEvacuation* m_evacuation = nullptr; // Owned (child).
    FenceGuard* m_guard = nullptr;          // Owned (child).
    QPointer<QProgressDialog> m_progress;   // Owned (child of window) while a move runs.
    QPointer<BackendOperation> m_running;
    bool m_planning = false;
};

} // namespace lbdeck
