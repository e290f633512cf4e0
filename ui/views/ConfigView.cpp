// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConfigView.h"

#include "FilteredTable.h"
#include "NginxHighlighter.h"
#include "ServingBanner.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/ConfigExport.h"
#include "core/cluster/EngineLink.h"
#include "core/util/LineDiff.h"
#include "ui/Dialogs.h"
#include "ui/models/LedgerModel.h"

#include <QComboBox>
#include <QDir>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QPlainTextEdit* makeText(const QString& objectName, QWidget* parent, NginxHighlighter::Mode mode)
{
    auto* edit = new QPlainTextEdit(parent);
    edit->setObjectName(objectName);
    edit->setReadOnly(true);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    new NginxHighlighter(edit->document(), mode);
    return edit;
}

} // namespace

ConfigView::ConfigView(QWidget* parent)
    : QWidget(parent)
    , m_ledger(new LedgerModel(this))
    , m_summary(new QLabel(tr("No engine connected: the config appears here once lbdeck reaches the engine."),
                           this))
{
    setObjectName(u"configView"_s);
    m_summary->setObjectName(u"configSummary"_s);
    m_summary->setWordWrap(true);
    m_exportConfig = new QPushButton(tr("&Export nginx.conf…"), this);
    m_exportConfig->setObjectName(u"exportConfigButton"_s);
    m_exportConfig->setToolTip(tr("Save the nginx.conf the engine put live (Ctrl+E)"));
    m_exportBundle = new QPushButton(tr("Export &bundle…"), this);
    m_exportBundle->setObjectName(u"exportBundleButton"_s);
    m_exportBundle->setToolTip(
        tr("nginx.conf, a confd template resource and the etcd keys at this revision"));
    connect(m_exportConfig, &QPushButton::clicked, this, &ConfigView::exportConfig);
    connect(m_exportBundle, &QPushButton::clicked, this, &ConfigView::exportBundle);

    m_balancerPick = new QComboBox(this);
    m_balancerPick->setObjectName(u"configBalancer"_s);
    m_balancerPick->setToolTip(tr("Whose config to show: each load balancer's engine renders its own"));
    m_balancerLabel = new QLabel(tr("Lo&ad balancer:"), this);
    m_balancerLabel->setBuddy(m_balancerPick);
    m_balancerPick->hide();
    m_balancerLabel->hide();
    connect(m_balancerPick, &QComboBox::currentIndexChanged, this, &ConfigView::showBalancer);

    auto* top = new QHBoxLayout;
    top->addWidget(m_balancerLabel);
    top->addWidget(m_balancerPick);
    top->addWidget(m_summary, 1);
    top->addWidget(m_exportConfig);
    top->addWidget(m_exportBundle);

    auto* tabs = new QTabWidget(this);
    tabs->setObjectName(u"configTabs"_s);
    m_running = makeText(u"runningConfig"_s, tabs, NginxHighlighter::Mode::Config);
    m_pending = makeText(u"pendingDiff"_s, tabs, NginxHighlighter::Mode::Diff);
    tabs->addTab(m_running, tr("Running nginx.conf"));
    tabs->addTab(m_pending, tr("Next render vs running"));

    auto* ledgerSplit = new QSplitter(Qt::Vertical, tabs);
    ledgerSplit->setObjectName(u"ledgerSplitter"_s);
    m_ledgerView = new QTableView;
    m_ledgerView->setObjectName(u"ledgerView"_s);
    new FilteredTable(m_ledgerView, m_ledger, u"ledgerFilter"_s, ledgerSplit);
    m_ledgerView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_ledgerView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_ledgerView->verticalHeader()->hide();
    m_ledgerView->horizontalHeader()->setStretchLastSection(true);
    m_ledgerDiff = makeText(u"ledgerDiff"_s, ledgerSplit, NginxHighlighter::Mode::Diff);
    connect(m_ledgerView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& i) {
                const QString message = i.data(LedgerModel::MessageRole).toString();
                const QString diff = i.data(LedgerModel::DiffRole).toString();
                m_ledgerDiff->setPlainText(message.isEmpty() ? diff : message + u"\n\n"_s + diff);
            });
    connect(m_ledger, &QAbstractItemModel::rowsInserted, m_ledgerView,
            [this] { m_ledgerView->scrollToBottom(); });
    tabs->addTab(ledgerSplit, tr("Reload ledger"));

    m_banner = new ServingBanner(this);
    m_banner->setObjectName(u"configServingBanner"_s);
    m_valueWarnings = new QLabel(this);
    m_valueWarnings->setObjectName(u"valueWarnings"_s);
    m_valueWarnings->setWordWrap(true);
    m_valueWarnings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_valueWarnings->setStyleSheet(u"QLabel { background: #fff4ce; color: #5c4400; padding: 6px; }"_s);
    m_valueWarnings->hide();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(m_valueWarnings);
    layout->addLayout(top);
    layout->addWidget(tabs, 1);
    refresh();
}

void ConfigView::setSession(ClusterSession* session)
{
    m_session = session;
    connect(session, &ClusterSession::opened, this, [this] {
        const QSignalBlocker quiet(m_balancerPick);
        m_balancerPick->clear();
        for (const ClusterSession::Balancer& b : m_session->balancers())
            m_balancerPick->addItem(b.name);
        m_balancerPick->setVisible(m_balancerPick->count() > 1);
        m_balancerLabel->setVisible(m_balancerPick->count() > 1);
        m_balancerPick->setCurrentIndex(0);
        showBalancer(0);
    });
}

