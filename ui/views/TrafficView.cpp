// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TrafficView.h"

#include "CaptureExport.h"
#include "ui/Dialogs.h"

#include <QHBoxLayout>
#include <QLocale>
#include <QPushButton>

#include "FilteredTable.h"
#include "TrafficChart.h"
#include "TrafficDelegate.h"
#include "TrafficLinesPane.h"
#include "core/cluster/EngineLink.h"
#include "ui/models/TrafficMerge.h"
#include "ui/models/TrafficModel.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

using namespace Qt::StringLiterals;

namespace lbdeck {

TrafficView::TrafficView(QWidget* parent)
    : QWidget(parent)
    , m_model(new TrafficModel(this))
    , m_banner(new QLabel(this))
    , m_totals(new QLabel(this))
    , m_clients(new QLabel(this))
    , m_chart(new TrafficChart(this))
    , m_lines(new TrafficLinesPane(this))
{
    setObjectName(u"trafficView"_s);
    m_decoder = new QFutureWatcher<Decoded>(this);
    connect(m_decoder, &QFutureWatcherBase::finished, this, [this] { applyTraffic(m_decoder->result()); });
    m_banner->setObjectName(u"trafficBanner"_s);
    m_banner->setWordWrap(true);
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->hide();
    m_totals->setObjectName(u"trafficTotals"_s);
    m_totals->setTextFormat(Qt::PlainText);
    // A longer line next second must not widen the window or lay the view out again.
    m_totals->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    m_totals->setText(tr("No traffic counters yet."));

    auto* view = new QTableView;
    view->setObjectName(u"trafficTable"_s);
    m_table = new FilteredTable(view, m_model, u"trafficFilter"_s, this);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->horizontalHeader()->setResizeContentsPrecision(200);
    view->setWordWrap(false);
    view->setItemDelegate(new TrafficDelegate(view));
    // Columns fit their content when rows come (coalesced), not on every update.
    auto* fit = new QTimer(view);
    fit->setSingleShot(true);
    fit->setInterval(50);
    connect(fit, &QTimer::timeout, view, [view] { view->resizeColumnsToContents(); });
    connect(m_model, &QAbstractItemModel::rowsInserted, fit, qOverload<>(&QTimer::start));
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] { m_rowsCameOrWent = true; });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] { m_rowsCameOrWent = true; });

    m_chart->setModel(m_model);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(u"trafficSplitter"_s);
    split->addWidget(m_table);
    split->addWidget(m_chart);
    split->addWidget(m_lines);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 2);
    m_exportButton = new QPushButton(tr("Export capture…"), this);
    m_exportButton->setObjectName(u"exportCapture"_s);
    m_exportButton->setToolTip(tr("Record 30 s of the load balancer's traffic into a .pcap file for "
                                  "Wireshark or tcpdump -r (Ctrl+Shift+P)"));
    m_exportButton->setEnabled(false);
    connect(m_exportButton, &QPushButton::clicked, this, [this] {
        if (m_export)
            m_export->start();
    });
    m_exportNote = new QLabel(this);
    m_exportNote->setObjectName(u"exportNote"_s);
    m_exportNote->setTextFormat(Qt::PlainText);
    m_exportNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_exportNote->hide();
    auto* top = new QHBoxLayout;
    top->addWidget(m_totals, 1);
    top->addWidget(m_exportNote);
    top->addWidget(m_exportButton);
    m_clients->setObjectName(u"trafficClients"_s);
    m_clients->setTextFormat(Qt::PlainText);
    m_clients->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    m_clients->hide();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(top);
    layout->addWidget(m_clients);
    layout->addWidget(split, 1);
}

QTableView* TrafficView::table() const
{
    return m_table->view();
}

void TrafficView::setEngine(EngineLink* engine)
{
    setEngines(engine ? QList<std::pair<QString, EngineLink*>>{{QString(), engine}}
                      : QList<std::pair<QString, EngineLink*>>{});
}

