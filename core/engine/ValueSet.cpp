// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ValueSet.h"

#include <algorithm>

namespace lbdeck {

ValueSet ValueSet::fromValues(std::vector<QString> values)
{
    std::sort(values.begin(), values.end());
    ValueSet set;
    set.m_values.reserve(values.size());
    set.m_counts.reserve(values.size());
    for (QString& v : values) {
        if (!set.m_values.empty() && set.m_values.back() == v) {
            ++set.m_counts.back();
            continue;
        }
        set.m_values.push_back(std::move(v));
        set.m_counts.push_back(1);
    }
    return set;
}

void ValueSet::add(const QString& value)
{
    const auto it = std::lower_bound(m_values.begin(), m_values.end(), value);
    const auto i = it - m_values.begin();
    if (it != m_values.end() && *it == value) {
        ++m_counts[std::size_t(i)];
        return;
    }
    m_values.insert(it, value);
    m_counts.insert(m_counts.begin() + i, 1);
}

void ValueSet::remove(const QString& value)
{
    const auto it = std::lower_bound(m_values.begin(), m_values.end(), value);
    if (it == m_values.end() || *it != value)
        return;
    const auto i = it - m_values.begin();
    if (--m_counts[std::size_t(i)] > 0)
        return;
    m_values.erase(it);
    m_counts.erase(m_counts.begin() + i);
}

bool ValueSet::contains(const QString& value) const
{
    return std::binary_search(m_values.begin(), m_values.end(), value);
}

int ValueSet::count(const QString& value) const
{
    const auto it = std::lower_bound(m_values.begin(), m_values.end(), value);
    return it != m_values.end() && *it == value ? m_counts[std::size_t(it - m_values.begin())] : 0;
}

QStringList ValueSet::toStringList() const
{
    return QStringList(m_values.begin(), m_values.end());
}

} // namespace lbdeck
