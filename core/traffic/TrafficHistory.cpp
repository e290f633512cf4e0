// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/traffic/TrafficHistory.h"

#include <algorithm>

namespace lbdeck::traffic {

namespace {

qint64 floorDiv(qint64 a, qint64 b)
{
    const qint64 q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::size_t slotOf(qint64 bucket, std::size_t slots)
{
    const qint64 n = static_cast<qint64>(slots);
    return static_cast<std::size_t>(((bucket % n) + n) % n);
}

HistoryCounts countsOf(const DirectionCounters& c, std::uint64_t connections)
{
    HistoryCounts h;
    h.value = {c.packets, c.bytes, c.syn, c.rst, c.fin, connections};
    return h;
}

} // namespace

TrafficHistory::Ring::Ring(std::size_t slots)
    : stamp(slots, -1)
{
    counts[0].resize(slots);
    counts[1].resize(slots);
}

void TrafficHistory::Ring::add(qint64 bucket, Direction d, const HistoryCounts& delta)
{
    const std::size_t s = slotOf(bucket, stamp.size());
    if (stamp[s] != bucket) {
        stamp[s] = bucket;
        counts[0][s] = HistoryCounts{};
        counts[1][s] = HistoryCounts{};
    }
    HistoryCounts& c = counts[static_cast<int>(d)][s];
    for (int m = 0; m < kHistoryMetrics; ++m)
        c.value[static_cast<std::size_t>(m)] += delta.value[static_cast<std::size_t>(m)];
}

std::uint64_t TrafficHistory::Ring::at(qint64 bucket, Direction d, HistoryMetric m) const
{
    const std::size_t s = slotOf(bucket, stamp.size());
    return stamp[s] == bucket ? counts[static_cast<int>(d)][s][m] : 0;
}

TrafficHistory::TrafficHistory(Clock clock)
    : m_clock(std::move(clock))
{}

qint64 TrafficHistory::now() const
{
    if (m_clock)
        m_lastNowMs = std::max(m_lastNowMs, m_clock());
    return m_lastNowMs;
}

void TrafficHistory::sample(const TrafficCounters& counters)
{
    for (const UpstreamRow& row : counters.rows())
        sample(row.key, row.direction, row.connections);
}

void TrafficHistory::sample(const std::string& key, const DirectionCounters (&direction)[2],
                            std::uint64_t connections)
{
    auto it = m_index.find(key);
    if (it == m_index.end()) {
        it = m_index.emplace(key, m_series.size()).first;
        m_series.push_back(std::make_unique<Series>());
    }
    Series& s = *m_series[it->second];
    const qint64 t = now();
    const qint64 fine = floorDiv(t, kFineMs);
    const qint64 coarse = floorDiv(t, kCoarseMs);
    for (int d = 0; d < 2; ++d) {
        const HistoryCounts cur = countsOf(direction[d], d == 0 ? connections : 0);
        HistoryCounts delta;
        bool any = false;
        for (std::size_t m = 0; m < kHistoryMetrics; ++m) {
            const std::uint64_t c = cur.value[m];
            const std::uint64_t l = s.last[d].value[m];
            delta.value[m] = c >= l ? c - l : c;
            s.total[d].value[m] += delta.value[m];
            any = any || delta.value[m] != 0;
        }
        s.last[d] = cur;
        if (any) {
            s.fine.add(fine, static_cast<Direction>(d), delta);
            s.coarse.add(coarse, static_cast<Direction>(d), delta);
        }
    }
}

std::vector<std::string> TrafficHistory::keys() const
{
    std::vector<std::string> out;
    out.reserve(m_index.size());
    for (const auto& [key, index] : m_index)
        out.push_back(key);
    std::sort(out.begin(), out.end());
    return out;
}

const TrafficHistory::Series* TrafficHistory::find(const std::string& key) const
{
    const auto it = m_index.find(key);
    return it == m_index.end() ? nullptr : m_series[it->second].get();
}

HistoryCounts TrafficHistory::total(const std::string& key, Direction d) const
{
    const Series* s = find(key);
    return s != nullptr ? s->total[static_cast<int>(d)] : HistoryCounts{};
}

std::uint64_t TrafficHistory::sum(const std::string& key, Direction d, HistoryMetric m, int windowS) const
{
    const Series* s = find(key);
    if (s == nullptr || windowS <= 0)
        return 0;
    const qint64 t = now();
    std::uint64_t total = 0;
    if (static_cast<qint64>(windowS) * 1000 <= kFineHorizonMs) {
        const qint64 cur = floorDiv(t, kFineMs);
        for (qint64 b = cur - windowS; b < cur; ++b)
            total += s->fine.at(b, d, m);
        return total;
    }
    const qint64 n = std::min<qint64>((static_cast<qint64>(windowS) * 1000 + kCoarseMs - 1) / kCoarseMs,
                                      kHorizonMs / kCoarseMs);
    const qint64 cur = floorDiv(t, kCoarseMs);
    for (qint64 b = cur - n; b < cur; ++b)
        total += s->coarse.at(b, d, m);
    return total;
}

double TrafficHistory::rate(const std::string& key, Direction d, HistoryMetric m, int windowS) const
{
    if (windowS <= 0)
        return 0.0;
    qint64 spanMs = static_cast<qint64>(windowS) * 1000;
    if (spanMs > kFineHorizonMs)
        spanMs = std::min(((spanMs + kCoarseMs - 1) / kCoarseMs) * kCoarseMs, kHorizonMs);
    return static_cast<double>(sum(key, d, m, windowS)) * 1000.0 / static_cast<double>(spanMs);
}

std::vector<HistoryPoint> TrafficHistory::series(const std::string& key, Direction d, HistoryMetric m) const
{
    std::vector<HistoryPoint> out;
    const Series* s = find(key);
    if (s == nullptr)
        return out;
    const qint64 t = now();
    const qint64 cur = floorDiv(t, kFineMs);
    const qint64 fineStart = floorDiv(cur - (kFineHorizonMs / kFineMs - 1), kCoarseMs / kFineMs) *
                             (kCoarseMs / kFineMs); // a 10 s boundary, at most 5 min + 9 s back
    const qint64 coarseCur = floorDiv(t, kCoarseMs);
    const qint64 coarseFirst = coarseCur - (kHorizonMs / kCoarseMs - 1);
    const qint64 coarseEnd = fineStart / (kCoarseMs / kFineMs); // first coarse bucket fine covers
    out.reserve(
        static_cast<std::size_t>(std::max<qint64>(0, coarseEnd - coarseFirst) + (cur - fineStart + 1)));
    for (qint64 b = coarseFirst; b < coarseEnd; ++b)
        out.push_back({b * kCoarseMs, kCoarseMs, s->coarse.at(b, d, m)});
    for (qint64 b = fineStart; b <= cur; ++b)
        out.push_back({b * kFineMs, kFineMs, s->fine.at(b, d, m)});
    return out;
}

} // namespace lbdeck::traffic
