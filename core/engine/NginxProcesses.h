// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QDateTime>
#include <QJsonArray>
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

// The workers one reload started: the master forks them in one go, so workers started within
// GenerationSpreadMs of each other count as one generation.
struct WorkerGeneration
{
    QList<qint64> pids;
    QDateTime startedAt;      // UTC
    double ageS = 0;          // since it started
    double shuttingDownS = 0; // at least: since the next generation still running started
    bool shuttingDown = false;
};
inline constexpr int GenerationSpreadMs = 50;
// Oldest first; the last one is the current generation unless a reload is under way.
QList<WorkerGeneration> workerGenerations(qint64 master);
// As /status shows them.
QJsonArray toJson(const QList<WorkerGeneration>& generations);

} // namespace nginxprocs
} // namespace lbdeck
