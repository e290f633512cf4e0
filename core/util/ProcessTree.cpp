// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ProcessTree.h"

#include <QDir>
#include <QFile>

#include <csignal>
#include <unistd.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck::proctree {

namespace {

QList<qint64> numbers(const QByteArray& text)
{
    QList<qint64> out;
    for (const QByteArray& word : text.simplified().split(' ')) {
        bool ok = false;
        const qint64 n = word.toLongLong(&ok);
        if (ok && n > 0)
            out << n;
    }
    return out;
}

// The state letter of /proc/<pid>/stat ('R', 'S', 'Z'...), 0 when the process is gone.
char stateOf(qint64 pid)
{
    QFile f(u"/proc/%1/stat"_s.arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = f.readAll();
    const qsizetype close = stat.lastIndexOf(')'); // the command name may hold blanks and ')'
    return close >= 0 && close + 2 < stat.size() ? stat.at(close + 2) : 0;
}

bool mayTouch(qint64 pid)
{
    return pid > 1 && pid != ::getpid();
}

void signalWithGroup(qint64 pid, int sig)
{
    if (!mayTouch(pid))
        return;
    const pid_t group = ::getpgid(pid_t(pid));
    if (group == pid_t(pid) && group != ::getpgrp())
        ::kill(-group, sig);
    ::kill(pid_t(pid), sig);
}

} // namespace

QList<qint64> childrenOf(qint64 pid)
{
    QList<qint64> out;
    const QStringList tasks = QDir(u"/proc/%1/task"_s.arg(pid)).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& task : tasks) {
        QFile f(u"/proc/%1/task/%2/children"_s.arg(pid).arg(task));
        if (f.open(QIODevice::ReadOnly))
            out << numbers(f.readAll());
    }
    return out;
}

QList<qint64> descendantsOf(qint64 pid)
{
    QList<qint64> out = childrenOf(pid);
    for (qsizetype i = 0; i < out.size(); ++i) {
        for (qint64 c : childrenOf(out[i])) {
            if (!out.contains(c))
                out << c;
        }
    }
    return out;
}

QList<qint64> holdersOfPipe(quint64 inode)
{
    QList<qint64> out;
    if (inode == 0)
        return out;
    const QByteArray wanted = "pipe:[" + QByteArray::number(inode) + ']';
    const qint64 self = ::getpid();
    const QStringList procs = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& name : procs) {
        bool ok = false;
        const qint64 pid = name.toLongLong(&ok);
        if (!ok || pid == self)
            continue;
        const QString fdDir = u"/proc/%1/fd/"_s.arg(pid);
        const QStringList fds = QDir(fdDir).entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot);
        const bool holds = std::any_of(fds.cbegin(), fds.cend(), [&](const QString& fd) {
            char target[64];
            const QByteArray link = QFile::encodeName(fdDir + fd);
            const ssize_t n = ::readlink(link.constData(), target, sizeof target);
            return n > 0 && QByteArrayView(target, n) == wanted;
        });
        if (holds)
            out << pid;
    }
    return out;
}

bool isAlive(qint64 pid)
{
    const char state = stateOf(pid);
    return state != 0 && state != 'Z' && state != 'X';
}

QList<qint64> killCommand(qint64 leader, quint64 outputInode)
{
    if (!mayTouch(leader) || leader == ::getpgrp())
        return {};
    // Frozen, nothing forks or setsids its way out between the count and the kill.
    ::kill(pid_t(-leader), SIGSTOP);
    QList<qint64> others;
    for (int round = 0; round < 5; ++round) {
        QList<qint64> found = descendantsOf(leader);
        for (qint64 p : holdersOfPipe(outputInode)) {
            if (!found.contains(p))
                found << p;
            for (qint64 d : descendantsOf(p)) {
                if (!found.contains(d))
                    found << d;
            }
        }
        found.removeAll(leader);
        bool grew = false;
        for (qint64 p : std::as_const(found)) {
            if (!others.contains(p) && mayTouch(p)) {
                others << p;
                signalWithGroup(p, SIGSTOP);
                grew = true;
            }
        }
        if (!grew)
            break;
    }
    ::kill(pid_t(-leader), SIGKILL);
    ::kill(pid_t(leader), SIGKILL);
    for (qint64 p : std::as_const(others))
        signalWithGroup(p, SIGKILL);
    return others;
}

} // namespace lbdeck::proctree
