// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QList>
#include <QString>
#include <QTextStream>

#include <algorithm>
#include <cmath>

namespace lbdeck::bench {

// Percentile by nearest rank on a copy (inputs are small: thousands of samples).
inline double percentile(QList<double> samples, double p)
{
    if (samples.isEmpty())
        return std::nan("");
    std::sort(samples.begin(), samples.end());
    const qsizetype rank = qsizetype(std::ceil(p / 100.0 * double(samples.size())));
    return samples.at(qBound<qsizetype>(0, rank - 1, samples.size() - 1));
}

// One "name: value unit" line, the format every lbdeck benchmark prints.
inline void report(const QString& name, double value, const QString& unit)
{
    const bool integral = value == std::floor(value) && std::abs(value) < 1e15;
    const int decimals = integral ? 0 : (std::abs(value) < 10 ? 3 : 1);
    QTextStream(stdout) << name << ": " << QString::number(value, 'f', decimals) << ' ' << unit << Qt::endl;
}

inline void summary(const QString& text)
{
    QTextStream(stdout) << "summary: " << text << Qt::endl;
}

} // namespace lbdeck::bench
