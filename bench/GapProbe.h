// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

#include <algorithm>
#include <ctime>

namespace lbdeck::bench {

// A 1 ms timer on the GUI thread: each tick records how long it was since the last one (the GUI
// thread's stall, on the wall clock) and how much of that the thread spent on the CPU itself
// (CLOCK_THREAD_CPUTIME_ID). A gap with little CPU in it is time the thread waited for a core
// (other processes, the hypervisor), not work it did.
class GapProbe
{
public:
    explicit GapProbe(QObject* context)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, context, [this] {
            const double cpu = threadCpuMs();
            wall << double(m_tick.nsecsElapsed()) / 1e6;
            busy << cpu - m_lastCpu;
            m_lastCpu = cpu;
            m_tick.restart();
        });
    }
    void start()
    {
        m_lastCpu = threadCpuMs();
        m_tick.start();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    double maxWall() const { return wall.isEmpty() ? 0 : *std::max_element(wall.cbegin(), wall.cend()); }
    double maxBusy() const { return busy.isEmpty() ? 0 : *std::max_element(busy.cbegin(), busy.cend()); }
    // The CPU the thread used within the longest wall-clock gap.
    double busyInLongestGap() const
    {
        const qsizetype i = wall.indexOf(maxWall());
        return i >= 0 && i < busy.size() ? busy.at(i) : 0;
    }

    QList<double> wall; // ms
    QList<double> busy; // ms

private:
    static double threadCpuMs()
    {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
    }
    QTimer m_timer;
    QElapsedTimer m_tick;
    double m_lastCpu = 0;
};

} // namespace lbdeck::bench
