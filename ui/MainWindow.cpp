// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "MainWindow.h"

#include "BackendActions.h"
#include "Dialogs.h"
#include "HelpMenu.h"
#include "NodeActions.h"
#include "NodeMoveAction.h"
#include "SecretStore.h"
#include "core/cluster/BackendAddress.h"
#include "core/cluster/ClusterEvents.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/EngineLink.h"
#include "core/cluster/NodeConnection.h"
#include "core/cluster/NodeInventory.h"
#include "core/cluster/ProfileStore.h"
#include "core/cluster/RemoteEngineLink.h"
#include "core/etcd/EtcdLiveness.h"
#include "core/ssh/AskpassReply.h"
#include "core/ssh/AskpassServer.h"
#include "dialogs/ProfileDialog.h"
#include "models/BackendsModel.h"
#include "models/BalancersModel.h"
#include "models/EventLogModel.h"
#include "models/NodesModel.h"
#include "models/OverviewModel.h"
#include "models/UpstreamsModel.h"
#include "views/BalancersPanel.h"
#include "views/CaptureExport.h"
#include "views/ConfigView.h"
#include "views/FilteredTable.h"
#include "views/NodeDetailView.h"
#include "views/OverviewView.h"
#include "views/ServingBanner.h"
#include "views/TabWidget.h"
#include "views/TrafficView.h"

#include <QAction>
#include <QApplication>
#include <QBoxLayout>
#include <QClipboard>
#include <QCloseEvent>
#include <QDockWidget>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPointer>
#include <QProcess>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

// The view shows the model through the filter box's proxy; the window keeps the model itself.
FilteredTable* makeTable(QAbstractItemModel* model, const QString& objectName, const QString& filterName,
                         QWidget* parent)
{
    auto* view = new QTableView;
    view->setObjectName(objectName);
    auto* table = new FilteredTable(view, model, filterName, parent);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->setSortingEnabled(false);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    // Fitting a column looks at the first rows only: with 10,000 rows the whole column would cost a frame.
    view->horizontalHeader()->setResizeContentsPrecision(200);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->setWordWrap(false);
    // Columns fit their content as rows come and go (coalesced: a burst of rows is one pass), and
    // stay where the operator drags them otherwise.
    auto* fit = new QTimer(view);
    fit->setSingleShot(true);
    fit->setInterval(50);
    QObject::connect(fit, &QTimer::timeout, view, [view] {
        for (int c = 0; c + 1 < view->model()->columnCount(); ++c)
            view->resizeColumnToContents(c);
    });
    QObject::connect(model, &QAbstractItemModel::rowsInserted, fit, qOverload<>(&QTimer::start));
    QObject::connect(model, &QAbstractItemModel::modelReset, fit, qOverload<>(&QTimer::start));
    QObject::connect(model, &QAbstractItemModel::dataChanged, fit, qOverload<>(&QTimer::start));
    return table;
}

