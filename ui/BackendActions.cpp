// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BackendActions.h"

#include "Dialogs.h"
#include "core/cluster/BackendAddress.h"
#include "core/cluster/BackendOperation.h"
#include "core/cluster/BackendService.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/DriftDetector.h"
#include "core/cluster/EngineLink.h"
#include "core/cluster/NodeConnection.h"
#include "core/cluster/NodeInventory.h"
#include "core/cluster/NodeLoad.h"
#include "core/cluster/Placement.h"
#include "core/cluster/PlacementInputs.h"
#include "core/cluster/StopImpact.h"
#include "dialogs/ResyncDialog.h"
#include "dialogs/StartBackendDialog.h"
#include "models/BackendsModel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QProgressBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

// The rows as the model holds them, whatever filter the view shows through.
const QAbstractItemModel* sourceOf(const QAbstractItemModel* model)
{
    while (const auto* proxy = qobject_cast<const QAbstractProxyModel*>(model))
        model = proxy->sourceModel();
    return model;
}

} // namespace

BackendActions::BackendActions(QTableView* backendsView, QWidget* window)
    : QObject(window)
    , m_view(backendsView)
    , m_window(window)
    , m_load(new NodeLoad(this))
{
    auto make = [this](const QString& text, const QString& name, const QKeySequence& shortcut,
                       const QString& tip) {
        auto* a = new QAction(text, m_window);
        a->setObjectName(name);
        a->setShortcut(shortcut);
        a->setToolTip(
            shortcut.isEmpty() ? tip : tip + u" ("_s + shortcut.toString(QKeySequence::NativeText) + u')');
        return a;
    };
    m_start = make(tr("&Start backend…"), u"actionStartBackend"_s, QKeySequence(Qt::CTRL | Qt::Key_N),
                   tr("Start a backend container on a node and register it once it answers"));
    m_stop = make(tr("S&top…"), u"actionStopBackend"_s, QKeySequence::Delete,
                  tr("Unregister the selected backends, then stop and remove their containers"));
    m_drain =
        make(tr("&Drain and stop…"), u"actionDrainBackend"_s, QKeySequence(Qt::SHIFT | Qt::Key_Delete),
             tr("Unregister, wait for nginx to reload without it and for its connections to end, then stop"));
    m_restart = make(tr("&Restart…"), u"actionRestartBackend"_s, QKeySequence(Qt::CTRL | Qt::Key_R),
                     tr("Stop and start the selected backends"));
    m_replace =
        make(tr("Re&place…"), u"actionReplaceBackend"_s, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
             tr("Stop the selected backend and start its port on a node you choose"));
    m_remove = make(tr("Remove e&xited container…"), u"actionRemoveContainer"_s, QKeySequence(),
                    tr("Remove the selected container: it is not running and not registered"));
    m_scale =
        make(tr("Sc&ale to N…"), u"actionScaleBackends"_s, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A),
             tr("Start or stop backends to reach N, spread across nodes by placement"));
    m_resync = make(tr("Resync and &fix drift…"), u"actionResync"_s, QKeySequence(Qt::CTRL | Qt::Key_D),
                    tr("Compare Docker and etcd on every node and choose repairs for what disagrees"));
    connect(m_start, &QAction::triggered, this, &BackendActions::startBackend);
    connect(m_stop, &QAction::triggered, this, &BackendActions::stopSelected);
    connect(m_drain, &QAction::triggered, this, &BackendActions::drainSelected);
    connect(m_restart, &QAction::triggered, this, &BackendActions::restartSelected);
    connect(m_replace, &QAction::triggered, this, &BackendActions::replaceSelected);
    connect(m_remove, &QAction::triggered, this, &BackendActions::removeSelected);
    connect(m_resync, &QAction::triggered, this, &BackendActions::resync);
    connect(m_scale, &QAction::triggered, this, &BackendActions::scaleTo);

    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);

    m_progressBox = new QWidget(m_window);
    m_progressBox->setObjectName(u"operationBox"_s);
    m_progress = new QProgressBar(m_progressBox);
    m_progress->setObjectName(u"operationProgress"_s);
    m_progress->setMaximumWidth(160);
    m_step = new QLabel(m_progressBox);
    m_step->setObjectName(u"operationStep"_s);
    m_cancel = new QToolButton(m_progressBox);
    m_cancel->setObjectName(u"cancelOperation"_s);
    m_cancel->setText(tr("Cancel"));
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        m_queueCanceled = true;
        m_queue.clear();
        if (m_running)
            m_running->cancel();
    });
    auto* layout = new QHBoxLayout(m_progressBox);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_step);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    m_progressBox->hide();
    updateEnabled();
}

