// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Subprocess.h"

#include <QElapsedTimer>
#include <QFile>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

extern char** environ;

using namespace Qt::StringLiterals;

namespace lbdeck {

Result<ProcessOutcome> runProcess(const QStringList& argv, std::chrono::milliseconds timeout,
                                  qsizetype maxOutput)
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
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);

    QElapsedTimer clock;
    clock.start();
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, cargs[0], &actions, &attr, cargs.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(pipefd[1]);
    if (rc != 0) {
        ::close(pipefd[0]);
        return makeError(ErrorCode::Process, u"cannot start %1: %2"_s.arg(
                                                 argv.first(), QString::fromLocal8Bit(std::strerror(rc))));
    }

    ProcessOutcome out;
    bool timedOut = false;
    char buffer[16384];
    for (;;) {
        const qint64 left = qint64(timeout.count()) - clock.elapsed();
        if (left <= 0) {
            timedOut = true;
            break;
        }
        pollfd p{pipefd[0], POLLIN, 0};
        const int n = ::poll(&p, 1, int(left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0) {
            timedOut = true;
            break;
        }
        const ssize_t got = ::read(pipefd[0], buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break; // EOF: the child (and anything it spawned) closed the pipe
        if (out.output.size() < maxOutput)
            out.output.append(buffer, qMin<qsizetype>(got, maxOutput - out.output.size()));
    }
    ::close(pipefd[0]);
    if (timedOut)
        ::kill(-pid, SIGKILL); // the whole group: a shell's children too
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    out.elapsedUs = clock.nsecsElapsed() / 1000;
    if (timedOut) {
        return makeError(ErrorCode::Timeout,
                         u"%1 did not finish within %2 ms and was killed"_s.arg(argv.join(u' ').left(200))
                             .arg(qint64(timeout.count())));
    }
    if (WIFEXITED(status)) {
        out.exitCode = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        out.signal = WTERMSIG(status);
    }
    return out;
}

Result<ProcessOutcome> runShell(const QString& command, std::chrono::milliseconds timeout,
                                qsizetype maxOutput)
{
    return runProcess({u"/bin/sh"_s, u"-c"_s, command}, timeout, maxOutput);
}

} // namespace lbdeck
