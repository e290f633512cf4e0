// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "L7Stats.h"

#include <QDateTime>

#include <algorithm>

namespace lbdeck::traffic {

L7Stats::L7Stats(Clock clock, qint64 windowMs)
    : m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); }))
    , m_windowMs(windowMs)
{}

void L7Stats::add(const AccessLogRecord& record)
{
    ++m_requests;
    if (record.attempts.isEmpty())
        ++m_withoutUpstream;
    if (record.retried())
        ++m_retriedRequests;
    const qint64 now = m_clock();
    for (qsizetype i = 0; i < record.attempts.size(); ++i) {
        const UpstreamAttempt& a = record.attempts.at(i);
        auto it = m_upstreams.find(a.address);
        if (it == m_upstreams.end()) {
            L7UpstreamStats fresh;
            fresh.address = a.address;
            it = m_upstreams.insert(a.address, Entry{fresh, L7Window(m_windowMs)});
        }
        L7UpstreamStats& s = it->stats;
        ++s.requests;
        const int cls = a.status == kUnknown ? 0 : a.status / 100;
        switch (cls) {
        case 2:
            ++s.status2xx;
            break;
        case 3:
            ++s.status3xx;
            break;
        case 4:
            ++s.status4xx;
            break;
        case 5:
            ++s.status5xx;
            break;
        default:
            ++s.statusOther;
            break;
        }
        if (i + 1 < record.attempts.size() && record.attempts.at(i + 1).group == a.group)
            ++s.retriedAway;
        if (a.responseMs != kUnknown)
            it->window.add(now, a.responseMs);
    }
}

QStringList L7Stats::addresses() const
{
    QStringList list = m_upstreams.keys();
    std::sort(list.begin(), list.end());
    return list;
}

L7UpstreamStats L7Stats::upstream(const QString& address)
{
    auto it = m_upstreams.find(address);
    if (it == m_upstreams.end()) {
        L7UpstreamStats none;
        none.address = address;
        return none;
    }
    const qint64 now = m_clock();
    L7UpstreamStats s = it->stats;
    s.lastWindow = it->window.last(now);
    s.currentWindow = it->window.current(now);
    return s;
}

QList<L7UpstreamStats> L7Stats::snapshot()
{
    QList<L7UpstreamStats> rows;
    const QStringList list = addresses();
    for (const QString& a : list)
        rows << upstream(a);
    return rows;
}

} // namespace lbdeck::traffic