QList<QAction*> BackendActions::actions() const
{
    return {m_start, m_scale, m_stop, m_drain, m_restart, m_replace, m_remove, m_resync};
}

void BackendActions::setSession(ClusterSession* session)
{
    m_session = session;
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &BackendActions::updateEnabled);
    updateEnabled();
}

void BackendActions::updateEnabled()
{
    const bool busy = m_running || !m_queue.isEmpty();
    const bool haveNodes = m_session && !m_session->nodes().isEmpty();
    const QModelIndexList rows =
        m_view->selectionModel() ? m_view->selectionModel()->selectedRows() : QModelIndexList();
    const bool haveRow = !rows.isEmpty();
    const bool one = rows.size() == 1;
    const bool exited = one && !rows.first().data(BackendsModel::RunningRole).toBool() &&
                        !rows.first().data(BackendsModel::ContainerRole).toString().isEmpty();
    m_start->setEnabled(!busy && haveNodes);
    m_scale->setEnabled(!busy && haveNodes);
    m_stop->setEnabled(!busy && haveNodes && haveRow);
    m_drain->setEnabled(!busy && haveNodes && haveRow && m_session && m_session->engine());
    m_restart->setEnabled(!busy && haveNodes && haveRow);
    m_replace->setEnabled(!busy && haveNodes && one);
    m_remove->setEnabled(!busy && haveNodes && exited);
    m_resync->setEnabled(!busy && haveNodes);
}

quint16 BackendActions::suggestPort() const
{
    // The seed counts up from 8001; suggest the first port no backend uses yet (filtered or not).
    QSet<int> used;
    const QAbstractItemModel* model = sourceOf(m_view->model());
    for (int r = 0; r < model->rowCount(); ++r)
        used.insert(model->index(r, 0).data(BackendsModel::PortRole).toInt());
    quint16 port = 8001;
    while (used.contains(port))
        ++port;
    return port;
}

QList<BackendActions::Target> BackendActions::selectedTargets(bool quiet)
{
    QList<Target> targets;
    if (!m_session || !m_view->selectionModel())
        return targets;
    QStringList unknown;
    for (const QModelIndex& row : m_view->selectionModel()->selectedRows()) {
        Target t;
        t.name = row.siblingAtColumn(BackendsModel::Name).data().toString();
        t.address = row.data(BackendsModel::AddressRole).toString();
        t.port = quint16(row.data(BackendsModel::PortRole).toInt());
        t.container = row.data(BackendsModel::ContainerRole).toString();
        t.running = row.data(BackendsModel::RunningRole).toBool();
        t.registered = row.data(BackendsModel::RegisteredRole).toBool();
        QString nodeName = row.data(BackendsModel::NodeRole).toString();
        if (nodeName.isEmpty()) {
            // Not seen in Docker: the node that publishes on the key's address.
            const QString host = BackendAddress::hostOf(t.address.toUtf8());
            for (NodeConnection* n : m_session->nodes()) {
                if (n->profile().publishAddress == host)
                    nodeName = n->profile().name;
            }
        }
        t.node = m_session->node(nodeName);
        if (!t.node || t.port == 0)
            unknown << (t.name.isEmpty() ? t.address : t.name);
        else
            targets.append(t);
    }
    if (!unknown.isEmpty() && !quiet)
        dialogs::warning(
            m_window, tr("Which node?"),
            tr("lbdeck cannot tell which node runs %1: it is not a container lbdeck knows, and its "
               "address is not one of the profile's nodes. Nothing was done to it.")
                .arg(unknown.join(u", "_s)));
    return targets;
}

