// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BackendActions.h"

#include "Dialogs.h"
#include "core/cluster/BackendOperation.h"
#include "core/cluster/BackendService.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/DriftDetector.h"
#include "core/cluster/NodeConnection.h"
#include "core/cluster/NodeInventory.h"
#include "dialogs/StartBackendDialog.h"
#include "models/BackendsModel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QProgressBar>
#include <QTableView>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace lbdeck {

BackendActions::BackendActions(QTableView* backendsView, QWidget* window)
    : QObject(window)
    , m_view(backendsView)
    , m_window(window)
{
    auto make = [this](const QString& text, const QString& name, const QKeySequence& shortcut,
                       const QString& tip) {
        auto* a = new QAction(text, m_window);
        a->setObjectName(name);
        a->setShortcut(shortcut);
        a->setToolTip(tip + u" ("_s + shortcut.toString(QKeySequence::NativeText) + u')');
        return a;
    };
    m_start = make(tr("&Start backend…"), u"actionStartBackend"_s, QKeySequence(Qt::CTRL | Qt::Key_N),
                   tr("Start a backend container on a node and register it"));
    m_stop = make(tr("S&top"), u"actionStopBackend"_s, QKeySequence::Delete,
                  tr("Unregister the selected backend, then stop and remove its container"));
    m_drain =
        make(tr("&Drain and stop"), u"actionDrainBackend"_s, QKeySequence(Qt::SHIFT | Qt::Key_Delete),
             tr("Unregister, wait for nginx to reload without it and for its connections to end, then stop"));
    m_restart = make(tr("&Restart"), u"actionRestartBackend"_s, QKeySequence(Qt::CTRL | Qt::Key_R),
                     tr("Stop and start the selected backend"));
    m_resync = make(tr("Resync and &fix drift…"), u"actionResync"_s, QKeySequence(Qt::CTRL | Qt::Key_D),
                    tr("Compare Docker and etcd on every node and repair what disagrees"));
    connect(m_start, &QAction::triggered, this, &BackendActions::startBackend);
    connect(m_stop, &QAction::triggered, this, &BackendActions::stopSelected);
    connect(m_drain, &QAction::triggered, this, &BackendActions::drainSelected);
    connect(m_restart, &QAction::triggered, this, &BackendActions::restartSelected);
    connect(m_resync, &QAction::triggered, this, &BackendActions::resync);

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
    return {m_start, m_stop, m_drain, m_restart, m_resync};
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
    const bool busy = m_running;
    const bool haveNodes = m_session && !m_session->nodes().isEmpty();
    const bool haveRow = m_view->selectionModel() && m_view->selectionModel()->hasSelection();
    m_start->setEnabled(!busy && haveNodes);
    m_stop->setEnabled(!busy && haveNodes && haveRow);
    m_drain->setEnabled(!busy && haveNodes && haveRow && m_session && m_session->engine());
    m_restart->setEnabled(!busy && haveNodes && haveRow);
    m_resync->setEnabled(!busy && haveNodes);
}

quint16 BackendActions::suggestPort() const
{
    // The seed counts up from 8001; suggest the first port no backend uses yet.
    QSet<int> used;
    const QAbstractItemModel* model = m_view->model();
    for (int r = 0; r < model->rowCount(); ++r)
        used.insert(model->index(r, 0).data(BackendsModel::PortRole).toInt());
    quint16 port = 8001;
    while (used.contains(port))
        ++port;
    return port;
}