void TrafficView::setEngines(const QList<std::pair<QString, EngineLink*>>& engines)
{
    for (const auto& [name, link] : std::as_const(m_engines)) {
        if (link) {
            link->setTrafficWanted(false);
            disconnect(link, nullptr, this, nullptr);
            disconnect(link, nullptr, m_lines, nullptr);
        }
    }
    m_engines.clear();
    m_exportNote->hide(); // another profile's capture
    for (const auto& [name, link] : engines)
        if (link)
            m_engines.append({name, link});
    EngineLink* engine = m_engines.isEmpty() ? nullptr : m_engines.first().second.data();
    m_engine = engine;
    table()->setColumnHidden(TrafficModel::Balancer, m_engines.size() < 2);
    delete m_export;
    m_export = nullptr;
    m_exportButton->setEnabled(engine != nullptr);
    if (engine) {
        m_export = new CaptureExport(engine, this);
        connect(m_export, &CaptureExport::runningChanged, m_exportButton,
                [this](bool running) { m_exportButton->setEnabled(!running); });
        connect(m_export, &CaptureExport::exported, this, [this](const QString& path, quint64 packets) {
            // Beside the button, not in the totals line that the next counters overwrite.
            m_exportNote->setText(tr("Saved %1 packets to %2").arg(packets).arg(path));
            m_exportNote->setToolTip(path);
            m_exportNote->show();
        });
        connect(m_export, &CaptureExport::failed, this,
                [this](const QString& error) { dialogs::warning(this, tr("Export capture"), error); });
    }
    m_ledgerSeen = false;
    m_lastLedgerId = 0;
    if (!engine)
        return;
    for (const auto& [name, link] : std::as_const(m_engines))
        connect(link, &EngineLink::trafficUpdated, this, &TrafficView::onTraffic);
    connect(engine, &EngineLink::trafficLines, m_lines, &TrafficLinesPane::appendLines);
    connect(engine, &EngineLink::updated, this, &TrafficView::readReloads);
    setTrafficWanted(isVisible());
    readReloads();
}

void TrafficView::setTrafficWanted(bool wanted)
{
    for (const auto& [name, link] : std::as_const(m_engines))
        if (link)
            link->setTrafficWanted(wanted);
}

void TrafficView::setNodeOf(std::function<QString(const QString&)> nodeOf)
{
    m_model->setNodeOf(std::move(nodeOf));
}

void TrafficView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    setTrafficWanted(true);
}

void TrafficView::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    setTrafficWanted(false);
}

void TrafficView::onTraffic()
{
    if (!m_engine)
        return;
    if (m_engines.size() < 2) {
        if (m_engine->traffic().isEmpty() && !m_engine->trafficError().isEmpty())
            showTrafficError(m_engine->trafficError());
        else
            showTraffic(m_engine->traffic());
        return;
    }
    QList<BalancerTraffic> docs;
    for (const auto& [name, link] : std::as_const(m_engines))
        if (link)
            docs.append({name, link->traffic(), link->trafficError()});
    queue(std::move(docs), {});
}

QStringList TrafficView::bannerLines(const QJsonObject& traffic, bool* isError)
{
    QStringList out;
    bool error = false;
    const QString capture = traffic.value(u"capture"_s).toObject().value(u"error"_s).toString();
    if (!capture.isEmpty()) {
        out << tr("Packet capture: %1").arg(capture);
        error = true;
    }
    const QString accessLog = traffic.value(u"accessLog"_s).toObject().value(u"error"_s).toString();
    if (!accessLog.isEmpty()) {
        out << tr("nginx access log: %1").arg(accessLog);
        error = true;
    }
    for (const QJsonValue& w : traffic.value(u"warnings"_s).toArray()) {
        const QString text = w.toString();
        if (!text.isEmpty() && !out.contains(text))
            out << text;
    }
    if (isError)
        *isError = error;
    return out;
}

void TrafficView::setBanner(const QStringList& lines, bool isError)
{
    m_banner->setStyleSheet(isError ? u"QLabel { background: #b00020; color: white; padding: 4px; }"_s
                                    : u"QLabel { background: #f0b000; color: black; padding: 4px; }"_s);
    const QString text = lines.join(u'\n');
    m_banner->setText(text);
    m_banner->setToolTip(text);
    m_banner->setVisible(!text.isEmpty());
}

void TrafficView::showTraffic(const QJsonObject& traffic)
{
    queue({}, traffic);
}

void TrafficView::queue(QList<BalancerTraffic> balancers, QJsonObject single)
{
    m_pendingSeveral = std::move(balancers);
    m_pending = std::move(single);
    m_pendingSet = true;
    if (!m_decoding)
        decodeNext();
}

