// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QList>
#include <QString>

namespace lbdeck {

// nginx's processes as /proc shows them on this machine.
namespace nginxprocs {

// The master's PID from its pid file, or 0.
qint64 masterPid(const QString& pidFile);
// Workers of that master that still accept connections: a worker told to quit renames itself
// "worker process is shutting down" as it closes its listening sockets.
QList<qint64> acceptingWorkers(qint64 master);

} // namespace nginxprocs
} // namespace lbdeck
