// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QObject>
#include <QPointer>

class QAction;
class QLabel;
class QProgressBar;
class QTableView;
class QToolButton;
class QWidget;

namespace lbdeck {

class BackendOperation;
class ClusterSession;
class NodeConnection;

// Start, Stop, Drain & stop, Restart and Resync, as actions with shortcuts, each running as an
// operation with progress and Cancel in the status bar, its outcome in the event log.
class BackendActions : public QObject
{
    Q_OBJECT
public:
    BackendActions(QTableView* backendsView, QWidget* window);
    void setSession(ClusterSession* session); // Not owned.
    QList<QAction*> actions() const;
    // The status bar part: progress, step text, Cancel.
    QWidget* progressWidget() const { return m_progressBox; }

    void startBackend();
    void stopSelected();
    void drainSelected();
    void restartSelected();
    void resync();

Q_SIGNALS:
    void logMessage(const QString& text, bool isError);

private:
    void run(BackendOperation* op);
    bool selected(NodeConnection*& node, quint16& port);
    quint16 suggestPort() const;
    void updateEnabled();

    QPointer<ClusterSession> m_session;
    QTableView* m_view; // Not owned.
    QWidget* m_window;  // Not owned.
    QAction* m_start;   // Owned (child of window).
    QAction* m_stop;
    QAction* m_drain;
    QAction* m_restart;
    QAction* m_resync;
    QWidget* m_progressBox; // Owned (child of window).
    QProgressBar* m_progress;
    QLabel* m_step;
    QToolButton* m_cancel;
    QPointer<BackendOperation> m_running;
};

} // namespace lbdeck
