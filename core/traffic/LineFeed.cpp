// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/traffic/LineFeed.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck::traffic {

LineFeed::LineFeed(const LineFeedOptions& options, Clock clock)
    : m_options(options)
    , m_clock(std::move(clock))
    , m_ring(std::max<std::size_t>(options.capacity, 1))
{
    m_options.capacity = m_ring.size();
    m_options.linesPerSecond = std::max(options.linesPerSecond, 0);
}

Result<void> LineFeed::setFilter(const std::string& key)
{
    if (key.empty()) {
        m_filtered = false;
        m_filterKey.clear();
        return {};
    }
    IpEndpoint e;
    if (!parseEndpointKey(key, &e))
        return makeError(ErrorCode::InvalidArgument, u"not a backend IP:PORT"_s, QString::fromStdString(key));
    m_filter = e;
    m_filterKey = key;
    m_filtered = true;
    return {};
}

QString LineFeed::marker(std::uint64_t notShown)
{
    return u"%1 lines not shown"_s.arg(notShown);
}

void LineFeed::push(const QString& line, const IpEndpoint& src, const IpEndpoint& dst)
{
    if (admit(src, dst))
        keep(line);
}

bool LineFeed::admit(const IpEndpoint& src, const IpEndpoint& dst, qint64 ms)
{
    if (m_filtered && !(src == m_filter) && !(dst == m_filter)) {
        ++m_filteredOut;
        return false;
    }
    const qint64 second = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    if (!m_started || second > m_second) { // a clock going back stays in the second it was in
        m_started = true;
        m_second = second;
        m_inSecond = 0;
    }
    if (m_inSecond >= m_options.linesPerSecond) {
        ++m_pending;
        ++m_dropped;
        return false;
    }
    ++m_inSecond;
    return true;
}

void LineFeed::keep(const QString& line)
{
    if (m_pending != 0) {
        append(marker(m_pending));
        m_pending = 0;
    }
    append(line);
    ++m_kept;
}

void LineFeed::append(const QString& entry)
{
    m_ring[static_cast<std::size_t>(m_next % m_ring.size())] = entry;
    ++m_next;
}

QStringList LineFeed::linesAfter(std::uint64_t after) const
{
    const std::uint64_t last = m_next - 1;
    const std::uint64_t held = std::min<std::uint64_t>(last, m_ring.size());
    const std::uint64_t first = std::max<std::uint64_t>(last - held + 1, after + 1);
    QStringList out;
    if (first > last)
        return out;
    out.reserve(static_cast<qsizetype>(last - first + 1));
    for (std::uint64_t s = first; s <= last; ++s)
        out.append(m_ring[static_cast<std::size_t>(s % m_ring.size())]);
    return out;
}

QStringList LineFeed::lines() const
{
    return linesAfter(0);
}

} // namespace lbdeck::traffic
