// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QList>

namespace lbdeck::proctree {

// Processes as /proc shows them on this machine (Linux).

// Direct children of pid, from /proc/<pid>/task/*/children.
QList<qint64> childrenOf(qint64 pid);
// Every process below pid, children first found first.
QList<qint64> descendantsOf(qint64 pid);
// Processes other than this one with an open descriptor on the pipe with this inode: what a
// command left behind that still writes to its output, even after setsid and the parent's exit.
QList<qint64> holdersOfPipe(quint64 inode);
// Running (not gone, not a zombie).
bool isAlive(qint64 pid);
// A command that ran out of time, with all it started: its process group, every descendant, and
// whatever still holds its output pipe (outputInode, 0: none), frozen with SIGSTOP until the set is
// stable, then SIGKILLed, each with its own group when it leads one. Returns the pids killed
// besides the group leader. Never signals this process, its group or pid 1.
QList<qint64> killCommand(qint64 leader, quint64 outputInode);

} // namespace lbdeck::proctree
