// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "AccessLogRecord.h"

#include <vector>

namespace lbdeck::traffic {

struct L7Percentiles
{
    quint64 samples = 0;
    qint64 p50 = kUnknown; // milliseconds, nearest rank; kUnknown without samples
    qint64 p95 = kUnknown;
    qint64 p99 = kUnknown;
    qint64 windowStartMs = 0; // clock time the window began
};

// Response times of one upstream server in fixed, clock-aligned windows: the window being filled
// and the last complete one. Exact (a sorted copy at the roll); memory reused from window to window.
class L7Window
{
public:
    explicit L7Window(qint64 windowMs);

    void add(qint64 nowMs, qint64 valueMs);
    // Rolls to the window holding nowMs, then: the last complete window / the one being filled.
    L7Percentiles last(qint64 nowMs);
    L7Percentiles current(qint64 nowMs);

    static L7Percentiles compute(std::vector<qint64> values, qint64 windowStartMs);

private:
    void roll(qint64 nowMs);

    qint64 m_windowMs;
    qint64 m_index = 0; // nowMs / windowMs of the window being filled
    std::vector<qint64> m_values;
    L7Percentiles m_last;
};

} // namespace lbdeck::traffic
