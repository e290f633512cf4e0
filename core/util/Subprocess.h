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

// Runs a program to completion on the calling thread (never the GUI thread: the engine's deploy
// worker and command-line tools use it). posix_spawn, no shell unless asked, output captured, killed
// after the timeout. Fails only when the program cannot be started or runs out of time.
Result<ProcessOutcome> runProcess(const QStringList& argv, std::chrono::milliseconds timeout,
                                  qsizetype maxOutput = 64 * 1024);
// /bin/sh -c command, as confd runs check_cmd and reload_cmd.
Result<ProcessOutcome> runShell(const QString& command, std::chrono::milliseconds timeout,
                                qsizetype maxOutput = 64 * 1024);

} // namespace lbdeck
