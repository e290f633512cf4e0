// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TrafficModel.h"

#include "core/traffic/TrafficCounters.h"
#include "ui/models/TrafficDocument.h"

#include <QColor>
#include <QDateTime>
#include <QGuiApplication>
#include <QHash>
#include <QJsonArray>
#include <QPainter>
#include <QPalette>
#include <QSet>

#include <algorithm>
#include <numeric>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

using traffic::Direction;
using traffic::HistoryMetric;

constexpr qint64 L7KeptMs = traffic::TrafficHistory::kHorizonMs;

qint64 floorDiv(qint64 a, qint64 b)
{
    const qint64 q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

HistoryMetric historyMetric(TrafficModel::Metric m)
{
    switch (m) {
    case TrafficModel::Metric::Bytes:
        return HistoryMetric::Bytes;
    case TrafficModel::Metric::Connections:
        return HistoryMetric::Connections;
    default:
        return HistoryMetric::Packets;
    }
}

bool isL7(TrafficModel::Metric m)
{
    return m == TrafficModel::Metric::Requests || m == TrafficModel::Metric::P99;
}

QColor stateColor(const QString& state)
{
    if (state == u"draining"_s)
        return QColor(0xb3, 0x6b, 0x00);
    if (state == u"unregistered"_s)
        return QColor(0xb0, 0x00, 0x20);
    return QColor(0x70, 0x70, 0x70); // left
}

QString rate(double v, int decimals = 1)
{
    return QString::number(v, 'f', decimals);
}

} // namespace

TrafficModel::TrafficModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
    , m_history(std::make_unique<traffic::TrafficHistory>(m_clock))
{}

TrafficModel::~TrafficModel() = default;

void TrafficModel::setClock(Clock clock)
{
    m_clock = std::move(clock);
    m_history = std::make_unique<traffic::TrafficHistory>(m_clock);
    for (Row& r : m_rows)
        r.l7.clear();
}

qint64 TrafficModel::now() const
{
    return m_clock();
}

void TrafficModel::setNodeOf(std::function<QString(const QString&)> nodeOf)
{
    m_nodeOf = std::move(nodeOf);
}

void TrafficModel::update(const QJsonObject& traffic)
{
    update(decodeTraffic(traffic));
}

