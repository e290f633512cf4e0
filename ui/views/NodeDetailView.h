// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/docker/DockerTypes.h"
#include "core/util/Result.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace lbdeck {

class ClusterSession;
class DockerClient;
class DockerStatsStream;
class NodeConnection;
class NodeContainersModel;
class NodeDetailInspect;
class NodeDetailLogs;
class NodeUnitsModel;

// One node in detail, what the seed's `docker ps`, `docker stats`, `docker logs -f`, `docker
// inspect` and `fleetctl list-units` showed on it, in four tabs: Containers (every container with
// CPU and memory from its stats stream), Logs and Inspect of the selected container, and Units
// (lbdeck's backends as apache@PORT.service rows). Everything is asynchronous through the node's
// DockerClient; a node that is not connected says so and fills in once it is.
// Entry point for the main window: NodeDetailView::open(session, node, parent) on a node's
// double-click, or embed a NodeDetailView as a side panel.
class NodeDetailView : public QWidget
{
    Q_OBJECT
public:
    enum Tab
    {
        ContainersTab,
        LogsTab,
        InspectTab,
        UnitsTab
    };

    // session: Not owned (the view goes quiet if it is destroyed first).
    NodeDetailView(ClusterSession* session, const QString& node, QWidget* parent = nullptr);
    ~NodeDetailView() override;

    // A window of its own (deleted when closed), titled after the node; a second call for the
    // same node and parent raises the one already open.
    static NodeDetailView* open(ClusterSession* session, const QString& node, QWidget* parent);

    const QString& node() const { return m_node; }
    NodeContainersModel* containersModel() const { return m_model; }
    NodeUnitsModel* unitsModel() const { return m_units; }
    QTabWidget* tabs() const { return m_tabs; }
    NodeDetailLogs* logs() const { return m_logs; }
    NodeDetailInspect* inspector() const { return m_inspect; }
    // Selects the container with this name in the Containers tab (Logs and Inspect follow it).
    bool selectContainer(const QString& name);
    QString selectedContainer() const { return m_selectedName; }
    int statsStreams() const { return int(m_stats.size()); }
    // Lists the node's containers again now (also done on its container events and every 5 s).
    void refresh();

Q_SIGNALS:
    void containerSelected(const QString& id, const QString& name);

private:
    DockerClient* docker() const;
    void nodeStateChanged();
    void listed(const Result<QList<ContainerSummary>>& containers);
    void syncStats();
    void selectionChanged();
    void followSelection();
    void setStatus(const QString& text, bool error);

    QPointer<ClusterSession> m_session;
    QPointer<NodeConnection> m_connection;
    QString m_node;
    NodeContainersModel* m_model;               // Owned (child).
    NodeUnitsModel* m_units;                    // Owned (child).
    QSortFilterProxyModel* m_proxy;             // Owned (by its FilteredTable).
    QTableView* m_table;                        // Owned (child).
    QTabWidget* m_tabs;                         // Owned (child).
    QLabel* m_status;                           // Owned (child).
    NodeDetailLogs* m_logs;                     // Owned (child).
    NodeDetailInspect* m_inspect;               // Owned (child).
    QHash<QString, DockerStatsStream*> m_stats; // Owned (children), by container id.
    QPointer<DockerClient> m_statsClient;       // the client those streams belong to
    QTimer m_poll;
    QTimer m_debounce;
    quint64 m_listGeneration = 0;
    QString m_selectedId;
    QString m_selectedName;
};

} // namespace lbdeck