QString stateText(PrefixMirror::State state)
{
    switch (state) {
    case PrefixMirror::State::Idle:
        return QObject::tr("idle");
    case PrefixMirror::State::Loading:
        return QObject::tr("loading…");
    case PrefixMirror::State::Live:
        return QObject::tr("live");
    case PrefixMirror::State::Reconnecting:
        return QObject::tr("reconnecting…");
    }
    return QString();
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_backends(new BackendsModel(this))
    , m_nodes(new NodesModel(this))
    , m_overviewModel(new OverviewModel(this))
    , m_upstreams(new UpstreamsModel(this))
    , m_log(new EventLogModel(this))
    , m_tabs(new TabWidget(this))
    , m_secrets(new SecretStore(QStringLiteral("lbdeck"), this))
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("lbdeck"));
    setWindowIcon(QIcon(u":/lbdeck/icons/lbdeck.svg"_s));
    m_tabs->setObjectName(u"tabs"_s);
    m_tabs->setDocumentMode(true);
    setCentralWidget(m_tabs);

    FilteredTable* backends = makeTable(m_backends, u"backendsView"_s, u"backendsFilter"_s, m_tabs);
    FilteredTable* nodes = makeTable(m_nodes, u"nodesView"_s, u"nodesFilter"_s, m_tabs);
    m_backendsView = backends->view();
    m_nodesView = nodes->view();
    // Double-click (or Enter) on a node: its containers, logs, inspect and units.
    connect(m_nodesView, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        showNodeDetail(index.siblingAtColumn(NodesModel::Node).data().toString());
    });
    m_nodeActions = new NodeActions(m_nodesView, this);
    connect(m_nodeActions, &NodeActions::logMessage, m_log, &EventLogModel::append);
    m_nodesView->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_nodesView->addActions(m_nodeActions->actions());
    // Move its backends… for a node that stays unreachable (it adds itself to the view's menu).
    connect(new NodeMoveAction(m_nodesView, this), &NodeMoveAction::logMessage, m_log,
            &EventLogModel::append);
    // First: the cluster at a glance; a click there selects the row in its own tab.
    m_overview = new OverviewView(m_tabs);
    m_overview->setModel(m_overviewModel);
    connect(m_overview, &OverviewView::backendActivated, this, &MainWindow::showBackend);
    connect(m_overview, &OverviewView::nodeActivated, this, &MainWindow::showNode);
    connect(m_overview, &OverviewView::nodeDetailRequested, this, &MainWindow::showNodeDetail);
    m_tabs->addTab(m_overview, tr("&Overview"));
    m_tabs->addTab(nodes, tr("&Nodes"));
    m_tabs->addTab(backends, tr("&Backends"));
    // Over the tables that would otherwise look clean while nginx serves a stopped address.
    m_backendsBanner = new ServingBanner(backends);
    if (auto* box = qobject_cast<QBoxLayout*>(backends->layout()))
        box->insertWidget(0, m_backendsBanner);
    m_backendsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_actions = new BackendActions(m_backendsView, this);
    connect(m_actions, &BackendActions::logMessage, m_log, &EventLogModel::append);
    // The Traffic chart marks every start and stop, next to the engine's reloads.
    connect(m_actions, &BackendActions::operationDone, this,
            [this](const QString& title) { m_traffic->addMarker(QDateTime::currentDateTime(), title); });
    auto* toolbar = addToolBar(tr("Backends"));
    toolbar->setObjectName(u"backendsToolbar"_s);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addActions(m_actions->actions());
    m_backendsView->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_backendsView->addActions(m_actions->actions());
    FilteredTable* upstreams = makeTable(m_upstreams, u"upstreamsView"_s, u"upstreamsFilter"_s, m_tabs);
    m_upstreamsView = upstreams->view();
    m_tabs->addTab(upstreams, tr("&Upstreams"));
    m_upstreamsBanner = new ServingBanner(upstreams);
    m_upstreamsBanner->setObjectName(u"upstreamsServingBanner"_s);
    if (auto* box = qobject_cast<QBoxLayout*>(upstreams->layout()))
        box->insertWidget(0, m_upstreamsBanner);
    m_traffic = new TrafficView(m_tabs);
    m_tabs->addTab(m_traffic, tr("&Traffic"));
    m_config = new ConfigView(m_tabs);
    connect(m_config, &ConfigView::logMessage, m_log, &EventLogModel::append);
    // Every load balancer's generation, over the servers and the config of the first.
    m_balancers = new BalancersModel(this);
    if (auto* box = qobject_cast<QBoxLayout*>(upstreams->layout()))
        box->insertWidget(0, new BalancersPanel(m_balancers, upstreams));
    if (auto* box = qobject_cast<QBoxLayout*>(m_config->layout()))
        box->insertWidget(0, new BalancersPanel(m_balancers, m_config));
    m_tabs->addTab(m_config, tr("&Config"));

    auto* logDock = new QDockWidget(tr("Event log"), this);
    logDock->setObjectName(u"eventLogDock"_s);
    m_logTable = makeTable(m_log, u"eventLog"_s, u"eventLogFilter"_s, logDock);
    m_logView = m_logTable->view();
    m_logView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    connect(m_log, &QAbstractItemModel::rowsInserted, m_logView, [this] { m_logView->scrollToBottom(); });
    logDock->setWidget(m_logTable);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);

    statusBar()->addWidget(m_actions->progressWidget());
    m_engineStatus = new QLabel(tr("engine: not connected"), this);
    m_engineStatus->setObjectName(u"engineStatus"_s);
    statusBar()->addPermanentWidget(m_engineStatus);
    m_connectionStatus = new QLabel(tr("not connected"), this);
    m_connectionStatus->setObjectName(u"connectionStatus"_s);
    statusBar()->addPermanentWidget(m_connectionStatus);

    createActions();
    restoreLayout();
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    if (!settings.contains(u"window/geometry"_s)) {
        resize(1100, 720);
        return;
    }
    restoreGeometry(settings.value(u"window/geometry"_s).toByteArray());
    restoreState(settings.value(u"window/state"_s).toByteArray());
    m_backendsView->horizontalHeader()->restoreState(
        settings.value(u"window/backendsColumns"_s).toByteArray());
    m_upstreamsView->horizontalHeader()->restoreState(
        settings.value(u"window/upstreamsColumns"_s).toByteArray());
    m_tabs->setCurrentIndex(settings.value(u"window/tab"_s, 0).toInt());
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* newProfile = file->addAction(tr("&New cluster profile…"), this, [this] { editProfile(false); });
    newProfile->setObjectName(u"actionNewProfile"_s);
    newProfile->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    QAction* editCurrent = file->addAction(tr("&Edit this profile…"), this, [this] { editProfile(true); });
    editCurrent->setObjectName(u"actionEditProfile"_s);
    QMenu* open = file->addMenu(tr("&Open profile"));
    open->setObjectName(u"menuOpenProfile"_s);
    connect(open, &QMenu::aboutToShow, this, [this, open] {
        open->clear();
        const QStringList names = ProfileStore().names();
        if (names.isEmpty())
            open->addAction(tr("(no saved profiles)"))->setEnabled(false);
        for (const QString& name : names) {
            // A cluster per window: the profile opens in a new lbdeck.
            open->addAction(name, this, [name] {
                QProcess::startDetached(QCoreApplication::applicationFilePath(), {u"--profile"_s, name});
            });
        }
    });
    file->addSeparator();
    QAction* exportConfig = file->addAction(tr("&Export nginx.conf…"), m_config, &ConfigView::exportConfig);
    exportConfig->setObjectName(u"actionExportConfig"_s);
    exportConfig->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    QAction* exportBundle = file->addAction(tr("Export &bundle…"), m_config, &ConfigView::exportBundle);
    exportBundle->setObjectName(u"actionExportBundle"_s);
    exportBundle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    QAction* exportCapture = file->addAction(tr("Export &capture…"), this, [this] {
        m_tabs->setCurrentWidget(m_traffic);
        if (CaptureExport* e = m_traffic->captureExport())
            e->start();
    });
    exportCapture->setObjectName(u"actionExportCapture"_s);
    exportCapture->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    exportCapture->setToolTip(tr("Record 30 s of the load balancer's traffic into a .pcap file"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setObjectName(u"actionQuit"_s);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(u"menuView"_s);
    m_goMenu = view->addMenu(tr("&Go to tab"));
    m_goMenu->setObjectName(u"menuGoToTab"_s);
    syncTabActions();
    connect(m_tabs, &TabWidget::tabsChanged, this, &MainWindow::syncTabActions);
    QAction* filter = view->addAction(tr("&Filter this table"), this, &MainWindow::focusFilter);
    filter->setObjectName(u"actionFilter"_s);
    filter->setShortcuts({QKeySequence(QKeySequence::Find), QKeySequence(Qt::Key_Slash)});
    QAction* refresh = view->addAction(tr("&Refresh engine status"), this, [this] {
        if (m_session && m_session->engine())
            m_session->engine()->refresh();
    });
    refresh->setShortcut(QKeySequence::Refresh);
    QAction* copy = view->addAction(tr("&Copy event log"), this, &MainWindow::copyLog);
    copy->setObjectName(u"actionCopyLog"_s);
    copy->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));

    QMenu* backend = menuBar()->addMenu(tr("Bac&kend"));
    backend->setObjectName(u"menuBackend"_s);
    backend->addActions(m_actions->actions());
    addHelpMenu(this);
}

