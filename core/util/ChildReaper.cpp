// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ChildReaper.h"

#include "ProcessTree.h"

#include <QSet>

#include <cerrno>
#include <cstring>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck::childreaper {

namespace {

QSet<qint64>& tracked()
{
    static QSet<qint64> pids;
    return pids;
}

} // namespace

Result<void> becomeSubreaper()
{
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        return makeError(ErrorCode::Process, u"cannot become a child subreaper: %1"_s.arg(
                                                 QString::fromLocal8Bit(std::strerror(errno))));
    return {};
}

bool isSubreaper()
{
    int on = 0;
    return ::prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0) == 0 && on != 0;
}

std::mutex& mutex()
{
    static std::mutex m;
    return m;
}

void trackLocked(qint64 pid)
{
    tracked().insert(pid);
}

void untrack(qint64 pid)
{
    const std::lock_guard<std::mutex> lock(mutex());
    tracked().remove(pid);
}

bool isTracked(qint64 pid)
{
    const std::lock_guard<std::mutex> lock(mutex());
    return tracked().contains(pid);
}

int reapOrphans()
{
    // The lock spans the scan and the waits: a child spawned meanwhile is tracked before its pid
    // can show up here.
    const std::lock_guard<std::mutex> lock(mutex());
    int reaped = 0;
    for (qint64 pid : proctree::childrenOf(::getpid())) {
        if (tracked().contains(pid))
            continue;
        int status = 0;
        pid_t r = 0;
        do {
            r = ::waitpid(pid_t(pid), &status, WNOHANG);
        } while (r < 0 && errno == EINTR);
        if (r == pid_t(pid))
            ++reaped;
    }
    return reaped;
}

} // namespace lbdeck::childreaper
