// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "tests/testbed/TestProcess.h"

#include <QString>
#include <QStringList>

namespace lbdeck::bench {

// What tcpdump printed on its way out (SIGTERM), -1 where a line was missing.
struct TcpdumpCounts
{
    qint64 captured = -1;
    qint64 received = -1; // "received by filter"
    qint64 dropped = -1;  // "dropped by kernel"
    qint64 cpuUs = -1;    // on CPU (user + system), read just before it was told to stop
};

// Debian's tcpdump as operators run it, writing to /dev/null, side by side with the meter.
class TcpdumpCapture
{
public:
    // Starts `tcpdump ARGS` with its output in logFile and waits for "listening on"; "" or what failed.
    QString start(const QStringList& args, const QString& logFile);
    // Reads its CPU, stops it with SIGTERM and parses the counts it printed.
    TcpdumpCounts stop();
    QString command() const { return m_command; }

private:
    testbed::TestProcess m_process;
    QString m_logFile;
    QString m_command;
};

} // namespace lbdeck::bench