void MainWindow::syncTabActions()
{
    // Visible actions only: Qt ignores the shortcut of a hidden one.
    const int wanted = qMin(m_tabs->count(), 9);
    while (m_tabActions.size() > wanted)
        delete m_tabActions.takeLast();
    while (m_tabActions.size() < wanted) {
        const int i = int(m_tabActions.size());
        QAction* go = m_goMenu->addAction(QString(), this, [this, i] {
            if (i < m_tabs->count())
                m_tabs->setCurrentIndex(i);
        });
        go->setObjectName(u"actionGoToTab%1"_s.arg(i + 1));
        go->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)));
        m_tabActions.append(go);
    }
    for (int i = 0; i < wanted; ++i)
        m_tabActions[i]->setText(m_tabs->tabText(i).remove(u'&'));
}

void MainWindow::focusFilter()
{
    // In the event log, its own filter; otherwise the current tab's first table (the log's when
    // the tab has none).
    QWidget* focus = QApplication::focusWidget();
    if (focus && (focus == m_logTable || m_logTable->isAncestorOf(focus))) {
        m_logTable->focusFilter();
        return;
    }
    QWidget* page = m_tabs->currentWidget();
    auto* table = qobject_cast<FilteredTable*>(page);
    if (!table && page)
        table = page->findChild<FilteredTable*>();
    (table ? table : m_logTable)->focusFilter();
}

