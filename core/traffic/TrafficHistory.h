// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/TrafficCounters.h"

#include <QtGlobal>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace lbdeck::traffic {

enum class HistoryMetric
{
    Packets = 0,
    Bytes,
    Syn,
    Rst,
    Fin,
    Connections, // flows opened (UpstreamRow::connections); counted on ToBackend only
};
inline constexpr int kHistoryMetrics = 6;

// One bucket (or a total) of every metric for one direction.
struct HistoryCounts
{
    std::array<std::uint64_t, kHistoryMetrics> value{};

    std::uint64_t operator[](HistoryMetric m) const { return value[static_cast<std::size_t>(m)]; }
};

// One point of a series: the bucket [startMs, startMs + lengthMs) and its count.
struct HistoryPoint
{
    qint64 startMs = 0;
    qint64 lengthMs = 0;
    std::uint64_t value = 0;
};

// Time series of the meter's counters per upstream key ("IP:PORT") and direction: 1 s buckets for
// the last 5 minutes, 10 s buckets up to 15 minutes, and totals since start. Fed from cumulative
// snapshots (sample() after TrafficMeter::updated and on a timer): the difference since the last
// snapshot goes into the bucket of the clock's now. Buckets are stamped rings allocated when a key
// first appears; a bucket no snapshot touched reads 0, so a silent key needs no work per tick.
class TrafficHistory
{
public:
    using Clock = std::function<qint64()>; // milliseconds since the epoch
    static constexpr qint64 kFineMs = 1'000;
    static constexpr qint64 kCoarseMs = 10'000;
    static constexpr qint64 kFineHorizonMs = 5 * 60'000;
    static constexpr qint64 kHorizonMs = 15 * 60'000;

    explicit TrafficHistory(Clock clock);

    // Every row of the meter's counters.
    void sample(const TrafficCounters& counters);
    // One key's cumulative counters (direction[0] to, [1] from the backend) and flows opened. A
    // value smaller than the last one (the meter restarted) starts a new baseline: it counts whole.
    void sample(const std::string& key, const DirectionCounters (&direction)[2], std::uint64_t connections);

    std::vector<std::string> keys() const; // sorted
    bool contains(const std::string& key) const { return m_index.count(key) != 0; }

    // Since the first snapshot of the key; zeros for an unknown key.
    HistoryCounts total(const std::string& key, Direction d) const;
    // Sum over the `windowS` complete seconds before the current one (the one being filled is left
    // out, so a rate is never made of a partial bucket). Windows above 5 minutes use the 10 s
    // buckets, rounded up to whole ones; windows are capped at 15 minutes.
    std::uint64_t sum(const std::string& key, Direction d, HistoryMetric m, int windowS) const;
    // sum() per second of the window.
    double rate(const std::string& key, Direction d, HistoryMetric m, int windowS) const;
    // The whole history, oldest first, current bucket last: 10 s buckets back to 15 minutes, then
    // 1 s buckets from the 10 s boundary at or before 5 minutes ago. Empty for an unknown key.
    std::vector<HistoryPoint> series(const std::string& key, Direction d, HistoryMetric m) const;

private:
    static constexpr std::size_t kFineSlots = kFineHorizonMs / kFineMs + kCoarseMs / kFineMs; // 310
    static constexpr std::size_t kCoarseSlots = kHorizonMs / kCoarseMs + 1;                   // 91

    struct Ring
    {
        std::vector<qint64> stamp; // bucket index held by each slot; -1 for none
        std::vector<HistoryCounts> counts[2];

        explicit Ring(std::size_t slots);
        void add(qint64 bucket, Direction d, const HistoryCounts& delta);
        std::uint64_t at(qint64 bucket, Direction d, HistoryMetric m) const;
    };

    struct Series
    {
        Ring fine{kFineSlots};
        Ring coarse{kCoarseSlots};
        HistoryCounts total[2];
        HistoryCounts last[2]; // the last cumulative snapshot
    };

    qint64 now() const;
    const Series* find(const std::string& key) const;

    Clock m_clock;
    mutable qint64 m_lastNowMs = 0; // the clock, never going back
    std::vector<std::unique_ptr<Series>> m_series;
    std::unordered_map<std::string, std::size_t> m_index;
};

} // namespace lbdeck::traffic
