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

#include <algorithm>
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
                                      qsizetype maxOutput)
{
    const QStringList argv = words(command);
    if (argv.isEmpty() || needsShell(command)) // an empty command too: the shell's answer is exit 0
        return runShell(command, timeout, maxOutput);
    return runProcess(argv, timeout, maxOutput);
}

} // namespace lbdeck