void MainWindow::editProfile(bool current)
{
    auto* dialog = new ProfileDialog(m_secrets, this);
    if (m_session)
        dialog->setSshOptions(m_session->sshOptions()); // Test connection reaches nodes as the session does
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (current && m_session)
        dialog->setProfile(m_session->profile());
    connect(dialog, &ProfileDialog::saved, this, [this](const ClusterProfile& p) {
        m_log->append(tr("Saved profile \"%1\" (File → Open profile opens it)").arg(p.name), false);
    });
    dialog->open();
}

void MainWindow::copyLog()
{
    // The selected lines, or every line the filter shows.
    QModelIndexList shown = m_logView->selectionModel()->selectedRows();
    if (shown.isEmpty() && m_logTable->proxy()->rowCount() < m_log->rowCount()) {
        if (m_logTable->proxy()->rowCount() == 0) {
            statusBar()->showMessage(tr("The filter shows no event: nothing copied"), 3000);
            return;
        }
        for (int r = 0; r < m_logTable->proxy()->rowCount(); ++r)
            shown << m_logTable->proxy()->index(r, 0);
    }
    QModelIndexList selected;
    for (const QModelIndex& i : std::as_const(shown))
        selected << m_logTable->proxy()->mapToSource(i);
    QApplication::clipboard()->setText(m_log->toText(selected));
    statusBar()->showMessage(tr("Event log copied"), 3000);
}

