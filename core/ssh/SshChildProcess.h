// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QStringList>

#include <chrono>
#include <functional>

class QObject;
class QProcess;

namespace lbdeck {

// Prepares a QProcess for ssh, ssh-keygen or ssh-keyscan: the child dies with lbdeck
// (PR_SET_PDEATHSIG), sits in a session of its own so that ssh can never fall back to prompting
// on lbdeck's terminal, and reads nothing from stdin.
void prepareSshChildProcess(QProcess& process);

struct SshHelperOutput
{
    int exitCode = -1; // -1 when it crashed or was killed
    QByteArray out;
    QByteArray err;
};

// Runs a short-lived helper (ssh -G, ssh-keygen, ssh-keyscan) asynchronously and calls back once on
// owner's thread, unless owner is gone. Fails when it cannot start or runs past the timeout.
void runSshHelper(QObject* owner, const QString& program, const QStringList& args,
                  const QProcessEnvironment& environment, std::chrono::milliseconds timeout,
                  std::function<void(const Result<SshHelperOutput>&)> callback);

} // namespace lbdeck
