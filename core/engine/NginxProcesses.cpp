// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NginxProcesses.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>

#include <ctime>
#include <unistd.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck::nginxprocs {

qint64 masterPid(const QString& pidFile)
{
    if (pidFile.isEmpty()) // no pid file configured: nothing to read (and no Qt warning)
        return 0;
    QFile f(pidFile);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    bool ok = false;
    const qint64 pid = f.readAll().trimmed().toLongLong(&ok);
    return ok && pid > 1 ? pid : 0;
}

namespace {

struct Child
{
    qint64 pid = 0;
    QByteArray title; // its cmdline: "nginx: worker process", "... is shutting down"
};

// The master's direct children with their titles: /proc/<master>/task/<tid>/children lists them
// without scanning all of /proc.
QList<Child> childrenOf(qint64 master)
{
    QList<Child> out;
    if (master <= 0)
        return out;
    QFile children(u"/proc/%1/task/%1/children"_s.arg(master));
    if (!children.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray& p : children.readAll().trimmed().split(' ')) {
        bool ok = false;
        const qint64 pid = p.toLongLong(&ok);
        if (!ok)
            continue;
        QFile cmdline(u"/proc/%1/cmdline"_s.arg(pid));
        if (cmdline.open(QIODevice::ReadOnly))
            out << Child{pid, cmdline.readAll()};
    }
    return out;
}

} // namespace

QList<qint64> acceptingWorkers(qint64 master)
{
    QList<qint64> out;
    for (const Child& c : childrenOf(master)) {
        if (c.title.contains("worker process") && !c.title.contains("shutting down"))
            out << c.pid;
    }
    return out;
}

namespace {

struct Worker
{
    qint64 pid = 0;
    double startS = 0; // seconds since boot
    bool shuttingDown = false;
};

// Field 22 of /proc/<pid>/stat, in seconds since boot; negative when unreadable.
double startSinceBoot(qint64 pid)
{
    QFile f(u"/proc/%1/stat"_s.arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = f.readAll();
    const qsizetype close = stat.lastIndexOf(')'); // the title may hold blanks
    if (close < 0)
        return -1;
    // After ") ": state is field 3, starttime field 22.
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    if (fields.size() < 20)
        return -1;
    bool ok = false;
    const qint64 ticks = fields[19].toLongLong(&ok);
    return ok ? double(ticks) / double(::sysconf(_SC_CLK_TCK)) : -1;
}

double nowSinceBoot()
{
    timespec t{};
    ::clock_gettime(CLOCK_BOOTTIME, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

} // namespace

QList<WorkerGeneration> workerGenerations(qint64 master)
{
    QList<WorkerGeneration> out;
    QList<Worker> workers;
    for (const Child& c : childrenOf(master)) {
        const double start = startSinceBoot(c.pid);
        if (!c.title.contains("worker process") || start < 0)
            continue; // cache manager and loader are no generation's
        workers << Worker{c.pid, start, c.title.contains("shutting down")};
    }
    std::sort(workers.begin(), workers.end(),
              [](const Worker& a, const Worker& b) { return a.startS < b.startS; });
    const double now = nowSinceBoot();
    const QDateTime wallNow = QDateTime::currentDateTimeUtc();
    double groupStart = -1;
    for (const Worker& w : std::as_const(workers)) {
        if (out.isEmpty() || w.startS - groupStart > GenerationSpreadMs / 1000.0) {
            groupStart = w.startS;
            WorkerGeneration g;
            g.ageS = qMax(0.0, now - w.startS);
            g.startedAt = wallNow.addMSecs(-qint64(g.ageS * 1000));
            out << g;
        }
        out.last().pids << w.pid;
        out.last().shuttingDown = out.last().shuttingDown || w.shuttingDown;
    }
    for (qsizetype i = 0; i + 1 < out.size(); ++i)
        out[i].shuttingDownS = out[i + 1].ageS;
    return out;
}

QJsonArray toJson(const QList<WorkerGeneration>& generations)
{
    QJsonArray out;
    for (const WorkerGeneration& g : generations) {
        QJsonArray pids;
        for (qint64 p : g.pids)
            pids.append(p);
        out.append(QJsonObject{
            {u"pids"_s, pids},
            {u"startedAt"_s, g.startedAt.toString(Qt::ISODateWithMs)},
            {u"ageS"_s, qRound(g.ageS * 10) / 10.0},
            {u"shuttingDown"_s, g.shuttingDown},
            {u"shuttingDownS"_s, qRound(g.shuttingDownS * 10) / 10.0},
        });
    }
    return out;
}

} // namespace lbdeck::nginxprocs