bool BackendActions::confirm(const QString& verb, const QList<Target>& targets, bool temporary)
{
    // The upstream as nginx runs it now; without an engine, what etcd registers.
    QStringList upstream;
    EngineLink* engine = m_session ? m_session->engine() : nullptr;
    if (engine && engine->isReachable()) {
        upstream = engine->liveValues();
    } else {
        const QAbstractItemModel* model = sourceOf(m_view->model());
        for (int r = 0; r < model->rowCount(); ++r) {
            const QModelIndex i = model->index(r, 0);
            if (i.data(BackendsModel::RegisteredRole).toBool())
                upstream << i.data(BackendsModel::AddressRole).toString();
        }
    }
    QStringList leaving;
    QStringList lines;
    for (const Target& t : targets) {
        leaving << t.address;
        lines << u"• %1 on %2 (%3)"_s.arg(t.name, t.node->profile().name, t.address);
    }
    const StopImpact impact = StopImpact::of(upstream, leaving, temporary);
    const QString text = tr("%1 %n backend(s)?\n\n%2\n\n%3", nullptr, int(targets.size()))
                             .arg(verb, lines.join(u'\n'), impact.summary());
    // Cancel is the default when the upstream would go empty: Enter must not cause an outage.
    const auto answer =
        dialogs::question(m_window, tr("%1 backends").arg(verb), text, QMessageBox::Yes | QMessageBox::Cancel,
                          impact.empties ? QMessageBox::Cancel : QMessageBox::Yes);
    return answer == QMessageBox::Yes;
}

void BackendActions::run(BackendOperation* op)
{
    m_running = op;
    m_progress->setRange(0, qMax(1, op->stepCount()));
    m_progress->setValue(0);
    m_step->setText(op->title());
    m_progressBox->show();
    updateEnabled();
    Q_EMIT logMessage(op->title() + u"…"_s, false);
    connect(op, &BackendOperation::progress, this, [this, op](int step, int steps, const QString& text) {
        if (steps > 0) {
            m_progress->setRange(0, steps);
            m_progress->setValue(step - 1);
        }
        m_step->setText(text + u"…"_s);
        Q_EMIT logMessage(u"%1: %2"_s.arg(op->title(), text), false);
    });
    connect(op, &BackendOperation::finished, this, [this, op] {
        m_running = nullptr;
        if (op->result()) {
            Q_EMIT logMessage(tr("%1: done").arg(op->title()), false);
            Q_EMIT operationDone(op->title());
        } else {
            const QString text = tr("%1 failed: %2").arg(op->title(), op->result().error().toString());
            Q_EMIT logMessage(text, true);
            if (op->result().error().code != ErrorCode::Canceled)
                dialogs::warning(m_window, tr("Backend operation failed"), text);
        }
        op->deleteLater();
        runQueue();
    });
}

void BackendActions::runQueue()
{
    if (m_running)
        return;
    if (m_queue.isEmpty() || m_queueCanceled || !m_session) {
        m_queue.clear();
        m_progressBox->hide();
        updateEnabled();
        return;
    }
    const std::function<BackendOperation*()> next = m_queue.takeFirst();
    if (BackendOperation* op = next())
        run(op);
    else
        runQueue();
}

void BackendActions::startBackend()
{
    if (!m_session || m_running || !m_queue.isEmpty())
        return;
    QList<StartBackendDialog::NodeChoice> nodes;
    for (NodeConnection* n : m_session->nodes()) {
        const bool ready = n->state() == NodeConnection::State::Ready;
        nodes.append({n->profile().name, ready, ready ? QString() : n->detail()});
    }
    const BackendDefaults& d = m_session->profile().backends;
    StartBackendDialog dialog(nodes, suggestPort(), d.image, d.namePattern, m_window);
    // Automatic: placement's choice, with its reason, before anything starts; again when the load
    // sample taken now (Docker's stats) comes in while the dialog is open.
    const auto place = [this, &dialog] {
        if (!m_session)
            return;
        const Result<PlacementChoice> placed = choosePlacement(
            placementCandidates(m_session->nodes(), *m_session->inventory(), m_load->cpuByNode()));
        dialog.setAutomatic(placed ? placed->node : QString(),
                            placed ? placed->reason : placed.error().message);
    };
    place();
    connect(m_load, &NodeLoad::sampled, &dialog, place);
    m_load->refresh(m_session->nodes());
    if (dialog.exec() != QDialog::Accepted || dialog.port() == 0)
        return;
    NodeConnection* node = m_session->node(dialog.node());
    if (!node)
        return;
    m_queueCanceled = false;
    run(m_session->backendService()->start(node, dialog.port(), dialog.image()));
}

