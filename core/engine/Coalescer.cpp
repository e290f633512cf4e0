// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Coalescer.h"

namespace lbdeck {

bool Coalescer::change(qint64 now)
{
    m_lastChange = now;
    if (!m_running && !m_pendingSince) {
        m_running = true; // leading edge
        return true;
    }
    if (!m_pendingSince)
        m_pendingSince = now;
    return false;
}

void Coalescer::runFinished(qint64 now)
{
    Q_UNUSED(now)
    m_running = false;
}

std::optional<qint64> Coalescer::deadline() const
{
    if (m_running || !m_pendingSince)
        return std::nullopt;
    return qMin(m_lastChange + m_policy.quietMs, *m_pendingSince + m_policy.maxWaitMs);
}

bool Coalescer::due(qint64 now)
{
    const std::optional<qint64> when = deadline();
    if (!when || now < *when)
        return false;
    m_pendingSince.reset();
    m_running = true;
    return true;
}

} // namespace lbdeck
