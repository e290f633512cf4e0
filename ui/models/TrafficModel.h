// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/TrafficHistory.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QPixmap>
#include <QPointF>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace lbdeck {

struct TrafficDocument;

// One row per upstream of the engine's GET /traffic (its rates, layer-7 counts and share beside
// round-robin's), kept in address order and updated row by row. It feeds the counters into a
// GUI-side TrafficHistory (its own clock), which draws the sparklines and the chart's series.
class TrafficModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Backend,
        Balancer, // with several load balancers: whose counts ("all N" on a backend's summed row)
        Node,
        State,
        Sparkline,
        Packets,
        BytesTo,
        BytesFrom,
        Connections,
        Open,
        Rst,
        Rtt,
        Requests,
        Status2xx,
        Status4xx,
        Status5xx,
        P99,
        Share,
        RrShare,
        ColumnCount
    };
    enum Role
    {
        SparklineRole = Qt::UserRole + 1, // QList<qreal>: packets/s of the last 60 complete seconds
        ValueRole,                        // the cell as a number (sorting, tests)
        AddressRole,                      // the row's key on every column ("IP:PORT", "IP:PORT @ lb")
        BackendRole,                      // "IP:PORT" on every column
    };
    // What the chart can draw per backend.
    enum class Metric
    {
        Packets,
        Bytes,
        Connections,
        Requests,
        P99
    };
    // Over the backends: with several load balancers, their summed rows (each counted once).
    struct Totals
    {
        int backends = 0;
        int registered = 0;
        double packets = 0;
        double bytesTo = 0;
        double bytesFrom = 0;
        double connections = 0;
        double rst = 0;
        double requestsPerS = 0;
        qint64 open = 0;
        qint64 requests = 0;
    };
    using Clock = std::function<qint64()>; // ms since the epoch
    static constexpr int SparklineSeconds = 60;

    explicit TrafficModel(QObject* parent = nullptr);
    ~TrafficModel() override;

    // Before the first update(): the history starts again with it.
    void setClock(Clock clock);
    qint64 now() const;
    void setNodeOf(std::function<QString(const QString& address)> nodeOf);

    // Takes a GET /traffic document: rows come, go and change (no reset).
    void update(const QJsonObject& traffic);
    // The same, read beforehand (decodeTraffic, on any thread).
    void update(TrafficDocument document);

    const Totals& totals() const { return m_totals; }
    QString totalsText() const;
    const traffic::TrafficHistory& history() const { return *m_history; }
    QString addressAt(int row) const;        // the row's key: "IP:PORT", or "IP:PORT @ lb" (see TrafficMerge)
    QString backendAt(int row) const;        // "IP:PORT"
    int rowOf(const QString& address) const; // -1 when absent
    // The document's rows come per load balancer and summed (mergeTraffic).
    bool isPerBalancer() const { return m_perBalancer; }

    // The chart's data: complete buckets of bucketMs in the window before now (per second; P99 in
    // ms, one point per update), oldest first.
    QList<QPointF> points(int row, Metric metric, qint64 windowMs, qint64 bucketMs) const;
    // The newest complete bucket (the newest update for Requests and P99).
    std::optional<QPointF> newestPoint(int row, Metric metric, qint64 bucketMs) const;
    // The sum of the chart's values over the window (to rank the rows), without reading points():
    // the complete seconds after the row's baseline; for Requests and P99, its updates' values.
    double windowTotal(int row, Metric metric, qint64 windowMs) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // After every update(), once the rows are in.
    void sampled();

private:
    struct Values
    {
        QString node;
        QString state;
        double packets = 0;
        double bytesTo = 0;
        double bytesFrom = 0;
        double connections = 0;
        qint64 open = 0;
        qint64 probes = 0; // connections that were lbdeck's own health probes
        double rst = 0;
        double rttMs = -1; // -1: no RTT measured
        double requestsPerS = 0;
        qint64 requests = 0;
        qint64 s2xx = 0;
        qint64 s4xx = 0;
        qint64 s5xx = 0;
        double p99 = -1; // -1: no complete window
        double share = 0;
        double rrShare = 0;
        qint64 sparkSecond = 0; // the current second while the sparkline shows traffic, else 0

        bool operator==(const Values&) const = default;
    };
    struct L7Sample
    {
        qint64 ms = 0;
        float requestsPerS = 0;
        float p99 = -1;
    };
    struct Row
    {
        QString address;
        std::string key;
        QString backend;   // IP:PORT
        QString balancer;  // the load balancer that counts it; empty: the only one, or the sum
        int balancers = 0; // on a summed row: how many load balancers count it
        Values v;
        // When the history first saw the key: that sample holds everything since the engine started
        // counting, not that second's traffic, so the charts leave its bucket out.
        qint64 baselineMs = -1;
        qint64 lastRequests = -1;
        qint64 lastNowMs = 0;
        std::uint64_t lastPackets = 0; // both directions, cumulative
        qint64 lastTrafficMs = -1;     // when they last grew
        std::deque<L7Sample> l7;
        mutable QPixmap spark; // drawn when asked for, after a change
        mutable bool sparkDirty = true;
    };

    QVariant display(const Row& row, int column) const;
    QVariant value(const Row& row, int column) const;
    QList<qreal> sparkline(const Row& row) const;
    static bool holdsBaseline(const Row& row, qint64 startMs, qint64 lengthMs);
    std::uint64_t bucketSum(const std::string& key, Metric metric, qint64 startMs, qint64 bucketMs) const;

    Clock m_clock;
    std::unique_ptr<traffic::TrafficHistory> m_history;
    std::function<QString(const QString&)> m_nodeOf;
    std::vector<Row> m_rows; // sorted by address
    Totals m_totals;
    bool m_perBalancer = false;
};

} // namespace lbdeck
