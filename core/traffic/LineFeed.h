// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/IpEndpoint.h"
#include "core/util/Result.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lbdeck::traffic {

struct LineFeedOptions
{
    int linesPerSecond = 100;    // kept per clock second (markers not counted)
    std::size_t capacity = 1000; // lines held for the reader, markers included
};

// The tcpdump -q line feed for the GUI: takes formatted lines (tcpdumpLine()) with their endpoints,
// keeps at most linesPerSecond of them per clock second and, when it dropped some, puts one marker
// "N lines not shown" before the next line it keeps. An optional backend filter keeps only lines from
// or to that "IP:PORT" (lines it filters out are not counted as dropped). The last `capacity`
// entries stay in a ring allocated at construction; each has a sequence number for readers.
class LineFeed
{
public:
    using Clock = std::function<qint64()>; // milliseconds since the epoch

    LineFeed(const LineFeedOptions& options, Clock clock);

    // "" for every backend; otherwise an endpointKey().
    Result<void> setFilter(const std::string& key);
    const std::string& filter() const { return m_filterKey; }

    void push(const QString& line, const IpEndpoint& src, const IpEndpoint& dst);
    // push() in two steps, so that a caller formats only the lines that are kept: admit() applies
    // the filter and the rate limit (and counts what it turns away); keep() stores an admitted line.
    bool admit(const IpEndpoint& src, const IpEndpoint& dst)
    {
        return admit(src, dst, m_clock ? m_clock() : 0);
    }
    // The same at a time the caller has already (a packet's capture time, ms since the epoch).
    bool admit(const IpEndpoint& src, const IpEndpoint& dst, qint64 ms);
    void keep(const QString& line);

    // Entries held now, oldest first / only those with a sequence number above `after`.
    QStringList lines() const;
    QStringList linesAfter(std::uint64_t after) const;
    // Sequence number of the newest entry (0 before the first); entries are numbered from 1.
    std::uint64_t lastSequence() const { return m_next - 1; }

    std::uint64_t kept() const { return m_kept; }               // lines kept since start (no markers)
    std::uint64_t dropped() const { return m_dropped; }         // lines not shown since start
    std::uint64_t pendingNotShown() const { return m_pending; } // for the next marker
    std::uint64_t filteredOut() const { return m_filteredOut; }

    static QString marker(std::uint64_t notShown);

private:
    void append(const QString& entry);

    LineFeedOptions m_options;
    Clock m_clock;
    std::string m_filterKey;
    IpEndpoint m_filter;
    bool m_filtered = false;
    std::vector<QString> m_ring;
    std::uint64_t m_next = 1; // sequence number of the next entry
    qint64 m_second = 0;      // clock second the count below belongs to
    int m_inSecond = 0;
    bool m_started = false;
    std::uint64_t m_pending = 0;
    std::uint64_t m_kept = 0;
    std::uint64_t m_dropped = 0;
    std::uint64_t m_filteredOut = 0;
};

} // namespace lbdeck::traffic
