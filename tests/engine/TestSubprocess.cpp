// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// check_cmd and reload_cmd as confd runs them (/bin/sh -c), except that a command the shell would
// only split on blanks is exec'd directly.
#include "core/util/ChildReaper.h"
#include "core/util/ProcessTree.h"
#include "core/util/Subprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>
#include <unistd.h>

using namespace lbdeck;
using namespace Qt::StringLiterals;

namespace {

constexpr std::chrono::seconds kTimeout(10);

// A program in dir that prints each of its arguments on a line.
QString writeArgsProbe(const QTemporaryDir& dir, const QString& name)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return QString();
    f.write("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
    f.close();
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

// The pid a command wrote into path, once it has.
qint64 waitForPidFile(const QString& path, int timeoutMs = 5000)
{
    qint64 pid = 0;
    (void)QTest::qWaitFor(
        [&] {
            QFile f(path);
            bool ok = false;
            pid = f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong(&ok) : 0;
            return ok && pid > 1;
        },
        timeoutMs);
    return pid;
}

bool procExists(qint64 pid)
{
    return QFile::exists(u"/proc/%1"_s.arg(pid));
}

// The parent PID in /proc/<pid>/stat, 0 when gone.
qint64 parentOf(qint64 pid)
{
    QFile f(u"/proc/%1/stat"_s.arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = f.readAll();
    return stat.mid(stat.lastIndexOf(')') + 2).split(' ').value(1).toLongLong();
}

} // namespace

class TestSubprocess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // As the engine is: what a command orphans becomes this process's child.
    void initTestCase() { QVERIFY(childreaper::becomeSubreaper()); }

    void classifies_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<bool>("shell");
        QTest::newRow("plain") << u"/usr/sbin/nginx -t -q -c /etc/nginx/nginx.conf"_s << false;
        QTest::newRow("every plain character")
            << u"/opt/bin/x-y_z.1 --k=v a,b:c @host %s +1 ./rel ../up"_s << false;
        QTest::newRow("tabs and runs of blanks") << u"  nginx\t-s   reload\t"_s << false;
        QTest::newRow("argument with =") << u"nginx -g daemon=off"_s << false;
        QTest::newRow("program path with =") << u"./a=b"_s << false;
        QTest::newRow("digit before =") << u"1x=2 run"_s << false;
        QTest::newRow("leading assignment") << u"FOO=bar nginx -s reload"_s << true;
        QTest::newRow("leading assignment after blanks") << u"  _X1= nginx"_s << true;
        QTest::newRow("builtin exit") << u"exit 1"_s << true;
        QTest::newRow("builtin cd") << u"cd /tmp"_s << true;
        QTest::newRow("builtin colon") << u":"_s << true;
        QTest::newRow("keyword if") << u"if true"_s << true;
        for (const char* c : {"'", "\"", "$", "`", "\\", ";", "&", "|", "<",  ">",  "(", ")", "{",
                              "}", "*",  "?", "[", "]",  "~", "#", "!", "\n", "\r", "é", "^"}) {
            QTest::addRow("char %s", QByteArray(c).toHex().constData())
                << (u"nginx -t x"_s + QString::fromUtf8(c) + u"y"_s) << true;
        }
    }

    void classifies()
    {
        QFETCH(QString, command);
        QFETCH(bool, shell);
        QCOMPARE(needsShell(command), shell);
    }

