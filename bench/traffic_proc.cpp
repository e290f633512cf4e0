// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "traffic_proc.h"

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

#include <ctime>
#include <sys/resource.h>
#include <unistd.h>

namespace lbdeck::bench {

qint64 threadCpuUs()
{
    // sum_exec_runtime at ns resolution, the same clock processCpuUs() reads for tcpdump.
    timespec t{};
    if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0)
        return -1;
    return qint64(t.tv_sec) * 1000000 + t.tv_nsec / 1000;
}

qint64 selfRssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

qint64 processCpuUs(qint64 pid)
{
    // The time on CPU at ns resolution (sum_exec_runtime, user + system) of its main thread: the
    // whole of a single-threaded tool like tcpdump.
    QFile schedstat(QStringLiteral("/proc/%1/schedstat").arg(pid));
    if (schedstat.open(QIODevice::ReadOnly)) {
        bool ok = false;
        const qint64 ns = schedstat.readAll().split(' ').first().toLongLong(&ok);
        if (ok)
            return ns / 1000;
    }
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // After "(comm) ": state is field 0, utime 11, stime 12.
    const QList<QByteArray> f = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (f.size() < 13)
        return -1;
    const qint64 ticks = f.at(11).toLongLong() + f.at(12).toLongLong();
    return ticks * 1000000 / qint64(::sysconf(_SC_CLK_TCK));
}

bool renice(qint64 pid, int nice)
{
    return ::setpriority(PRIO_PROCESS, id_t(pid), nice) == 0;
}

} // namespace lbdeck::bench
