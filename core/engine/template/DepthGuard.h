// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

namespace lbdeck::tmpl {

// Counts one level of recursion for as long as it lives, so that bad input ends in an error instead
// of a stack overflow.
class DepthGuard
{
public:
    DepthGuard(int& depth, int limit)
        : m_depth(++depth)
        , m_limit(limit)
    {}
    ~DepthGuard() { --m_depth; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

    bool exceeded() const { return m_depth > m_limit; }

private:
    int& m_depth;
    const int m_limit;
};

} // namespace lbdeck::tmpl
