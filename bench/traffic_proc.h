// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QtGlobal>

namespace lbdeck::bench {

// CPU time (user + system) of the calling thread, in microseconds (CLOCK_THREAD_CPUTIME_ID).
qint64 threadCpuUs();
// VmRSS of this process, in kB; -1 when /proc cannot be read.
qint64 selfRssKb();
// CPU time (user + system) of a single-threaded process, in microseconds: /proc/PID/schedstat (ns
// resolution), else utime + stime from /proc/PID/stat (clock ticks); -1 when it is gone.
qint64 processCpuUs(qint64 pid);
// Sets the nice value of one process (a load generator, an nginx worker); false if refused.
bool renice(qint64 pid, int nice);

} // namespace lbdeck::bench