void TrafficModel::update(TrafficDocument document)
{
    struct In
    {
        TrafficUpstream u;
        Values v = {};
        std::string key = {};
        qint64 baselineMs = -1;
        std::uint64_t packets = 0;
        qint64 trafficMs = -1;
    };
    const qint64 clockMs = now();
    std::vector<In> in;
    in.reserve(document.upstreams.size());
    for (TrafficUpstream& u : document.upstreams)
        in.push_back({std::move(u)});

    // The values every row will show, from the document, the history and the row's last sample.
    // Shares are within a load balancer's rows (or the summed rows): each has its own round-robin.
    m_perBalancer = document.perBalancer;
    QHash<QString, qint64> requestsAll;
    QHash<QString, int> registered;
    for (In& i : in) {
        const TrafficUpstream& u = i.u;
        // A summed row's history is kept per set of load balancers that count it: when one drops out
        // or comes in, the sum is a new series (a baseline), not a drop or a jump of its lifetime.
        i.key = u.address.toStdString();
        if (u.balancers > 0)
            i.key += '|' + std::to_string(u.balancers);
        const std::string& key = i.key;
        if (!m_history->contains(key))
            i.baselineMs = clockMs;
        const traffic::DirectionCounters direction[2] = {u.to, u.from};
        m_history->sample(key, direction, u.connections);
        Values& v = i.v;
        v.node = m_nodeOf ? m_nodeOf(u.backend) : QString();
        v.state = u.state;
        v.probes = u.probes;
        v.packets = u.packetsRate;
        v.bytesTo = u.bytesToRate;
        v.bytesFrom = u.bytesFromRate;
        v.connections = u.connectionsRate;
        v.rst = u.rstRate;
        v.open = u.open;
        v.rttMs = u.rttMs;
        v.requests = u.requests;
        v.s2xx = u.s2xx;
        v.s4xx = u.s4xx;
        v.s5xx = u.s5xx;
        v.p99 = u.p99;
        requestsAll[u.balancer] += v.requests;
        if (v.state == u"registered"_s)
            ++registered[u.balancer];
        // Requests per second: between this document and the row's last one, on the engine's clock.
        const int existing = rowOf(u.address);
        i.packets = direction[0].packets + direction[1].packets;
        i.trafficMs = i.packets > 0 ? clockMs : -1;
        if (existing >= 0) {
            const Row& row = m_rows[std::size_t(existing)];
            if (i.packets == row.lastPackets)
                i.trafficMs = row.lastTrafficMs;
            if (row.lastRequests >= 0 && u.nowMs > row.lastNowMs)
                v.requestsPerS = v.requests >= row.lastRequests ? double(v.requests - row.lastRequests) *
                                                                      1000.0 / double(u.nowMs - row.lastNowMs)
                                                                : 0.0; // the engine restarted: a new baseline
            else if (u.nowMs == row.lastNowMs)
                v.requestsPerS = row.v.requestsPerS;
        }
    }
    // A summed row's requests/s: its load balancers' own, each on its engine's clock.
    if (m_perBalancer) {
        QHash<QString, double> perBackend;
        for (const In& i : in)
            if (!i.u.balancer.isEmpty())
                perBackend[i.u.backend] += i.v.requestsPerS;
        for (In& i : in)
            if (i.u.balancer.isEmpty())
                i.v.requestsPerS = perBackend.value(i.u.backend);
    }
    // The sparkline moves every second while it has traffic in it; a silent row's stays still.
    const qint64 sparkMs = qint64(SparklineSeconds + 1) * 1000;
    for (In& i : in) {
        i.v.sparkSecond = i.trafficMs >= 0 && clockMs - i.trafficMs <= sparkMs ? floorDiv(clockMs, 1000) : 0;
        const qint64 all = requestsAll.value(i.u.balancer);
        i.v.share = all > 0 ? 100.0 * double(i.v.requests) / double(all) : 0.0;
        i.v.rrShare = i.v.state == u"registered"_s ? 100.0 / registered.value(i.u.balancer) : 0.0;
    }

    // Rows that went, in runs from the end.
    QSet<QString> present;
    present.reserve(qsizetype(in.size()));
    for (const In& i : in)
        present.insert(i.u.address);
    for (int end = int(m_rows.size()) - 1; end >= 0;) {
        if (present.contains(m_rows[std::size_t(end)].address)) {
            --end;
            continue;
        }
        int first = end;
        while (first > 0 && !present.contains(m_rows[std::size_t(first - 1)].address))
            --first;
        beginRemoveRows({}, first, end);
        m_rows.erase(m_rows.begin() + first, m_rows.begin() + end + 1);
        endRemoveRows();
        end = first - 1;
    }

    // The rows left are in the same order as the document's: merge, inserting new ones in runs.
    std::vector<char> changed;
    changed.reserve(in.size());
    std::size_t r = 0;
    for (std::size_t j = 0; j < in.size();) {
        if (r < m_rows.size() && m_rows[r].address == in[j].u.address) {
            Row& row = m_rows[r];
            changed.push_back(row.v != in[j].v || row.balancers != in[j].u.balancers ? 1 : 0);
            if (row.key != in[j].key) {
                row.key = in[j].key;
                row.baselineMs = clockMs;
                row.sparkDirty = true;
            }
            row.v = std::move(in[j].v);
            if (in[j].baselineMs >= 0)
                row.baselineMs = in[j].baselineMs;
            row.lastPackets = in[j].packets;
            row.lastTrafficMs = in[j].trafficMs;
            row.lastNowMs = in[j].u.nowMs;
            row.balancers = in[j].u.balancers;
            ++r;
            ++j;
            continue;
        }
        std::size_t runEnd = j;
        while (runEnd < in.size() && (r >= m_rows.size() || in[runEnd].u.address != m_rows[r].address))
            ++runEnd;
        beginInsertRows({}, int(r), int(r + (runEnd - j) - 1));
        std::vector<Row> fresh(runEnd - j);
        for (std::size_t k = j; k < runEnd; ++k) {
            Row& row = fresh[k - j];
            row.address = in[k].u.address;
            row.key = in[k].key;
            row.backend = in[k].u.backend;
            row.balancer = in[k].u.balancer;
            row.balancers = in[k].u.balancers;
            row.lastNowMs = in[k].u.nowMs;
            row.v = std::move(in[k].v);
            row.baselineMs = in[k].baselineMs;
            row.lastPackets = in[k].packets;
            row.lastTrafficMs = in[k].trafficMs;
            changed.push_back(0);
        }
        m_rows.insert(m_rows.begin() + qsizetype(r), std::make_move_iterator(fresh.begin()),
                      std::make_move_iterator(fresh.end()));
        endInsertRows();
        r += runEnd - j;
        j = runEnd;
    }

    // The layer-7 samples the chart draws, the baseline for the next Req/s, and the totals.
    m_totals = {};
    for (Row& row : m_rows) {
        row.lastRequests = row.v.requests;
        row.l7.push_back({clockMs, float(row.v.requestsPerS), float(row.v.p99)});
        while (!row.l7.empty() && row.l7.front().ms < clockMs - L7KeptMs)
            row.l7.pop_front();
        row.sparkDirty = true;
        if (!row.balancer.isEmpty())
            continue; // counted in its backend's summed row
        ++m_totals.backends;
        m_totals.registered += row.v.state == u"registered"_s ? 1 : 0;
        m_totals.packets += row.v.packets;
        m_totals.bytesTo += row.v.bytesTo;
        m_totals.bytesFrom += row.v.bytesFrom;
        m_totals.connections += row.v.connections;
        m_totals.rst += row.v.rst;
        m_totals.requestsPerS += row.v.requestsPerS;
        m_totals.open += row.v.open;
        m_totals.requests += row.v.requests;
    }

    // One dataChanged per run of changed rows.
    for (std::size_t a = 0; a < changed.size();) {
        if (!changed[a]) {
            ++a;
            continue;
        }
        std::size_t b = a;
        while (b + 1 < changed.size() && changed[b + 1])
            ++b;
        Q_EMIT dataChanged(index(int(a), Balancer), index(int(b), ColumnCount - 1));
        a = b + 1;
    }
    Q_EMIT sampled();
}

