// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NginxProcesses.h"

#include <QDir>
#include <QFile>

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

QList<qint64> acceptingWorkers(qint64 master)
{
    QList<qint64> out;
    if (master <= 0)
        return out;
    // /proc/<master>/task/<tid>/children lists the direct children without scanning all of /proc.
    QFile children(u"/proc/%1/task/%1/children"_s.arg(master));
    if (!children.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray& p : children.readAll().trimmed().split(' ')) {
        bool ok = false;
        const qint64 pid = p.toLongLong(&ok);
        if (!ok)
            continue;
        QFile cmdline(u"/proc/%1/cmdline"_s.arg(pid));
        if (!cmdline.open(QIODevice::ReadOnly))
            continue;
        const QByteArray title = cmdline.readAll();
        if (title.contains("worker process") && !title.contains("shutting down"))
            out << pid;
    }
    return out;
}

} // namespace lbdeck::nginxprocs