void BackendActions::scaleTo()
{
    if (!m_session || m_running || !m_queue.isEmpty())
        return;
    m_load->refresh(m_session->nodes()); // most likely in by the time N is entered
    const NodeInventory& inventory = *m_session->inventory();
    const QMap<QString, QList<quint16>> running = runningBackends(inventory);
    int now = 0;
    for (const QList<quint16>& ports : running)
        now += int(ports.size());
    bool ok = false;
    const int target = QInputDialog::getInt(
        m_window, tr("Scale to N"),
        tr("Backends to run (%1 now), spread across nodes by placement:").arg(now), now, 0, 1000, 1, &ok);
    if (!ok)
        return;
    QList<quint16> registered;
    const QAbstractItemModel* model = sourceOf(m_view->model());
    for (int r = 0; r < model->rowCount(); ++r)
        registered << quint16(model->index(r, 0).data(BackendsModel::PortRole).toInt());
    const Result<ScalePlan> plan =
        planScale(placementCandidates(m_session->nodes(), inventory, m_load->cpuByNode()), running, target,
                  usedBackendPorts(inventory, registered), suggestPort());
    if (!plan) {
        dialogs::warning(m_window, tr("Scale to N"),
                         tr("Cannot scale to %1: %2").arg(target).arg(plan.error().message));
        return;
    }
    if (plan->starts.isEmpty() && plan->stops.isEmpty()) {
        Q_EMIT logMessage(tr("Scale to %1: %2").arg(target).arg(plan->summary), false);
        return;
    }
    if (!plan->stops.isEmpty()) {
        // The impact preview of any stop: how many servers remain, whether the upstream empties.
        QList<Target> targets;
        for (const ScaleStep& step : plan->stops) {
            Target t;
            t.node = m_session->node(step.node);
            t.port = step.port;
            t.name = m_session->backendService()->containerName(step.port);
            for (const BackendContainer& b : inventory.backends()) {
                if (b.node == step.node && b.published.endsWith(u':' + QString::number(step.port)))
                    t.address = b.published;
            }
            if (t.node)
                targets.append(t);
        }
        if (!confirm(tr("Scale down: stop"), targets, false))
            return;
    } else if (dialogs::question(
                   m_window, tr("Scale to N"), tr("Scale to %1: %2?").arg(target).arg(plan->summary),
                   QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes) != QMessageBox::Yes) {
        return;
    }
    Q_EMIT logMessage(tr("Scale to %1: %2").arg(target).arg(plan->summary), false);
    m_queueCanceled = false;
    QPointer<ClusterSession> session(m_session);
    for (const ScaleStep& step : plan->starts) {
        m_queue.append([session, step]() -> BackendOperation* {
            NodeConnection* node = session ? session->node(step.node) : nullptr;
            return node ? session->backendService()->start(node, step.port) : nullptr;
        });
    }
    for (const ScaleStep& step : plan->stops) {
        m_queue.append([session, step]() -> BackendOperation* {
            NodeConnection* node = session ? session->node(step.node) : nullptr;
            return node ? session->backendService()->drainAndStop(node, step.port, session->engine())
                        : nullptr;
        });
    }
    runQueue();
}

void BackendActions::runBulk(Kind kind)
{
    if (!m_session || m_running || !m_queue.isEmpty())
        return;
    const QList<Target> targets = selectedTargets();
    if (targets.isEmpty())
        return;
    const QString verb = kind == Kind::Stop    ? tr("Stop")
                         : kind == Kind::Drain ? tr("Drain and stop")
                                               : tr("Restart");
    if (!confirm(verb, targets, kind == Kind::Restart))
        return;
    // The action is on these rows, not on whatever row the view selects once they are gone: a
    // second Del must find nothing selected.
    m_view->clearSelection();
    m_view->setCurrentIndex(QModelIndex());
    m_queueCanceled = false;
    QPointer<ClusterSession> session(m_session);
    for (const Target& t : targets) {
        const QString nodeName = t.node->profile().name;
        const quint16 port = t.port;
        m_queue.append([session, nodeName, port, kind]() -> BackendOperation* {
            NodeConnection* node = session ? session->node(nodeName) : nullptr;
            if (!node)
                return nullptr;
            BackendService* service = session->backendService();
            switch (kind) {
            case Kind::Stop:
                return service->stop(node, port);
            case Kind::Drain:
                return service->drainAndStop(node, port, session->engine());
            case Kind::Restart:
                return service->restart(node, port);
            }
            return nullptr;
        });
    }
    runQueue();
}

