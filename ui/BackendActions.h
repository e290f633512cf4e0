// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QObject>
#include <QPointer>

#include <functional>

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
class NodeLoad;

// Start, Stop, Drain & stop, Restart, Replace, Remove and Resync, as actions with shortcuts, each
// running as an operation with progress and Cancel in the status bar, its outcome in the event
// log. Anything that takes backends out of the upstream asks first, with its impact; Cancel is the
// default when it would empty the upstream. Stop, Drain and Restart work on every selected row.
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
    void replaceSelected();
    void removeSelected();
    void resync();
    void scaleTo(); // Scale to N…: placement's plan, confirmed, then queued

Q_SIGNALS:
    void logMessage(const QString& text, bool isError);
    // A start, stop, drain, restart or replace that finished well ("Start apache-8003 on node-b").
    void operationDone(const QString& title);

private:
    struct Target
    {
        NodeConnection* node = nullptr;
        quint16 port = 0;
        QString name;
        QString address;
        QString container;
        bool running = false;
        bool registered = false;
    };
    enum class Kind
    {
        Stop,
        Drain,
        Restart
    };
    void runBulk(Kind kind);
    void run(BackendOperation* op);
    void runQueue();
    QList<Target> selectedTargets(bool quiet = false);
    bool confirm(const QString& verb, const QList<Target>& targets, bool temporary);
    quint16 suggestPort() const;
    void updateEnabled();

    QPointer<ClusterSession> m_session;
    QTableView* m_view; // Not owned.
    QWidget* m_window;  // Not owned.
    NodeLoad* m_load;   // Owned (child): the CPU placement weighs, sampled when a dialog opens
    QAction* m_start;   // Owned (child of window).
    QAction* m_stop;
    QAction* m_drain;
    QAction* m_restart;
    QAction* m_replace;
    QAction* m_remove;
    QAction* m_resync;
    QAction* m_scale;
    QWidget* m_progressBox; // Owned (child of window).
    QProgressBar* m_progress;
    QLabel* m_step;
    QToolButton* m_cancel;
    QPointer<BackendOperation> m_running;
    QList<std::function<BackendOperation*()>> m_queue; // the rest of a bulk action, one at a time
    bool m_queueCanceled = false;
};

} // namespace lbdeck