void MainWindow::setSession(ClusterSession* session)
{
    m_session = session;
    m_config->setSession(session);
    connect(
        session, &ClusterSession::hostKeyUnknown, this,
        [this](NodeConnection* node, const QString& host, const QString& type, const QString& fingerprint) {
            // The dialog runs its own event loop: the session may close meanwhile.
            const QPointer<NodeConnection> asking(node);
            const bool yes = askHostKey(host, tr("node %1").arg(node->profile().name), type, fingerprint);
            if (asking)
                asking->approveHostKey(yes);
        });
    connect(session, &ClusterSession::engineHostKeyUnknown, this,
            [this](RemoteEngineLink* link, const QString& balancer, const QString& host, const QString& type,
                   const QString& fingerprint) {
                const QPointer<RemoteEngineLink> asking(link);
                const bool yes =
                    askHostKey(host, tr("the engine of load balancer %1").arg(balancer), type, fingerprint);
                if (asking)
                    asking->approveHostKey(yes);
            });
    setWindowTitle(tr("%1 — lbdeck").arg(session->profile().name));
    connect(session, &ClusterSession::logMessage, m_log, &EventLogModel::append);
    // Reloads, etcd edits by others and container exits: what happened without this window.
    connect(session->events(), &ClusterEvents::logMessage, m_log, &EventLogModel::append);
    connect(session, &ClusterSession::failed, this,
            [this](const Error& e) { m_connectionStatus->setText(tr("etcd: %1").arg(e.toString())); });
    connect(session, &ClusterSession::opened, this, [this] {
        m_backends->setMirror(m_session->backends());
        connect(m_session->backends(), &PrefixMirror::stateChanged, this, &MainWindow::updateStatus);
        if (EtcdLiveness* liveness = m_session->liveness()) {
            m_backends->setLiveness(liveness);
            connect(liveness, &EtcdLiveness::staleChanged, this, &MainWindow::updateStatus);
        }
        connect(m_session->backends(), &PrefixMirror::changed, this, &MainWindow::updateStatus);
        connect(m_session->backends(), &PrefixMirror::resynced, this, &MainWindow::updateStatus);
        m_nodes->setSession(m_session);
        m_overviewModel->setSession(m_session);
        m_balancers->setFleet(m_session->fleet());
        m_backends->setSources(m_session->inventory(), m_session->engine(), m_session->prober());
        m_actions->setSession(m_session);
        m_nodeActions->setSession(m_session);
        if (auto* move = findChild<NodeMoveAction*>())
            move->setSession(m_session);
        if (AskpassServer* askpass = m_session->askpass()) {
            connect(askpass, &AskpassServer::passwordRequested, this,
                    [this](const QString& prompt, AskpassReply* asked) {
                        // The dialog runs its own event loop: ssh may give up meanwhile and the
                        // reply be deleted.
                        const QPointer<AskpassReply> reply(asked);
                        bool ok = false;
                        const QString secret = dialogs::password(this, tr("SSH"), prompt, &ok);
                        if (!reply)
                            return;
                        if (ok)
                            reply->answer(secret);
                        else
                            reply->refuse();
                    });
        }
        if (EngineLink* engine = m_session->engine()) {
            m_upstreams->setSources(engine, m_session->prober());
            m_backendsBanner->setEngine(engine);
            m_upstreamsBanner->setEngine(engine);
            QList<std::pair<QString, EngineLink*>> engines;
            for (const ClusterSession::Balancer& b : m_session->balancers())
                engines.append({b.name, b.link});
            m_traffic->setEngines(engines);
            // A backend's node is the one that publishes on its host (the profile's few nodes).
            m_traffic->setNodeOf([session = QPointer<ClusterSession>(m_session)](const QString& address) {
                if (!session)
                    return QString();
                const QString host = BackendAddress::hostOf(address.toUtf8());
                for (const NodeConnection* n : session->nodes())
                    if (n->profile().publishAddress == host)
                        return n->profile().name;
                return QString();
            });
            connect(engine, &EngineLink::updated, this, &MainWindow::updateStatus);
            connect(engine, &EngineLink::reachabilityChanged, this, &MainWindow::updateStatus);
        }
        updateStatus();
    });
}

void MainWindow::showBackend(const QString& key)
{
    auto* table = qobject_cast<FilteredTable*>(m_backendsView->parentWidget());
    const int row = m_backends->rowOf(key.toUtf8());
    if (!table || row < 0)
        return;
    m_tabs->setCurrentWidget(table);
    QModelIndex shown = table->proxy()->mapFromSource(m_backends->index(row, 0));
    if (!shown.isValid()) { // the filter hides it: the operator asked for this row
        table->filter()->clear();
        shown = table->proxy()->mapFromSource(m_backends->index(row, 0));
    }
    m_backendsView->selectRow(shown.row());
    m_backendsView->scrollTo(shown);
    m_backendsView->setFocus();
}