void BackendActions::stopSelected()
{
    runBulk(Kind::Stop);
}

void BackendActions::drainSelected()
{
    runBulk(Kind::Drain);
}

void BackendActions::restartSelected()
{
    runBulk(Kind::Restart);
}

void BackendActions::replaceSelected()
{
    if (!m_session || m_running || !m_queue.isEmpty())
        return;
    const QList<Target> targets = selectedTargets();
    if (targets.size() != 1)
        return;
    const Target holder = targets.first();
    QList<StartBackendDialog::NodeChoice> nodes;
    for (NodeConnection* n : m_session->nodes()) {
        const bool ready = n->state() == NodeConnection::State::Ready;
        nodes.append({n->profile().name, ready, ready ? QString() : n->detail()});
    }
    const BackendDefaults& d = m_session->profile().backends;
    StartBackendDialog dialog(nodes, holder.port, d.image, d.namePattern, m_window);
    dialog.setFixedPort(holder.port, tr("Replace %1 on %2").arg(holder.name, holder.node->profile().name));
    if (dialog.exec() != QDialog::Accepted)
        return;
    NodeConnection* node = m_session->node(dialog.node());
    if (!node || !confirm(tr("Replace"), {holder}, true))
        return;
    m_view->clearSelection();
    m_view->setCurrentIndex(QModelIndex());
    m_queueCanceled = false;
    run(m_session->backendService()->replace(holder.node, node, holder.port, dialog.image()));
}

void BackendActions::removeSelected()
{
    if (!m_session || m_running || !m_queue.isEmpty() || !m_view->selectionModel())
        return;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.size() != 1)
        return;
    const QString container = rows.first().data(BackendsModel::ContainerRole).toString();
    NodeConnection* node = m_session->node(rows.first().data(BackendsModel::NodeRole).toString());
    if (container.isEmpty() || !node)
        return;
    if (dialogs::question(m_window, tr("Remove container"),
                          tr("Remove the exited container %1 on %2? It is not registered, so nginx does not "
                             "route to it; its logs go with it.")
                              .arg(container, node->profile().name),
                          QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes)
        return;
    m_view->clearSelection();
    m_queueCanceled = false;
    run(m_session->backendService()->removeExited(node, container));
}

void BackendActions::resync()
{
    if (!m_session || !m_session->drift())
        return;
    Q_EMIT logMessage(tr("Resync: comparing Docker and etcd on %1 node(s)…").arg(m_session->nodes().size()),
                      false);
    QPointer<ClusterSession> session(m_session);
    m_session->drift()->resync(
        m_session->nodes(), this, [this, session](const Result<QList<DriftItem>>& drift) {
            if (!drift) {
                Q_EMIT logMessage(tr("Resync failed: %1").arg(drift.error().toString()), true);
                dialogs::warning(m_window, tr("Resync failed"), drift.error().toString());
                return;
            }
            const QStringList skipped = session ? session->drift()->skipped() : QStringList();
            for (const QString& s : skipped)
                Q_EMIT logMessage(tr("Resync: not checked, the node does not answer: %1").arg(s), true);
            if (drift->isEmpty()) {
                Q_EMIT logMessage(skipped.isEmpty()
                                      ? tr("Resync: Docker and etcd agree")
                                      : tr("Resync: Docker and etcd agree on the nodes that answer"),
                                  false);
                return;
            }
            for (const DriftItem& d : *drift)
                Q_EMIT logMessage(tr("Drift: %1").arg(d.describe()), true);
            ResyncDialog dialog(*drift, m_window);
            if (dialog.exec() != QDialog::Accepted || !session)
                return;
            for (int i = 0; i < drift->size(); ++i) {
                const std::optional<DriftItem::Repair> repair = dialog.choice(i);
                if (!repair)
                    continue;
                const DriftItem d = drift->at(i);
                const QString what = d.repairDescription(*repair);
                session->drift()->fix(
                    d, *repair, session->node(d.node), this, [this, d, what](const Result<void>& r) {
                        Q_EMIT logMessage(r ? tr("Repaired: %1").arg(what)
                                            : tr("Could not %1: %2").arg(what, r.error().toString()),
                                          !r);
                        if (m_session)
                            m_session->inventory()->refresh();
                    });
            }
        });
}

} // namespace lbdeck
