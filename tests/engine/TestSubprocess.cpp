// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// check_cmd and reload_cmd as confd runs them (/bin/sh -c), except that a command the shell would
// only split on blanks is exec'd directly.
#include "core/util/Subprocess.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

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

} // namespace

class TestSubprocess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
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

    void emptyCommandIsTheShells()
    {
        auto r = runCommandLine(u"  "_s, kTimeout);
        QVERIFY(r);
        QCOMPARE(r->exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestSubprocess)
#include "TestSubprocess.moc"