    // The words reach the program as they were written, split on blanks only.
    void execsPlainCommandsDirectly()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString probe = writeArgsProbe(dir, u"args"_s);
        QVERIFY(!probe.isEmpty());
        auto r = runCommandLine(probe + u"  a=b\t%x   @y,z:w -k=./v"_s, kTimeout);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(r->exitCode, 0);
        QCOMPARE(r->output, QByteArray("a=b\n%x\n@y,z:w\n-k=./v\n"));
    }

    // A program that cannot be started is an error of its own, not the shell's exit 127: no shell
    // was involved.
    void directExecReportsAMissingProgram()
    {
        auto viaShell = runShell(u"/nonexistent/lbdeck-probe x"_s, kTimeout);
        QVERIFY(viaShell);
        QCOMPARE(viaShell->exitCode, 127);
        auto direct = runCommandLine(u"/nonexistent/lbdeck-probe x"_s, kTimeout);
        QVERIFY(!direct);
        QCOMPARE(direct.error().code, ErrorCode::Process);
        QVERIFY2(direct.error().message.contains(u"cannot start /nonexistent/lbdeck-probe"_s),
                 qPrintable(direct.error().message));
    }

    // argv[0] without a slash is looked up in PATH, as execvp and the shell do.
    void resolvesTheProgramThroughPath()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(!writeArgsProbe(dir, u"lbdeck-args-probe"_s).isEmpty());
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", QFile::encodeName(dir.path()) + ':' + path);
        auto found = runCommandLine(u"lbdeck-args-probe one two"_s, kTimeout);
        auto missing = runCommandLine(u"lbdeck-no-such-program one"_s, kTimeout);
        qputenv("PATH", path);
        QVERIFY2(found, qPrintable(found ? QString() : found.error().toString()));
        QCOMPARE(found->output, QByteArray("one\ntwo\n"));
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::Process);
    }

    void runsShellSyntaxThroughTheShell()
    {
        auto list = runCommandLine(u"echo one; echo $((1 + 2))"_s, kTimeout);
        QVERIFY(list);
        QCOMPARE(list->output, QByteArray("one\n3\n"));
        auto assignment = runCommandLine(u"LBDECK_PROBE=set env"_s, kTimeout);
        QVERIFY(assignment);
        QCOMPARE(assignment->exitCode, 0);
        QVERIFY(assignment->output.split('\n').contains("LBDECK_PROBE=set"));
        auto builtin = runCommandLine(u"exit 3"_s, kTimeout);
        QVERIFY(builtin);
        QCOMPARE(builtin->exitCode, 3);
        auto missing = runCommandLine(u"/nonexistent/lbdeck-probe x || exit 5"_s, kTimeout);
        QVERIFY(missing);
        QCOMPARE(missing->exitCode, 5);
    }

    void exitStatusAndTimeoutOnTheDirectPath()
    {
        auto failed = runCommandLine(u"false"_s, kTimeout);
        QVERIFY(failed);
        QCOMPARE(failed->exitCode, 1);
        QVERIFY(!failed->ok());
        auto slow = runCommandLine(u"sleep 5"_s, std::chrono::milliseconds(200));
        QVERIFY(!slow);
        QCOMPARE(slow.error().code, ErrorCode::Timeout);
    }

    // A check_cmd that closed its output and hangs: the pipe says nothing, the deadline still
    // applies, and the message names the command, the deadline and the group it killed.
    void hungCommandWithClosedOutputIsKilledAtItsDeadline()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString pidFile = dir.filePath(u"pid"_s);
        QElapsedTimer clock;
        clock.start();
        auto r = runShell(u"echo $$ > '%1'; exec >/dev/null 2>&1; exec sleep 600"_s.arg(pidFile),
                          std::chrono::seconds(1), DefaultMaxOutput, u"check_cmd"_s);
        const qint64 took = clock.elapsed();
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Timeout);
        const qint64 pid = waitForPidFile(pidFile);
        QVERIFY(pid > 1);
        QCOMPARE(r.error().message,
                 u"check_cmd did not finish within 1 s: killed its process group (pid %1)"_s.arg(pid));
        QVERIFY2(took >= 1000 && took < 8000, qPrintable(QString::number(took)));
        QVERIFY(!procExists(pid)); // killed and reaped, no zombie
    }

    // A child that leaves a `setsid` grandchild holding its output and exits: the group kill does
    // not reach the grandchild (another session), the pipe does; it is killed and, now this
    // process's child, reaped.
    void setsidGrandchildHoldingTheOutputIsKilledAndReaped()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString pidFile = dir.filePath(u"grandchild"_s);
        auto r = runShell(u"setsid sh -c 'echo $$ > \"%1\"; exec sleep 600' & exit 0"_s.arg(pidFile),
                          std::chrono::seconds(1), DefaultMaxOutput, u"reload_cmd"_s);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Timeout);
        const qint64 grandchild = waitForPidFile(pidFile);
        QVERIFY(grandchild > 1);
        QVERIFY2(
            r.error().message.startsWith(u"reload_cmd did not finish within 1 s: killed its process group"_s),
            qPrintable(r.error().message));
        QVERIFY2(
            r.error().message.endsWith(u", and the process it started outside it (pid %1)"_s.arg(grandchild)),
            qPrintable(r.error().message));
        QVERIFY(!procExists(grandchild));
    }

    // The child hangs with its output closed and has a setsid grandchild with its output closed
    // too: found as a descendant, killed with the child.
    void setsidGrandchildOfAHungChildIsKilled()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString childFile = dir.filePath(u"child"_s);
        const QString grandchildFile = dir.filePath(u"grandchild"_s);
        auto r =
            runShell(u"setsid sh -c 'echo $$ > \"%1\"; exec sleep 600' >/dev/null 2>&1 & "
                     u"echo $$ > '%2'; exec >/dev/null 2>&1; exec sleep 600"_s.arg(grandchildFile, childFile),
                     std::chrono::milliseconds(1500), DefaultMaxOutput, u"check_cmd"_s);
        QVERIFY(!r);
        const qint64 child = waitForPidFile(childFile);
        const qint64 grandchild = waitForPidFile(grandchildFile);
        QVERIFY(child > 1 && grandchild > 1);
        QCOMPARE(r.error().message, u"check_cmd did not finish within 1500 ms: killed its process group "
                                    u"(pid %1), and the process it started outside it (pid %2)"_s.arg(child)
                                        .arg(grandchild));
        QVERIFY(!procExists(child));
        QVERIFY(!procExists(grandchild));
    }

    // A command that starts a daemon (setsid, output closed) and exits has finished: the daemon is
    // left alone, becomes this process's child, and is reaped when it ends.
    void detachedDaemonIsLeftRunningThenReaped()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString pidFile = dir.filePath(u"daemon"_s);
        const QString goFile = dir.filePath(u"go"_s);
        auto r = runShell(u"setsid sh -c 'echo $$ > \"%1\"; while [ ! -e \"%2\" ]; do sleep 0.05; done' "
                          u">/dev/null 2>&1 & exit 0"_s.arg(pidFile, goFile),
                          std::chrono::seconds(5));
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(r->exitCode, 0);
        const qint64 daemon = waitForPidFile(pidFile);
        QVERIFY(daemon > 1);
        QVERIFY(proctree::isAlive(daemon));
        QTRY_COMPARE(parentOf(daemon), qint64(::getpid())); // orphaned to us, the subreaper
        QFile go(goFile);
        QVERIFY(go.open(QIODevice::WriteOnly));
        go.close();
        QTRY_VERIFY(!proctree::isAlive(daemon)); // ended: a zombie until reaped
        QVERIFY(procExists(daemon));
        QVERIFY(childreaper::reapOrphans() >= 1);
        QVERIFY(!procExists(daemon));
    }

    // The reaper waits for every child it does not know; the ones runProcess waits for are never
    // its. 300 commands while it sweeps without pause: every exit status arrives.
    void reaperNeverTakesATrackedChildsStatus()
    {
        std::atomic<bool> stop{false};
        std::atomic<int> sweeps{0};
        std::thread reaper([&] {
            while (!stop) {
                childreaper::reapOrphans();
                ++sweeps;
            }
        });
        int right = 0;
        for (int i = 0; i < 300; ++i) {
            auto r =
                i % 2 ? runShell(u"exit %1"_s.arg(i % 100), std::chrono::seconds(10))
                      : runProcess({u"sh"_s, u"-c"_s, u"exit %1"_s.arg(i % 100)}, std::chrono::seconds(10));
            if (r && r->exitCode == i % 100)
                ++right;
        }
        stop = true;
        reaper.join();
        QCOMPARE(right, 300);
        QVERIFY(sweeps > 300);
    }

    void emptyCommandIsTheShells()
    {
        auto r = runCommandLine(u"  "_s, kTimeout);
        QVERIFY(r);
        QCOMPARE(r->exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestSubprocess)
#include "TestSubprocess.moc"
