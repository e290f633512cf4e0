// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QObject>
#include <QPointer>

class QAction;
class QTableView;
class QWidget;

namespace lbdeck {

class ClusterSession;

// What an operator does to the node selected in the Nodes view: Cordon / Uncordon (checkable,
// Ctrl+K). A cordoned node takes no new backend from placement; the ones it runs stay. It takes
// effect in the session at once (placement, the Overview) and is saved into the stored profile.
class NodeActions : public QObject
{
    Q_OBJECT
public:
    NodeActions(QTableView* nodesView, QWidget* window);
    void setSession(ClusterSession* session); // Not owned; once its nodes exist.
    QList<QAction*> actions() const;
    // Any node by name (the Overview's node box too).
    void setCordoned(const QString& node, bool cordoned);

Q_SIGNALS:
    void logMessage(const QString& text, bool isError);

private:
    QString selectedNode() const;
    void updateCordon();

    QPointer<ClusterSession> m_session;
    QTableView* m_view; // Not owned.
    QAction* m_cordon;  // Owned (child of window).
};

} // namespace lbdeck
