// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Subprocess.h"

#include "ChildReaper.h"
#include "ProcessTree.h"

#include <QElapsedTimer>
#include <QFile>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

extern char** environ;

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString describeDuration(std::chrono::milliseconds d)
{
    const qint64 ms = qint64(d.count());
    return ms % 1000 == 0 ? u"%1 s"_s.arg(ms / 1000) : u"%1 ms"_s.arg(ms);
}

int openPidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
    return int(::syscall(SYS_pidfd_open, pid, 0));
#else
    Q_UNUSED(pid);
    errno = ENOSYS;
    return -1;
#endif
}

// Exited (a zombie now), without reaping it: its pid stays reserved until waitpid, so no signal
// meant for it can reach a process that got the number again.
bool hasExited(pid_t pid)
{
    siginfo_t info{};
    while (::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) < 0) {
        if (errno != EINTR)
            return true; // ECHILD: nothing left to wait for
    }
    return info.si_pid == pid;
}

// Waits up to `limit` for the child to exit; true when it did.
bool waitForExit(pid_t pid, int pidfd, std::chrono::milliseconds limit)
{
    QElapsedTimer clock;
    clock.start();
    while (!hasExited(pid)) {
        const qint64 left = qint64(limit.count()) - clock.elapsed();
        if (left <= 0)
            return false;
        if (pidfd >= 0) {
            pollfd p{pidfd, POLLIN, 0};
            (void)::poll(&p, 1, int(left));
        } else {
            ::usleep(useconds_t(qMin<qint64>(left, 10) * 1000));
        }
    }
    return true;
}

QString pidList(const QList<qint64>& pids)
{
    QStringList out;
    for (qint64 p : pids)
        out << QString::number(p);
    return out.join(u", "_s);
}

} // namespace

Result<ProcessOutcome> runProcess(const QStringList& argv, std::chrono::milliseconds timeout,
                                  qsizetype maxOutput, const QString& name)
{
    if (argv.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"empty command"_s);
    QList<QByteArray> args;
    for (const QString& a : argv)
        args << QFile::encodeName(a);
    std::vector<char*> cargs;
    for (QByteArray& a : args)
        cargs.push_back(a.data());
    cargs.push_back(nullptr);

    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0)
        return makeError(ErrorCode::Process, u"pipe: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno))));
    struct stat pipeStat
    {
    };
    const quint64 pipeInode = ::fstat(pipefd[0], &pipeStat) == 0 ? quint64(pipeStat.st_ino) : 0;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // The child gets default signal handling whatever this process installed (SIGTERM, SIGHUP).
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int s : {SIGTERM, SIGHUP, SIGINT, SIGPIPE, SIGCHLD})
        sigaddset(&defaults, s);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    // Its own process group: at the deadline the whole group goes, a shell's children too.
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);

    QElapsedTimer clock;
    clock.start();
    pid_t pid = 0;
    int rc = 0;
    {
        // Tracked before the orphan reaper can see it, so that its exit status stays ours.
        const std::lock_guard<std::mutex> lock(childreaper::mutex());
        rc = ::posix_spawnp(&pid, cargs[0], &actions, &attr, cargs.data(), environ);
        if (rc == 0)
            childreaper::trackLocked(pid);
    }
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(pipefd[1]);
    if (rc != 0) {
        ::close(pipefd[0]);
        return makeError(ErrorCode::Process, u"cannot start %1: %2"_s.arg(
                                                 argv.first(), QString::fromLocal8Bit(std::strerror(rc))));
    }
    const int pidfd = openPidfd(pid);

    // Done when the child has exited and its output is closed (by it and by anything it started
    // that kept the pipe), whichever comes last; the deadline covers both.
    ProcessOutcome out;
    bool timedOut = false;
    bool eof = false;
    bool exited = false;
    char buffer[16384];
    while (!eof || !exited) {
        const qint64 left = qint64(timeout.count()) - clock.elapsed();
        if (left <= 0) {
            timedOut = true;
            break;
        }
        pollfd p[2];
        nfds_t n = 0;
        if (!eof)
            p[n++] = pollfd{pipefd[0], POLLIN, 0};
        if (!exited && pidfd >= 0)
            p[n++] = pollfd{pidfd, POLLIN, 0};
        // Without a pidfd (kernels before 5.3) the exit is polled for every 10 ms.
        const int wait = !exited && pidfd < 0 ? int(qMin<qint64>(left, 10)) : int(left);
        const int ready = ::poll(p, n, wait);
        if (ready < 0) {
            if (errno != EINTR)
                ::usleep(10000); // ENOMEM: try again; the deadline still holds
            continue;
        }
        if (!eof && p[0].revents != 0) {
            const ssize_t got = ::read(pipefd[0], buffer, sizeof buffer);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                eof = true;
            } else if (out.output.size() < maxOutput) {
                out.output.append(buffer, qMin<qsizetype>(got, maxOutput - out.output.size()));
            }
        }
        if (!exited)
            exited = hasExited(pid);
    }
    QList<qint64> others;
    bool reaped = true;
    if (timedOut) {
        others = proctree::killCommand(pid, eof ? 0 : pipeInode);
        // SIGKILL cannot be ignored, but a process in uninterruptible sleep (a dead NFS mount)
        // takes its time: the deploy goes on, and the reaper collects it later.
        reaped = waitForExit(pid, pidfd, std::chrono::seconds(5));
    }
    ::close(pipefd[0]);
    if (pidfd >= 0)
        ::close(pidfd);
    int status = 0;
    bool statusKnown = false;
    if (reaped) {
        pid_t r = 0;
        while ((r = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
        }
        statusKnown = r == pid;
    }
    childreaper::untrack(pid);
    out.elapsedUs = clock.nsecsElapsed() / 1000;
    if (timedOut) {
        // What it left outside its group (setsid) is gone too; the ones now ours are reaped.
        QElapsedTimer gone;
        gone.start();
        while (std::any_of(others.cbegin(), others.cend(), proctree::isAlive) && gone.elapsed() < 1000)
            ::usleep(2000);
        if (childreaper::isSubreaper())
            childreaper::reapOrphans();
        const QString what = name.isEmpty() ? argv.join(u' ').left(200) : name;
        QString message = u"%1 did not finish within %2: killed its process group (pid %3)"_s.arg(
            what, describeDuration(timeout), QString::number(pid));
        if (!others.isEmpty())
            message += others.size() == 1
                           ? u", and the process it started outside it (pid %1)"_s.arg(others.first())
                           : u", and %1 processes it started outside it (pids %2)"_s.arg(others.size())
                                 .arg(pidList(others));
        if (!reaped)
            message += u"; it has not exited yet and will be reaped later"_s;
        return makeError(ErrorCode::Timeout, message);
    }
    if (!statusKnown) // someone else reaped it: its exit status is not known, so it is no success
        return makeError(ErrorCode::Process, u"%1: its exit status was lost"_s.arg(
                                                 name.isEmpty() ? argv.join(u' ').left(200) : name));
    if (WIFEXITED(status)) {
        out.exitCode = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        out.signal = WTERMSIG(status);
    }
    return out;
}

