// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QMainWindow>
#include <QPointer>

class QLabel;
class QMenu;
class QTableView;

namespace lbdeck {

class BackendActions;
class BackendsModel;
class BalancersModel;
class NodeActions;
class NodeConnection;
class NodesModel;
class OverviewModel;
class OverviewView;
class NodeDetailView;
class SecretStore;
class ServingBanner;
class ClusterSession;
class ConfigView;
class EventLogModel;
class FilteredTable;
class TabWidget;
class TrafficView;
class UpstreamsModel;

// The one window operators keep open: the cluster's nodes, backends, upstreams, traffic and
// config, an event log, and a status bar that always says whether the data is live.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Shows this cluster. Not owned: the session outlives the window's use of it.
    void setSession(ClusterSession* session);
    EventLogModel* eventLog() const { return m_log; }
    BackendsModel* backendsModel() const { return m_backends; }
    UpstreamsModel* upstreamsModel() const { return m_upstreams; }
    ConfigView* configView() const { return m_config; }
    BackendActions* backendActions() const { return m_actions; }
    NodesModel* nodesModel() const { return m_nodes; }
    OverviewModel* overviewModel() const { return m_overviewModel; }
    OverviewView* overviewView() const { return m_overview; }
    // Node detail for one node, in its own window (raised when it is open already); null without a
    // session.
    NodeDetailView* openNodeDetail(const QString& node);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    // One "Go to tab" action per tab (Alt+1…Alt+9), rebuilt whenever tabs come or go.
    void syncTabActions();
    // `/` and Ctrl+F: the filter of the table the operator is looking at.
    void focusFilter();
    void updateStatus();
    // A click in the Overview: that row, selected in its own tab.
    void showBackend(const QString& key);
    void showNode(const QString& node);
    void showNodeDetail(const QString& node); // Node detail window: containers, logs, inspect, units
    void copyLog();
    void restoreLayout();
    void editProfile(bool current);
    // The unknown host key question (for "node X" or "the engine of load balancer Y"): true to trust it.
    bool askHostKey(const QString& host, const QString& what, const QString& keyType,
                    const QString& fingerprint);

    QPointer<ClusterSession> m_session;
    BackendsModel* m_backends;                  // Owned (child).
    NodesModel* m_nodes;                        // Owned (child).
    OverviewModel* m_overviewModel;             // Owned (child).
    OverviewView* m_overview;                   // Owned (child).
    QTableView* m_nodesView;                    // Owned (child).
    BackendActions* m_actions;                  // Owned (child).
    NodeActions* m_nodeActions = nullptr;       // Owned (child).
    BalancersModel* m_balancers = nullptr;      // Owned (child).
    UpstreamsModel* m_upstreams;                // Owned (child).
    EventLogModel* m_log;                       // Owned (child).
    TabWidget* m_tabs;                          // Owned (child).
    QMenu* m_goMenu = nullptr;                  // Owned (by the View menu).
    QList<QAction*> m_tabActions;               // Owned (children), one per tab.
    SecretStore* m_secrets;                     // Owned (child).
    QTableView* m_backendsView;                 // Owned (child).
    QTableView* m_upstreamsView;                // Owned (child).
    TrafficView* m_traffic;                     // Owned (child).
    ConfigView* m_config;                       // Owned (child).
    QTableView* m_logView;                      // Owned (child).
    FilteredTable* m_logTable;                  // Owned (child).
    QLabel* m_connectionStatus;                 // Owned (child).
    QLabel* m_engineStatus;                     // Owned (child).
    ServingBanner* m_backendsBanner = nullptr;  // Owned (child).
    ServingBanner* m_upstreamsBanner = nullptr; // Owned (child).
};

} // namespace lbdeck
