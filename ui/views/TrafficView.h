// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ui/models/TrafficDocument.h"
#include "ui/models/TrafficMerge.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QJsonObject>
#include <QPointer>
#include <QWidget>

#include <functional>
#include <utility>

class QLabel;
class QPushButton;
class QTableView;

namespace lbdeck {

class CaptureExport;
class EngineLink;
class FilteredTable;
class TrafficChart;
class TrafficLinesPane;
class TrafficModel;

// The engine's traffic counters (its GET /traffic, through the engine link): a banner for whatever
// makes the numbers short or absent (pcap drops, a full flow table, no capture permission), the
// totals, a row per backend, a time chart with a marker at every reload, and the tcpdump lines.
// The link fetches traffic only while this view is shown.
class TrafficView : public QWidget
{
    Q_OBJECT
public:
    explicit TrafficView(QWidget* parent = nullptr);

    void setEngine(EngineLink* engine); // Not owned.
    // Several load balancers, each with its engine link (not owned), the first the primary one:
    // the table has a row per backend per load balancer and one summed over them (mergeTraffic).
    // The capture export, the tcpdump lines and the reload markers are the first one's.
    void setEngines(const QList<std::pair<QString, EngineLink*>>& engines);
    void setNodeOf(std::function<QString(const QString& address)> nodeOf);
    // True when the last document had the capture running or the access log listening.
    bool isAvailable() const { return m_available; }

    // A GET /traffic document (what the link's trafficUpdated brings; public for tests and the bench).
    // It is read on a worker thread (with several load balancers, merged there too) and applied on
    // the GUI thread when that is done, so that the GUI thread only merges rows into the model;
    // documents that come meanwhile replace the one waiting.
    void showTraffic(const QJsonObject& traffic);
    bool isTrafficPending() const { return m_pendingSet || m_decoding; }
    // The link could not fetch /traffic.
    void showTrafficError(const QString& error);
    void addMarker(const QDateTime& at, const QString& label);

    // The banner's lines for a document (empty: nothing to say), and whether one is an error.
    static QStringList bannerLines(const QJsonObject& traffic, bool* isError = nullptr);

    TrafficModel* model() const { return m_model; }
    TrafficChart* chart() const { return m_chart; }
    TrafficLinesPane* lines() const { return m_lines; }
    QLabel* banner() const { return m_banner; }
    QLabel* totals() const { return m_totals; }
    // "Top clients: 10.0.0.7 — 512 connections, 1.2 MB; …" (nginx's front side).
    QLabel* clients() const { return m_clients; }
    static QString clientsText(const QJsonObject& traffic);
    QTableView* table() const;
    // Export capture… (File menu, Ctrl+Shift+P): the engine records 30 s, saved where asked.
    CaptureExport* captureExport() const { return m_export; }
    // What the last export did ("Saved 312 packets to …"): it stays until the next one.
    QLabel* exportNote() const { return m_exportNote; }

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void onTraffic();
    void setTrafficWanted(bool wanted);
    struct Decoded
    {
        QJsonObject traffic; // merged, with several load balancers
        TrafficDocument document;
    };
    void queue(QList<BalancerTraffic> balancers, QJsonObject single);
    void decodeNext();
    void applyTraffic(Decoded decoded);
    void readReloads();
    void setBanner(const QStringList& lines, bool isError);

    QPointer<EngineLink> m_engine; // the primary one
    QList<std::pair<QString, QPointer<EngineLink>>> m_engines;
    TrafficModel* m_model;             // Owned (child).
    QLabel* m_banner;                  // Owned (child).
    QLabel* m_totals;                  // Owned (child).
    QLabel* m_clients;                 // Owned (child).
    FilteredTable* m_table;            // Owned (child).
    TrafficChart* m_chart;             // Owned (child).
    TrafficLinesPane* m_lines;         // Owned (child).
    CaptureExport* m_export = nullptr; // Owned (child), once there is an engine.
    QPushButton* m_exportButton;       // Owned (child).
    QLabel* m_exportNote;              // Owned (child).
    // The document waiting for the worker: one engine's as it came, or several to merge.
    QJsonObject m_pending;
    QList<BalancerTraffic> m_pendingSeveral;
    bool m_pendingSet = false;
    bool m_decoding = false;
    quint64 m_generation = 0;                     // grows with every error shown
    quint64 m_decodingGeneration = 0;             // m_generation when the worker's document was queued
    QFutureWatcher<Decoded>* m_decoder = nullptr; // Owned (child): a view that goes drops its result.
    bool m_available = false;
    bool m_rowsCameOrWent = false; // the lines' filter offers the backends again
    bool m_ledgerSeen = false;
    qint64 m_lastLedgerId = 0;
};

} // namespace lbdeck