bool BackendActions::selected(NodeConnection*& node, quint16& port)
{
    if (!m_session || !m_view->selectionModel()->hasSelection())
        return false;
    const QModelIndex row = m_view->selectionModel()->selectedRows().value(0, m_view->currentIndex());
    port = quint16(row.siblingAtColumn(0).data(BackendsModel::PortRole).toInt());
    QString nodeName = row.siblingAtColumn(0).data(BackendsModel::NodeRole).toString();
    if (nodeName.isEmpty()) {
        // Not seen in Docker: the node that publishes on the key's address.
        const QString host =
            row.siblingAtColumn(BackendsModel::Address).data().toString().section(u':', 0, -2);
        for (NodeConnection* n : m_session->nodes()) {
            if (n->profile().publishAddress == host)
                nodeName = n->profile().name;
        }
    }
    node = m_session->node(nodeName);
    if (!node || port == 0) {
        dialogs::warning(
            m_window, tr("Which node?"),
            tr("lbdeck cannot tell which node runs this backend: it is not a container lbdeck knows, and its "
               "address is not one of the profile's nodes."));
        return false;
    }
    return true;
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
    connect(op, &BackendOperation::progress, this, [this](int step, int steps, const QString& text) {
        if (steps > 0) {
            m_progress->setRange(0, steps);
            m_progress->setValue(step - 1);
        }
        m_step->setText(text + u"…"_s);
    });
    connect(op, &BackendOperation::finished, this, [this, op] {
        m_progressBox->hide();
        m_running = nullptr;
        updateEnabled();
        if (op->result()) {
            Q_EMIT logMessage(tr("%1: done").arg(op->title()), false);
        } else {
            const QString text = tr("%1 failed: %2").arg(op->title(), op->result().error().toString());
            Q_EMIT logMessage(text, true);
            if (op->result().error().code != ErrorCode::Canceled)
                dialogs::warning(m_window, tr("Backend operation failed"), text);
        }
        op->deleteLater();
    });
}

void BackendActions::startBackend()
{
    if (!m_session || m_running)
        return;
    QStringList ready;
    for (NodeConnection* n : m_session->nodes()) {
        if (n->state() == NodeConnection::State::Ready)
            ready << n->profile().name;
    }
    const BackendDefaults& d = m_session->profile().backends;
    StartBackendDialog dialog(ready, suggestPort(), d.image, d.namePattern, m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    NodeConnection* node = m_session->node(dialog.node());
    if (!node)
        return;
    run(m_session->backendService()->start(node, dialog.port(), dialog.image()));
}

void BackendActions::stopSelected()
{
    NodeConnection* node = nullptr;
    quint16 port = 0;
    if (!m_running && selected(node, port))
        run(m_session->backendService()->stop(node, port));
}

void BackendActions::drainSelected()
{
    NodeConnection* node = nullptr;
    quint16 port = 0;
    if (!m_running && selected(node, port))
        run(m_session->backendService()->drainAndStop(node, port, m_session->engine()));
}

void BackendActions::restartSelected()
{
    NodeConnection* node = nullptr;
    quint16 port = 0;
    if (!m_running && selected(node, port))
        run(m_session->backendService()->restart(node, port));
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
            if (drift->isEmpty()) {
                Q_EMIT logMessage(tr("Resync: Docker and etcd agree"), false);
                return;
            }
            QStringList lines;
            for (const DriftItem& d : *drift) {
                lines << u"• %1\n   fix: %2"_s.arg(d.describe(), d.fixDescription());
                Q_EMIT logMessage(tr("Drift: %1").arg(d.describe()), true);
            }
            const auto answer =
                dialogs::question(m_window, tr("Drift found"),
                                  tr("Docker and etcd disagree:\n\n%1\n\nFix all?").arg(lines.join(u'\n')),
                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
            if (answer != QMessageBox::Yes || !session)
                return;
            for (const DriftItem& d : *drift) {
                session->drift()->fix(d, session->node(d.node), this, [this, d](const Result<void>& r) {
                    Q_EMIT logMessage(r ? tr("Fixed: %1").arg(d.fixDescription())
                                        : tr("Could not fix %1: %2").arg(d.describe(), r.error().toString()),
                                      !r);
                    if (r && m_session)
                        m_session->inventory()->refresh();
                });
            }
        });
}

} // namespace lbdeck
