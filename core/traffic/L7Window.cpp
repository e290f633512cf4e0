// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "L7Window.h"

#include <algorithm>

namespace lbdeck::traffic {

L7Window::L7Window(qint64 windowMs)
    : m_windowMs(std::max<qint64>(windowMs, 1))
{}

void L7Window::roll(qint64 nowMs)
{
    const qint64 index = nowMs / m_windowMs;
    if (index == m_index)
        return;
    if (index == m_index + 1) {
        m_last = compute(m_values, m_index * m_windowMs);
    } else {
        // The window before this one saw nothing (or the clock went back): an empty last window.
        m_last = L7Percentiles{};
        m_last.windowStartMs = (index - 1) * m_windowMs;
    }
    m_values.clear();
    m_index = index;
}

void L7Window::add(qint64 nowMs, qint64 valueMs)
{
    roll(nowMs);
    m_values.push_back(valueMs);
}

L7Percentiles L7Window::last(qint64 nowMs)
{
    roll(nowMs);
    return m_last;
}

L7Percentiles L7Window::current(qint64 nowMs)
{
    roll(nowMs);
    return compute(m_values, m_index * m_windowMs);
}

L7Percentiles L7Window::compute(std::vector<qint64> values, qint64 windowStartMs)
{
    L7Percentiles p;
    p.windowStartMs = windowStartMs;
    p.samples = values.size();
    if (values.empty())
        return p;
    std::sort(values.begin(), values.end());
    const auto rank = [&](int percent) {
        // Nearest rank: the smallest value with at least percent % of the samples at or below it.
        const size_t n = values.size();
        const size_t r = (n * static_cast<size_t>(percent) + 99) / 100;
        return values.at(std::clamp<size_t>(r, 1, n) - 1);
    };
    p.p50 = rank(50);
    p.p95 = rank(95);
    p.p99 = rank(99);
    return p;
}

} // namespace lbdeck::traffic
