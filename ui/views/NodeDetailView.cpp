// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodeDetailView.h"

#include "FilteredTable.h"
#include "NodeDetailInspect.h"
#include "NodeDetailLogs.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/NodeConnection.h"
#include "core/cluster/NodeInventory.h"
#include "core/docker/DockerClient.h"
#include "core/docker/DockerStatsStream.h"
#include "ui/models/NodeContainersModel.h"
#include "ui/models/NodeUnitsModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {
constexpr int PollIntervalMs = 5000; // the uptime column, and a safety net for missed events
constexpr int DebounceMs = 150;      // a start is create+start+...: one listing for the lot

QTableView* makeTable(const QString& name, QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setObjectName(name);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setSortingEnabled(true);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}
} // namespace

NodeDetailView::NodeDetailView(ClusterSession* session, const QString& node, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_node(node)
    , m_model(new NodeContainersModel(this))
    , m_units(nullptr)
    , m_proxy(nullptr)
    , m_table(makeTable(u"nodeContainers"_s, this))
    , m_tabs(new QTabWidget(this))
    , m_status(new QLabel(this))
    , m_logs(new NodeDetailLogs(this))
    , m_inspect(new NodeDetailInspect(this))
{
    setObjectName(u"nodeDetail"_s);
    setWindowTitle(tr("Node %1").arg(node));
    m_connection = session ? session->node(node) : nullptr;
    const NodeProfile profile = m_connection ? m_connection->profile() : NodeProfile{node, {}, {}};
    const QString pattern = session ? session->profile().backends.namePattern : BackendDefaults().namePattern;
    m_units = new NodeUnitsModel(node, profile.publishAddress, pattern, this);

    auto* containers = new FilteredTable(m_table, m_model, u"nodeContainersFilter"_s, this);
    m_proxy = containers->proxy();
    m_proxy->setSortRole(NodeContainersModel::SortRole);
    m_table->sortByColumn(NodeContainersModel::Name, Qt::AscendingOrder);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &NodeDetailView::selectionChanged);
    connect(m_table, &QTableView::doubleClicked, this, [this] { m_tabs->setCurrentIndex(LogsTab); });

    QTableView* units = makeTable(u"nodeUnits"_s, this);
    auto* unitsProxy = new QSortFilterProxyModel(units);
    unitsProxy->setSourceModel(m_units);
    units->setModel(unitsProxy);
    units->sortByColumn(NodeUnitsModel::Unit, Qt::AscendingOrder);

    m_tabs->setObjectName(u"nodeDetailTabs"_s);
    m_logs->setObjectName(u"nodeLogs"_s);
    m_inspect->setObjectName(u"nodeInspect"_s);
    m_tabs->insertTab(ContainersTab, containers, tr("Containers"));
    m_tabs->insertTab(LogsTab, m_logs, tr("Logs"));
    m_tabs->insertTab(InspectTab, m_inspect, tr("Inspect"));
    m_tabs->insertTab(UnitsTab, units, tr("Units"));
    m_status->setObjectName(u"nodeDetailStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_tabs, 1);

    m_poll.setInterval(PollIntervalMs);
    connect(&m_poll, &QTimer::timeout, this, &NodeDetailView::refresh);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(DebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &NodeDetailView::refresh);

    if (!m_connection) {
        setStatus(tr("There is no node called %1 in profile %2. Check the profile's nodes (Cluster → Edit "
                     "profile).")
                      .arg(node, session ? session->profile().name : QString()),
                  true);
        return;
    }
    connect(m_connection, &NodeConnection::stateChanged, this, &NodeDetailView::nodeStateChanged);
    connect(session->inventory(), &NodeInventory::containerEvent, this,
            [this](const QString& n, const QJsonObject&) {
                if (n == m_node)
                    m_debounce.start();
            });
    m_poll.start();
    nodeStateChanged();
}

NodeDetailView::~NodeDetailView() = default;

NodeDetailView* NodeDetailView::open(ClusterSession* session, const QString& node, QWidget* parent)
{
    if (parent) {
        const auto views = parent->findChildren<NodeDetailView*>(Qt::FindDirectChildrenOnly);
        for (NodeDetailView* v : views) {
            if (v->node() == node && v->m_session == session) {
                v->raise();
                v->activateWindow();
                return v;
            }
        }
    }
    auto* view = new NodeDetailView(session, node, parent);
    view->setWindowFlag(Qt::Window);
    view->setAttribute(Qt::WA_DeleteOnClose);
    view->resize(960, 600);
    view->show();
    return view;
}

DockerClient* NodeDetailView::docker() const
{
    return m_connection && m_connection->state() == NodeConnection::State::Ready ? m_connection->docker()
                                                                                 : nullptr;
}

void NodeDetailView::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? u"color: #b00020;"_s : QString());
    m_status->setVisible(!text.isEmpty());
}

