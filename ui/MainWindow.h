// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QMainWindow>
#include <QPointer>

class QLabel;
class QTabWidget;
class QTableView;

namespace lbdeck {

class BackendsModel;
class ClusterSession;
class EventLogModel;

// The one window operators keep open: the cluster's backends, nodes, upstreams, traffic and
// config, an event log, and a status bar that always says whether the data is live.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Shows this cluster. Not owned: the session outlives the window's use of it.
    void setSession(ClusterSession* session, const QString& title);
    EventLogModel* eventLog() const { return m_log; }
    BackendsModel* backendsModel() const { return m_backends; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void updateStatus();
    void copyLog();

    QPointer<ClusterSession> m_session;
    BackendsModel* m_backends;  // Owned (child).
    EventLogModel* m_log;       // Owned (child).
    QTabWidget* m_tabs;         // Owned (child).
    QTableView* m_backendsView; // Owned (child).
    QTableView* m_logView;      // Owned (child).
    QLabel* m_connectionStatus; // Owned (child).
};

} // namespace lbdeck