QString TrafficModel::totalsText() const
{
    const Totals& t = m_totals;
    return tr("%1 backends (%2 registered) — %3 packets/s, to backends %4 B/s, from backends %5 B/s, "
              "%6 connections/s, %7 open, %8 RST/s — %9 requests/s")
               .arg(t.backends)
               .arg(t.registered)
               .arg(rate(t.packets), rate(t.bytesTo, 0), rate(t.bytesFrom, 0), rate(t.connections))
               .arg(t.open)
               .arg(rate(t.rst), rate(t.requestsPerS)) +
           tr(", %1 requests in all").arg(t.requests);
}

QString TrafficModel::addressAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[std::size_t(row)].address : QString();
}

QString TrafficModel::backendAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[std::size_t(row)].backend : QString();
}

int TrafficModel::rowOf(const QString& address) const
{
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), address,
                                     [](const Row& r, const QString& a) { return r.address < a; });
    return it != m_rows.end() && it->address == address ? int(it - m_rows.begin()) : -1;
}

std::uint64_t TrafficModel::bucketSum(const std::string& key, Metric metric, qint64 startMs,
                                      qint64 bucketMs) const
{
    // sum() counts the complete seconds before the current one: a bucket is the difference of two.
    const HistoryMetric m = historyMetric(metric);
    const qint64 n1 = floorDiv(now(), 1000) - floorDiv(startMs, 1000);
    const qint64 n2 = n1 - bucketMs / 1000;
    const auto sum = [&](qint64 n) -> std::uint64_t {
        if (n <= 0)
            return 0;
        std::uint64_t s = m_history->sum(key, Direction::ToBackend, m, int(n));
        if (metric != Metric::Connections)
            s += m_history->sum(key, Direction::FromBackend, m, int(n));
        return s;
    };
    const std::uint64_t a = sum(n1);
    const std::uint64_t b = sum(n2);
    return a >= b ? a - b : 0;
}