void ConfigView::showBalancer(int index)
{
    EngineLink* engine = nullptr;
    if (m_session && index >= 0 && index < m_session->balancers().size())
        engine = m_session->balancers().at(index).link;
    if (engine == m_engine && engine)
        return;
    if (m_engine)
        disconnect(m_engine, nullptr, this, nullptr);
    m_engine = engine;
    if (m_balancerPick->currentIndex() != index && index < m_balancerPick->count())
        m_balancerPick->setCurrentIndex(index);
    // Another engine: its own ledger, config and render, from the start.
    m_ledger->update({});
    m_shownConfig.clear();
    m_shownRendered.clear();
    m_shownKept.clear();
    m_running->clear();
    m_pending->clear();
    m_ledgerDiff->clear();
    m_banner->setEngine(engine);
    if (engine)
        connect(engine, &EngineLink::updated, this, &ConfigView::refresh);
    refresh();
}

void ConfigView::refresh()
{
    EngineLink* engine = m_engine;
    const bool have = engine && !engine->config().isEmpty();
    m_exportConfig->setEnabled(have);
    m_exportBundle->setEnabled(have);
    if (!engine) {
        m_summary->setText(
            tr("No engine connected: the config appears here once lbdeck reaches the engine."));
        m_valueWarnings->hide();
        return;
    }
    m_ledger->update(engine->status().value(u"ledger"_s).toArray());
    // confd templates get every value as etcd holds it; what nginx may misread is said here.
    const QStringList warnings = engine->valueWarnings();
    m_valueWarnings->setVisible(!warnings.isEmpty());
    if (!warnings.isEmpty()) {
        QStringList shown = warnings.mid(0, 5);
        if (warnings.size() > shown.size())
            shown << tr("… and %n more", nullptr, int(warnings.size() - shown.size()));
        m_valueWarnings->setText(tr("%n value(s) reach the confd template as etcd holds them, although nginx "
                                    "may read them as syntax (declare the prefix as backends to refuse such "
                                    "values):\n",
                                    nullptr, int(warnings.size())) +
                                 shown.join(u'\n'));
    }
    const QJsonObject config = engine->status().value(u"config"_s).toObject();
    const QJsonObject nginx = engine->status().value(u"nginx"_s).toObject();
    const int oldGenerations = nginx.value(u"oldGenerations"_s).toInt();
    m_summary->setText(
        tr("%1 — running config %2 in %3, %4 reloads")
            .arg(engine->describe(), engine->configHash(), config.value(u"dest"_s).toString())
            .arg(engine->reloads()) +
        (oldGenerations > 0
             ? tr("; %n old worker generation(s) still shutting down (oldest %1 s)", nullptr, oldGenerations)
                   .arg(qRound(nginx.value(u"oldestShuttingDownS"_s).toDouble()))
             : QString()));
    const bool configChanged = engine->config() != m_shownConfig;
    if (configChanged) {
        m_shownConfig = engine->config();
        const int scroll = m_running->verticalScrollBar() ? m_running->verticalScrollBar()->value() : 0;
        m_running->setPlainText(QString::fromUtf8(m_shownConfig));
        m_running->verticalScrollBar()->setValue(scroll);
    }
    const QString kept = ServingBanner::text(engine);
    if (configChanged || engine->rendered() != m_shownRendered || kept != m_shownKept) {
        m_shownRendered = engine->rendered();
        m_shownKept = kept;
        const QString diff =
            unifiedDiff(engine->config(), engine->rendered(), u"running"_s, u"next render"_s);
        // A refused render is not "nothing waiting": etcd wants a change nginx did not get.
        m_pending->setPlainText(!diff.isEmpty() ? diff
                                : !kept.isEmpty()
                                    ? tr("The engine refused the change etcd asks for: %1").arg(kept)
                                    : tr("The next render is the running config: nothing is waiting."));
    }
}

void ConfigView::exportConfig()
{
    EngineLink* engine = m_engine;
    if (!engine)
        return;
    const QString path =
        dialogs::saveFileName(this, tr("Export nginx.conf"), QDir::homePath() + u"/nginx.conf"_s,
                              tr("nginx config (*.conf);;All files (*)"));
    if (path.isEmpty())
        return;
    if (Result<void> r = configexport::writeConfig(path, engine->config()); !r) {
        Q_EMIT logMessage(tr("Export failed: %1").arg(r.error().toString()), true);
        dialogs::warning(this, tr("Export failed"), r.error().toString());
        return;
    }
    Q_EMIT logMessage(tr("Exported nginx.conf (config %1) to %2").arg(engine->configHash(), path), false);
}

void ConfigView::exportBundle()
{
    EngineLink* engine = m_engine;
    if (!engine || !m_session || !m_session->backends())
        return;
    const QString dir = dialogs::existingDirectory(this, tr("Export bundle into"), QDir::homePath());
    if (dir.isEmpty())
        return;
    configexport::Bundle bundle;
    bundle.config = engine->config();
    bundle.prefix = m_session->prefix();
    bundle.revision = m_session->backends()->revision();
    bundle.setEngineStatus(engine->status());
    for (auto it = m_session->backends()->entries().cbegin(); it != m_session->backends()->entries().cend();
         ++it)
        bundle.keys.insert(it.key(), it->value);
    Result<QStringList> written = configexport::writeBundle(dir, bundle);
    if (!written) {
        Q_EMIT logMessage(tr("Export failed: %1").arg(written.error().toString()), true);
        dialogs::warning(this, tr("Export failed"), written.error().toString());
        return;
    }
    Q_EMIT logMessage(tr("Exported %1 files to %2: %3").arg(written->size()).arg(dir, written->join(u", "_s)),
                      false);
}

} // namespace lbdeck
