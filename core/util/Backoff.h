// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <algorithm>
#include <chrono>

namespace lbdeck::util {

// Delays that double from `first` up to `most`, for retrying what failed; reset() after a success.
class Backoff
{
public:
    constexpr Backoff(std::chrono::milliseconds first, std::chrono::milliseconds most)
        : m_first(first)
        , m_most(most)
        , m_next(first)
    {}

    // The delay to wait before the next attempt; the one after is twice as long (at most `most`).
    std::chrono::milliseconds next()
    {
        const std::chrono::milliseconds now = m_next;
        m_next = std::min(m_most, m_next * 2);
        ++m_attempts;
        return now;
    }
    void reset()
    {
        m_next = m_first;
        m_attempts = 0;
    }
    int attempts() const { return m_attempts; } // next() calls since the last reset()

private:
    std::chrono::milliseconds m_first;
    std::chrono::milliseconds m_most;
    std::chrono::milliseconds m_next;
    int m_attempts = 0;
};

} // namespace lbdeck::util