QList<QPointF> TrafficModel::points(int row, Metric metric, qint64 windowMs, qint64 bucketMs) const
{
    QList<QPointF> out;
    if (row < 0 || row >= int(m_rows.size()) || bucketMs <= 0)
        return out;
    const Row& r = m_rows[std::size_t(row)];
    const qint64 t = now();
    if (isL7(metric)) {
        for (const L7Sample& s : r.l7) {
            const double y = metric == Metric::P99 ? s.p99 : s.requestsPerS;
            if (s.ms >= t - windowMs && y >= 0)
                out.append(QPointF(double(s.ms), y));
        }
        return out;
    }
    const qint64 current = floorDiv(t, bucketMs) * bucketMs;
    const qint64 first = current - windowMs;
    const qint64 n = windowMs / bucketMs;
    std::vector<std::uint64_t> sums(std::size_t(qMax<qint64>(0, n)), 0);
    const HistoryMetric m = historyMetric(metric);
    const auto add = [&](Direction d) {
        for (const traffic::HistoryPoint& p : m_history->series(r.key, d, m)) {
            if (p.startMs < first || p.startMs + p.lengthMs > current ||
                holdsBaseline(r, p.startMs, p.lengthMs))
                continue;
            const qint64 slot = (p.startMs - first) / bucketMs;
            if (slot >= 0 && slot < n)
                sums[std::size_t(slot)] += p.value;
        }
    };
    add(Direction::ToBackend);
    if (metric != Metric::Connections)
        add(Direction::FromBackend);
    out.reserve(qsizetype(n));
    for (qint64 i = 0; i < n; ++i)
        out.append(
            QPointF(double(first + i * bucketMs), double(sums[std::size_t(i)]) * 1000.0 / double(bucketMs)));
    return out;
}

std::optional<QPointF> TrafficModel::newestPoint(int row, Metric metric, qint64 bucketMs) const
{
    if (row < 0 || row >= int(m_rows.size()) || bucketMs <= 0)
        return std::nullopt;
    const Row& r = m_rows[std::size_t(row)];
    if (isL7(metric)) {
        if (r.l7.empty())
            return std::nullopt;
        const L7Sample& s = r.l7.back();
        const double y = metric == Metric::P99 ? s.p99 : s.requestsPerS;
        if (y < 0)
            return std::nullopt;
        return QPointF(double(s.ms), y);
    }
    const qint64 start = floorDiv(now(), bucketMs) * bucketMs - bucketMs;
    if (holdsBaseline(r, start, bucketMs))
        return QPointF(double(start), 0.0);
    return QPointF(double(start),
                   double(bucketSum(r.key, metric, start, bucketMs)) * 1000.0 / double(bucketMs));
}

double TrafficModel::windowTotal(int row, Metric metric, qint64 windowMs) const
{
    if (row < 0 || row >= int(m_rows.size()))
        return 0;
    const Row& r = m_rows[std::size_t(row)];
    const qint64 t = now();
    if (isL7(metric)) {
        double total = 0;
        for (const L7Sample& s : r.l7) {
            const double y = metric == Metric::P99 ? s.p99 : s.requestsPerS;
            if (s.ms >= t - windowMs && y > 0)
                total += y;
        }
        return total;
    }
    // The baseline's second holds everything since the engine started: count from the one after.
    qint64 seconds = windowMs / 1000;
    if (r.baselineMs >= 0)
        seconds = qMin(seconds, floorDiv(t, 1000) - floorDiv(r.baselineMs, 1000) - 1);
    if (seconds <= 0)
        return 0;
    const HistoryMetric m = historyMetric(metric);
    std::uint64_t total = m_history->sum(r.key, Direction::ToBackend, m, int(seconds));
    if (metric != Metric::Connections)
        total += m_history->sum(r.key, Direction::FromBackend, m, int(seconds));
    return double(total);
}

