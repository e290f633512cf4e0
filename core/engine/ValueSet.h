// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace lbdeck {

// The accepted values of one source, sorted, each with how many keys hold it. A flat array and not
// a tree: a render reads all of them in one sweep of contiguous memory (10,000 backends), and a
// change costs one binary search and one shift.
class ValueSet
{
public:
    ValueSet() = default;
    // From values in any order, repeats counted: one sort, not one insertion per value.
    static ValueSet fromValues(std::vector<QString> values);

    void add(const QString& value);    // one more key holds value
    void remove(const QString& value); // one key fewer; gone when none is left

    const std::vector<QString>& sorted() const { return m_values; }
    qsizetype size() const { return qsizetype(m_values.size()); }
    bool isEmpty() const { return m_values.empty(); }
    bool contains(const QString& value) const;
    int count(const QString& value) const; // keys holding value
    QStringList toStringList() const;

private:
    std::vector<QString> m_values; // sorted by QString's order, no repeats
    std::vector<int> m_counts;     // m_counts[i] keys hold m_values[i]
};

} // namespace lbdeck