void NodeDetailView::nodeStateChanged()
{
    if (!m_connection)
        return;
    switch (m_connection->state()) {
    case NodeConnection::State::Ready:
        setStatus(QString(), false);
        refresh();
        break;
    case NodeConnection::State::Failed:
        setStatus(tr("Node %1 is not reachable: %2. What is shown is from before; it updates once the node "
                     "answers again (see the Nodes tab).")
                      .arg(m_node, m_connection->detail()),
                  true);
        break;
    case NodeConnection::State::Idle:
    case NodeConnection::State::Connecting:
        setStatus(tr("Connecting to the Docker engine of %1 (%2)…")
                      .arg(m_node, m_connection->profile().dockerEndpoint),
                  false);
        break;
    }
    syncStats();
    followSelection();
}

void NodeDetailView::refresh()
{
    DockerClient* client = docker();
    if (!client)
        return;
    const quint64 generation = ++m_listGeneration;
    client->listContainers(true, {}, this, [this, generation](const Result<QList<ContainerSummary>>& list) {
        if (generation == m_listGeneration)
            listed(list);
    });
}

void NodeDetailView::listed(const Result<QList<ContainerSummary>>& containers)
{
    if (!containers) {
        setStatus(tr("Could not list the containers on %1: %2. Check the node in the Nodes tab; this retries "
                     "every %3 s.")
                      .arg(m_node, containers.error().toString())
                      .arg(PollIntervalMs / 1000),
                  true);
        return;
    }
    setStatus(QString(), false);
    m_model->setContainers(*containers);
    m_units->setContainers(*containers);
    syncStats();
    if (!m_selectedId.isEmpty() && m_model->rowOf(m_selectedId) < 0) {
        m_selectedId.clear();
        m_logs->clear(tr("%1 was removed.").arg(m_selectedName));
        m_inspect->inspect(docker(), {}, {});
        m_selectedName.clear();
    }
    followSelection();
}

void NodeDetailView::syncStats()
{
    DockerClient* client = docker();
    if (client != m_statsClient) {
        // A new link (or none): the old streams belong to a client that is gone or going.
        qDeleteAll(std::exchange(m_stats, {}));
        m_statsClient = client;
    }
    QSet<QString> running;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->container(row).state == u"running"_s)
            running.insert(m_model->container(row).id);
    }
    for (auto it = m_stats.begin(); it != m_stats.end();) {
        if (!client || !running.contains(it.key())) {
            delete it.value();
            it = m_stats.erase(it);
        } else {
            ++it;
        }
    }
    if (!client)
        return;
    for (const QString& id : std::as_const(running)) {
        if (m_stats.contains(id))
            continue;
        DockerStatsStream* stream = client->stats(id, this);
        connect(stream, &DockerStatsStream::sampleReceived, this,
                [this, id](const StatsSample& sample) { m_model->setSample(id, sample); });
        connect(stream, &DockerStatsStream::failed, this, [this, id] {
            // Gone (404): the next listing drops its row; deleted later, it is emitting now.
            if (DockerStatsStream* s = m_stats.take(id))
                s->deleteLater();
        });
        m_stats.insert(id, stream);
    }
}

bool NodeDetailView::selectContainer(const QString& name)
{
    const int row = m_model->rowOfName(name);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false; // filtered out
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                          QItemSelectionModel::Rows);
    return true;
}

void NodeDetailView::selectionChanged()
{
    const QModelIndex current = m_proxy->mapToSource(m_table->selectionModel()->currentIndex());
    const QString id = current.isValid()
                           ? m_model->index(current.row(), 0).data(NodeContainersModel::IdRole).toString()
                           : QString();
    if (id == m_selectedId)
        return;
    m_selectedId = id;
    m_selectedName = current.isValid()
                         ? m_model->index(current.row(), 0).data(NodeContainersModel::NameRole).toString()
                         : QString();
    if (id.isEmpty()) {
        m_logs->clear();
        m_inspect->inspect(docker(), {}, {});
    } else {
        followSelection();
        m_inspect->inspect(docker(), m_selectedId, m_selectedName);
    }
    Q_EMIT containerSelected(m_selectedId, m_selectedName);
}

void NodeDetailView::followSelection()
{
    const int row = m_selectedId.isEmpty() ? -1 : m_model->rowOf(m_selectedId);
    if (row < 0)
        return;
    m_logs->follow(docker(), m_selectedId, m_selectedName, m_model->container(row).state == u"running"_s);
}

} // namespace lbdeck