bool TrafficModel::holdsBaseline(const Row& row, qint64 startMs, qint64 lengthMs)
{
    return row.baselineMs >= startMs && row.baselineMs < startMs + lengthMs;
}

QList<qreal> TrafficModel::sparkline(const Row& row) const
{
    QList<qreal> out;
    out.reserve(SparklineSeconds);
    const auto to = m_history->series(row.key, Direction::ToBackend, HistoryMetric::Packets);
    const auto from = m_history->series(row.key, Direction::FromBackend, HistoryMetric::Packets);
    // The last point is the second being filled; the 60 before it are complete.
    const std::size_t n = std::min(to.size(), from.size());
    if (n < 1 + SparklineSeconds)
        return out;
    for (std::size_t i = n - 1 - SparklineSeconds; i + 1 < n; ++i)
        out.append(holdsBaseline(row, to[i].startMs, to[i].lengthMs) ? 0.0
                                                                     : qreal(to[i].value + from[i].value));
    return out;
}

int TrafficModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TrafficModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TrafficModel::display(const Row& row, int column) const
{
    const Values& v = row.v;
    switch (Column(column)) {
    case Backend:
        return row.backend;
    case Balancer:
        return row.balancers > 0 ? tr("all %1").arg(row.balancers) : row.balancer;
    case Node:
        return v.node;
    case State:
        return v.state;
    case Sparkline:
        return {};
    case Packets:
        return rate(v.packets);
    case BytesTo:
        return rate(v.bytesTo, 0);
    case BytesFrom:
        return rate(v.bytesFrom, 0);
    case Connections:
        return rate(v.connections);
    case Open:
        return QString::number(v.open);
    case Rst:
        return rate(v.rst);
    case Rtt:
        return v.rttMs < 0 ? QString() : rate(v.rttMs, 2);
    case Requests:
        return rate(v.requestsPerS);
    case Status2xx:
        return QString::number(v.s2xx);
    case Status4xx:
        return QString::number(v.s4xx);
    case Status5xx:
        return QString::number(v.s5xx);
    case P99:
        return v.p99 < 0 ? QString() : rate(v.p99, 1);
    case Share:
        return u"%1 %"_s.arg(rate(v.share));
    case RrShare:
        return u"%1 %"_s.arg(rate(v.rrShare));
    case ColumnCount:
        break;
    }
    return {};
}