void TrafficView::decodeNext()
{
    m_pendingSet = false;
    m_decoding = true;
    m_decodingGeneration = m_generation;
    m_decoder->setFuture(QtConcurrent::run(
        [several = std::exchange(m_pendingSeveral, {}), single = std::exchange(m_pending, {})] {
            Decoded d;
            d.traffic = several.isEmpty() ? single : mergeTraffic(several);
            d.document = decodeTraffic(d.traffic);
            return d;
        }));
}

void TrafficView::applyTraffic(Decoded decoded)
{
    m_decoding = false;
    if (m_decodingGeneration != m_generation) {
        if (m_pendingSet)
            decodeNext();
        return;
    }
    const QJsonObject& traffic = decoded.traffic;
    m_available = traffic.value(u"capture"_s).toObject().value(u"running"_s).toBool() ||
                  traffic.value(u"accessLog"_s).toObject().value(u"listening"_s).toBool();
    bool error = false;
    const QStringList lines = bannerLines(traffic, &error);
    setBanner(lines, error);
    m_model->update(std::move(decoded.document));
    const QString clients = clientsText(traffic);
    m_clients->setText(clients);
    m_clients->setVisible(!clients.isEmpty());
    m_totals->setText(m_model->totals().backends > 0 || m_available ? m_model->totalsText()
                                                                    : tr("No traffic counters yet."));
    if (m_pendingSet)
        decodeNext(); // the newest that came meanwhile
    if (!m_rowsCameOrWent)
        return;
    m_rowsCameOrWent = false;
    QStringList addresses;
    addresses.reserve(m_model->rowCount());
    for (int row = 0; row < m_model->rowCount(); ++row)
        if (const QString b = m_model->backendAt(row); addresses.isEmpty() || addresses.last() != b)
            addresses << b;
    m_lines->setBackends(addresses);
}

QString TrafficView::clientsText(const QJsonObject& traffic)
{
    const QJsonArray top = traffic.value(u"clients"_s).toObject().value(u"top"_s).toArray();
    QStringList parts;
    for (qsizetype i = 0; i < top.size() && i < 5; ++i) {
        const QJsonObject c = top.at(i).toObject();
        const qint64 bytes = c.value(u"bytesIn"_s).toInteger() + c.value(u"bytesOut"_s).toInteger();
        parts << tr("%1 — %n connection(s), %2", nullptr, int(c.value(u"connections"_s).toInteger()))
                     .arg(c.value(u"address"_s).toString(), QLocale().formattedDataSize(bytes));
    }
    return parts.isEmpty() ? QString() : tr("Top clients: %1").arg(parts.join(u"; "_s));
}

void TrafficView::showTrafficError(const QString& error)
{
    m_pendingSet = false;
    m_pending = {};
    m_pendingSeveral = {};
    ++m_generation; // a document still on the worker is older than this error: it is dropped
    m_available = false;
    setBanner({tr("Traffic counters unavailable: %1").arg(error)}, true);
}

void TrafficView::addMarker(const QDateTime& at, const QString& label)
{
    m_chart->addMarker(at, label);
}

void TrafficView::readReloads()
{
    // The ledger as ClusterEvents reads it: ids grow; a smaller newest id is another engine.
    if (!m_engine)
        return;
    const QJsonArray ledger = m_engine->status().value(u"ledger"_s).toArray();
    if (ledger.isEmpty())
        return;
    const qint64 newest = ledger.last().toObject().value(u"id"_s).toInteger();
    if (newest < m_lastLedgerId)
        m_lastLedgerId = 0;
    // Before this view looked, only what the chart's longest window still shows.
    const qint64 oldest = m_ledgerSeen ? 0 : m_model->now() - 15 * 60'000;
    m_ledgerSeen = true;
    for (const QJsonValue& v : ledger) {
        const QJsonObject e = v.toObject();
        if (e.value(u"id"_s).toInteger() <= m_lastLedgerId)
            continue;
        const QDateTime at = QDateTime::fromString(e.value(u"at"_s).toString(), Qt::ISODateWithMs);
        if (!at.isValid() || at.toMSecsSinceEpoch() < oldest)
            continue;
        const QString outcome = e.value(u"outcome"_s).toString();
        addMarker(at, outcome == u"applied"_s ? tr("reload") : tr("reload (%1)").arg(outcome));
    }
    m_lastLedgerId = qMax(m_lastLedgerId, newest);
}

} // namespace lbdeck
