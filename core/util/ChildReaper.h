// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Result.h"

#include <mutex>

namespace lbdeck::childreaper {

// The engine as the reaper of what its commands leave behind. As a child subreaper
// (PR_SET_CHILD_SUBREAPER), processes that a check_cmd or reload_cmd started and orphaned — a
// `setsid` daemon, a grandchild whose parent was killed — become this process's children instead
// of init's; reapOrphans() collects their exit status so that they do not stay zombies.
//
// The exit status of a child someone waits for must not be stolen: runProcess() tracks each child
// it spawns (under mutex(), from before the spawn returns until it has reaped it), and
// reapOrphans() only waits for children that are not tracked. A process that starts children some
// other way (QProcess: the GUI's ssh tunnels) must not call reapOrphans(); the headless engine
// starts every child through runProcess().

Result<void> becomeSubreaper();
bool isSubreaper();

// Held while a child is spawned and tracked, and while orphans are reaped.
std::mutex& mutex();
void trackLocked(qint64 pid); // with mutex() held
void untrack(qint64 pid);
bool isTracked(qint64 pid);

// waitpid(WNOHANG) on every child of this process that is not tracked; the number reaped.
int reapOrphans();

} // namespace lbdeck::childreaper