QVariant TrafficModel::value(const Row& row, int column) const
{
    const Values& v = row.v;
    switch (Column(column)) {
    case Backend:
        return row.address; // sorts a backend's summed row and its load balancers' rows together
    case Balancer:
        return row.balancers > 0 ? QString() : row.balancer;
    case Node:
        return v.node;
    case State:
        return v.state;
    case Sparkline: {
        const QList<qreal> values = sparkline(row);
        return std::accumulate(values.cbegin(), values.cend(), 0.0);
    }
    case Packets:
        return v.packets;
    case BytesTo:
        return v.bytesTo;
    case BytesFrom:
        return v.bytesFrom;
    case Connections:
        return v.connections;
    case Open:
        return v.open;
    case Rst:
        return v.rst;
    case Rtt:
        return v.rttMs;
    case Requests:
        return v.requestsPerS;
    case Status2xx:
        return v.s2xx;
    case Status4xx:
        return v.s4xx;
    case Status5xx:
        return v.s5xx;
    case P99:
        return v.p99;
    case Share:
        return v.share;
    case RrShare:
        return v.rrShare;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant TrafficModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[std::size_t(index.row())];
    const bool marked = row.v.state != u"registered"_s;
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case ValueRole:
        return value(row, index.column());
    case AddressRole:
        return row.address;
    case BackendRole:
        return row.backend;
    case SparklineRole:
        return index.column() == Sparkline ? QVariant::fromValue(sparkline(row)) : QVariant();
    case Qt::DecorationRole: {
        if (index.column() != Sparkline || !qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
            return {};
        if (row.sparkDirty) {
            row.sparkDirty = false;
            const QList<qreal> values = sparkline(row);
            QPixmap pixmap(SparklineSeconds, 14);
            pixmap.fill(Qt::transparent);
            const qreal top = values.isEmpty() ? 0 : *std::max_element(values.cbegin(), values.cend());
            if (top > 0) {
                QPainter p(&pixmap);
                p.setPen(marked ? stateColor(row.v.state)
                                : QGuiApplication::palette().color(QPalette::Highlight));
                QPolygonF line;
                for (qsizetype i = 0; i < values.size(); ++i)
                    line << QPointF(qreal(i), 13.0 - 12.0 * values[i] / top);
                p.drawPolyline(line);
            }
            row.spark = pixmap;
        }
        return row.spark;
    }
    case Qt::ForegroundRole:
        return marked ? QVariant(stateColor(row.v.state)) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() > Sparkline ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case Qt::ToolTipRole:
        if (row.v.state == u"draining"_s)
            return tr("%1 left the upstream set but still has open connections: it stays until the last one "
                      "closes.")
                .arg(row.backend);
        if (row.v.state == u"unregistered"_s)
            return tr("%1 gets traffic but is not in the upstream set nginx was given (not registered in "
                      "etcd).")
                .arg(row.backend);
        if (row.v.state == u"left"_s)
            return tr("%1 is no longer in the upstream set and has no connection open.").arg(row.backend);
        if (index.column() == Sparkline)
            return tr("Packets/s over the last %1 s").arg(SparklineSeconds);
        if (index.column() == Connections || index.column() == Open)
            return tr("%n connection(s) since start were lbdeck's own health probes (GET %1); nginx's "
                      "request counts never include them.",
                      nullptr, int(row.v.probes))
                .arg(QString::fromLatin1(traffic::kProbeTarget));
        break;
    default:
        break;
    }
    return {};
}

QVariant TrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    const bool tip = role == Qt::ToolTipRole;
    switch (Column(section)) {
    case Backend:
        return tip ? tr("The upstream's IP:PORT") : tr("Backend");
    case Balancer:
        return tip ? tr("The load balancer whose engine counted it; \"all\": the sum over them (p99: the "
                        "highest of theirs)")
                   : tr("Load balancer");
    case Node:
        return tr("Node");
    case State:
        return tip ? tr("registered, draining (removed, connections still open), unregistered, or left")
                   : tr("State");
    case Sparkline:
        return tip ? tr("Packets/s over the last %1 s").arg(SparklineSeconds)
                   : tr("Last %1 s").arg(SparklineSeconds);
    case Packets:
        return tip ? tr("Packets per second, both directions, over the last complete second")
                   : tr("Packets/s");
    case BytesTo:
        return tip ? tr("IP bytes per second sent toward the backend") : tr("To backend B/s");
    case BytesFrom:
        return tip ? tr("IP bytes per second the backend sent back") : tr("From backend B/s");
    case Connections:
        return tip ? tr("Connections opened per second") : tr("Conn/s");
    case Open:
        return tip ? tr("Connections open now") : tr("Open");
    case Rst:
        return tip ? tr("TCP resets per second") : tr("RST/s");
    case Rtt:
        return tip ? tr("Average handshake round-trip time") : tr("RTT ms");
    case Requests:
        return tip ? tr("HTTP requests per second (nginx's access log)") : tr("Req/s");
    case Status2xx:
        return tr("2xx");
    case Status4xx:
        return tr("4xx");
    case Status5xx:
        return tr("5xx");
    case P99:
        return tip ? tr("99th percentile response time over the last complete 10 s") : tr("p99 ms");
    case Share:
        return tip ? tr("This backend's share of all requests since the engine started counting")
                   : tr("Share");
    case RrShare:
        return tip ? tr("The share round-robin gives each registered backend") : tr("RR share");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace lbdeck
