// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Result.h"

#include <QByteArray>
#include <QStringList>

#include <chrono>

namespace lbdeck {

struct ProcessOutcome
{
    int exitCode = -1; // -1 when killed by a signal
    int signal = 0;    // the signal that ended it, if any
    QByteArray output; // stdout and stderr, interleaved, at most maxOutput bytes
    qint64 elapsedUs = 0;
    bool ok() const { return exitCode == 0; }
};

inline constexpr qsizetype DefaultMaxOutput = 64 * 1024;

// Runs a program to completion on the calling thread (never the GUI thread: the engine's deploy
// worker and command-line tools use it). posix_spawn, no shell unless asked, output captured, in a
// process group of its own. It has finished when it has exited and its output is closed; when the
// timeout passes first, its group, its descendants and whatever still holds its output are killed
// (ProcessTree's killCommand) and the error says so, naming it `name` (the command when empty).
// Fails only when the program cannot be started, runs out of time, or its exit status was taken.
Result<ProcessOutcome> runProcess(const QStringList& argv, std::chrono::milliseconds timeout,
                                  qsizetype maxOutput = DefaultMaxOutput, const QString& name = {});
// /bin/sh -c command, as confd runs check_cmd and reload_cmd.
Result<ProcessOutcome> runShell(const QString& command, std::chrono::milliseconds timeout,
                                qsizetype maxOutput = DefaultMaxOutput, const QString& name = {});
// True when command needs a shell: anything but words of [A-Za-z0-9_@%+=:,./-] between blanks, a
// leading NAME=value assignment, or a first word only the shell knows (exit, cd, :, if...).
bool needsShell(const QString& command);
// A check_cmd or reload_cmd: what confd runs with /bin/sh -c, run without the shell (argv[0] found
// through PATH) when the shell would only have split it on blanks, saving a fork and exec.
Result<ProcessOutcome> runCommandLine(const QString& command, std::chrono::milliseconds timeout,
                                      qsizetype maxOutput = DefaultMaxOutput, const QString& name = {});

} // namespace lbdeck