Result<ProcessOutcome> runShell(const QString& command, std::chrono::milliseconds timeout,
                                qsizetype maxOutput, const QString& name)
{
    return runProcess({u"/bin/sh"_s, u"-c"_s, command}, timeout, maxOutput, name);
}

namespace {

bool isPlainChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') ||
           QStringView(u"_@%+=:,./-").contains(c);
}

bool isBlank(QChar c)
{
    return c == u' ' || c == u'\t';
}

QStringList words(const QString& command)
{
    QStringList out;
    QString word;
    for (QChar c : command) {
        if (!isBlank(c)) {
            word.append(c);
        } else if (!word.isEmpty()) {
            out.append(word);
            word.clear();
        }
    }
    if (!word.isEmpty())
        out.append(word);
    return out;
}

// "NAME=value cmd" sets cmd's environment, which is the shell's job; "cmd a=b" is a plain argument.
bool isAssignment(const QString& word)
{
    const qsizetype eq = word.indexOf(u'=');
    if (eq <= 0 || (word.front() >= u'0' && word.front() <= u'9'))
        return false;
    const QStringView name = QStringView(word).left(eq);
    return std::all_of(name.cbegin(), name.cend(),
                       [](QChar c) { return c == u'_' || (isPlainChar(c) && c.isLetterOrNumber()); });
}

// Words only the shell knows (POSIX special builtins, builtins that act on the shell itself, reserved
// words): "exit 1" or "cd /x" have no program to exec.
bool isShellWord(const QString& word)
{
    static const QStringList words{
        u":"_s,       u"."_s,        u"alias"_s,  u"bg"_s,     u"break"_s, u"case"_s,    u"cd"_s,
        u"command"_s, u"continue"_s, u"do"_s,     u"done"_s,   u"elif"_s,  u"else"_s,    u"esac"_s,
        u"eval"_s,    u"exec"_s,     u"exit"_s,   u"export"_s, u"fc"_s,    u"fg"_s,      u"fi"_s,
        u"for"_s,     u"getopts"_s,  u"hash"_s,   u"if"_s,     u"in"_s,    u"jobs"_s,    u"local"_s,
        u"read"_s,    u"readonly"_s, u"return"_s, u"set"_s,    u"shift"_s, u"source"_s,  u"then"_s,
        u"times"_s,   u"trap"_s,     u"type"_s,   u"ulimit"_s, u"umask"_s, u"unalias"_s, u"unset"_s,
        u"until"_s,   u"wait"_s,     u"while"_s};
    return words.contains(word);
}

} // namespace

bool needsShell(const QString& command)
{
    if (!std::all_of(command.cbegin(), command.cend(), [](QChar c) { return isBlank(c) || isPlainChar(c); }))
        return true;
    const QStringList w = words(command);
    return !w.isEmpty() && (isAssignment(w.first()) || isShellWord(w.first()));
}

Result<ProcessOutcome> runCommandLine(const QString& command, std::chrono::milliseconds timeout,
                                      qsizetype maxOutput, const QString& name)
{
    const QStringList argv = words(command);
    if (argv.isEmpty() || needsShell(command)) // an empty command too: the shell's answer is exit 0
        return runShell(command, timeout, maxOutput, name);
    return runProcess(argv, timeout, maxOutput, name);
}

} // namespace lbdeck