void MainWindow::showNode(const QString& node)
{
    auto* table = qobject_cast<FilteredTable*>(m_nodesView->parentWidget());
    if (!table)
        return;
    for (int r = 0; r < m_nodes->rowCount(); ++r) {
        if (m_nodes->index(r, NodesModel::Node).data().toString() != node)
            continue;
        m_tabs->setCurrentWidget(table);
        QModelIndex shown = table->proxy()->mapFromSource(m_nodes->index(r, 0));
        if (!shown.isValid()) {
            table->filter()->clear();
            shown = table->proxy()->mapFromSource(m_nodes->index(r, 0));
        }
        m_nodesView->selectRow(shown.row());
        m_nodesView->setFocus();
        return;
    }
}

NodeDetailView* MainWindow::openNodeDetail(const QString& node)
{
    return m_session ? NodeDetailView::open(m_session, node, this) : nullptr;
}

void MainWindow::showNodeDetail(const QString& node)
{
    openNodeDetail(node);
}

bool MainWindow::askHostKey(const QString& host, const QString& what, const QString& keyType,
                            const QString& fingerprint)
{
    // Never accepted silently: the operator compares the fingerprint with the host's own
    // (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on that machine).
    const auto answer = dialogs::question(
        this, tr("Unknown SSH host key"),
        tr("lbdeck has never connected to %1 (%2).\n\nIts %3 host key fingerprint is:\n\n    %4\n\n"
           "Trust this key and connect? Answer No unless it matches what the machine's administrator gave "
           "you.")
            .arg(host, what, keyType, fingerprint),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    const bool yes = answer == QMessageBox::Yes;
    m_log->append(yes ? tr("Trusted the host key of %1 (%2)").arg(host, fingerprint)
                      : tr("Refused the host key of %1 (%2): not connecting").arg(host, fingerprint),
                  !yes);
    return yes;
}

void MainWindow::updateStatus()
{
    if (!m_session || !m_session->backends())
        return;
    const PrefixMirror* mirror = m_session->backends();
    const EtcdLiveness* liveness = m_session->liveness();
    if (liveness && liveness->isStale()) {
        // Never a green light on old data: say since when, in colour.
        m_connectionStatus->setText(tr("%1 — STALE: %2 — revision %3 is what it said last")
                                        .arg(m_session->etcd()->describe(), liveness->describe())
                                        .arg(mirror->revision()));
        m_connectionStatus->setStyleSheet(u"QLabel { color: white; background: #b00020; padding: 0 4px; }"_s);
    } else {
        m_connectionStatus->setText(tr("%1 — %2 — revision %3")
                                        .arg(m_session->etcd()->describe(), stateText(mirror->state()))
                                        .arg(mirror->revision()));
        m_connectionStatus->setStyleSheet(QString());
    }
    if (const EngineLink* engine = m_session->engine()) {
        m_engineStatus->setText(
            engine->isReachable()
                ? tr("engine: config %1, %2 reloads").arg(engine->configHash()).arg(engine->reloads()) +
                      (ServingBanner::text(engine).isEmpty()
                           ? QString()
                           : tr(" — nginx still serves %1")
                                 .arg(engine->servedButUnregistered().join(u", "_s)))
                : tr("engine unreachable since %1: %2")
                      .arg(engine->unreachableSince().toLocalTime().toString(u"HH:mm:ss"_s),
                           engine->lastError()));
    } else {
        m_engineStatus->setText(tr("engine: none configured"));
    }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    settings.setValue(u"window/backendsColumns"_s, m_backendsView->horizontalHeader()->saveState());
    settings.setValue(u"window/upstreamsColumns"_s, m_upstreamsView->horizontalHeader()->saveState());
    settings.setValue(u"window/tab"_s, m_tabs->currentIndex());
    event->accept();
}

} // namespace lbdeck
