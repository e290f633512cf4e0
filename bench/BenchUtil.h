// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <functional>

namespace lbdeck::bench {

// Blocks in the event loop until done() (no spinning: a spinning waiter would be counted as the
// CPU it measures); a heartbeat wakes the loop so the timeout is noticed when nothing happens.
inline bool waitFor(const std::function<bool()>& done, int timeoutMs = 10000)
{
    QElapsedTimer t;
    t.start();
    QTimer heartbeat;
    heartbeat.start(50);
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

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
