// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "AccessLogRecord.h"
#include "L7Window.h"

#include <QHash>
#include <QList>
#include <QString>

#include <functional>

namespace lbdeck::traffic {

// Counters of one upstream server (keyed by the address nginx logged, the registered IP:PORT).
struct L7UpstreamStats
{
    QString address;
    quint64 requests = 0; // attempts nginx sent to this server, retries included
    quint64 status2xx = 0;
    quint64 status3xx = 0;
    quint64 status4xx = 0;
    quint64 status5xx = 0;
    quint64 statusOther = 0;  // 1xx, or "-" (no response: the client went away, a timeout)
    quint64 retriedAway = 0;  // attempts here after which nginx went on to the next server
    L7Percentiles lastWindow; // $upstream_response_time over the last complete window
    L7Percentiles currentWindow;
};

// Per-upstream layer-7 numbers from AccessLogReceiver's records. Time comes from the injected clock
// (milliseconds), so windows are tested without sleeping.
class L7Stats
{
public:
    using Clock = std::function<qint64()>;
    static constexpr qint64 kDefaultWindowMs = 10'000;

    explicit L7Stats(Clock clock = {}, qint64 windowMs = kDefaultWindowMs);

    void add(const AccessLogRecord& record);

    quint64 requests() const { return m_requests; }               // records seen
    quint64 retriedRequests() const { return m_retriedRequests; } // several servers of one group
    quint64 withoutUpstream() const { return m_withoutUpstream; } // answered by nginx itself
    QStringList addresses() const;                                // sorted
    // Rolls the windows to the clock's now. A default row (requests 0) for an unknown address.
    L7UpstreamStats upstream(const QString& address);
    QList<L7UpstreamStats> snapshot();

private:
    struct Entry
    {
        L7UpstreamStats stats;
        L7Window window;
    };

    Clock m_clock;
    qint64 m_windowMs;
    QHash<QString, Entry> m_upstreams;
    quint64 m_requests = 0;
    quint64 m_retriedRequests = 0;
    quint64 m_withoutUpstream = 0;
};

} // namespace lbdeck::traffic
