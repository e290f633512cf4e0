// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "SshChildProcess.h"

#include <QProcess>
#include <QTimer>

#include <csignal>
#include <memory>
#include <sys/prctl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck {

void prepareSshChildProcess(QProcess& process)
{
    process.setStandardInputFile(QProcess::nullDevice());
    process.setChildProcessModifier([] {
        // SIGTERM lets ssh remove its forwarded socket. The thread that starts the child is the
        // owner's (GUI) thread, which lives as long as lbdeck does.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        ::setsid();
    });
}

void runSshHelper(QObject* owner, const QString& program, const QStringList& args,
                  const QProcessEnvironment& environment, std::chrono::milliseconds timeout,
                  std::function<void(const Result<SshHelperOutput>&)> callback)
{
    auto* process = new QProcess(owner); // Owned by owner: its destructor kills and reaps the child.
    auto* timer = new QTimer(process);
    auto done = std::make_shared<bool>(false);
    const QString name = program.section(u'/', -1);
    const auto finish = [process, done, callback = std::move(callback)](const Result<SshHelperOutput>& r) {
        if (*done)
            return;
        *done = true;
        process->disconnect();
        process->deleteLater();
        callback(r);
    };
    prepareSshChildProcess(*process);
    process->setProcessEnvironment(environment);
    QObject::connect(process, &QProcess::finished, owner,
                     [process, finish](int exitCode, QProcess::ExitStatus status) {
                         SshHelperOutput o;
                         o.exitCode = status == QProcess::NormalExit ? exitCode : -1;
                         o.out = process->readAllStandardOutput();
                         o.err = process->readAllStandardError();
                         finish(o);
                     });
    QObject::connect(
        process, &QProcess::errorOccurred, owner, [process, finish, program](QProcess::ProcessError e) {
            if (e == QProcess::FailedToStart)
                finish(makeError(ErrorCode::Process,
                                 u"cannot start %1: %2"_s.arg(program, process->errorString()), program));
        });
    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, owner, [process, finish, name, timeout] {
        process->kill();
        finish(makeError(ErrorCode::Timeout,
                         u"%1 did not finish within %2 s"_s.arg(name).arg(
                             std::chrono::duration_cast<std::chrono::seconds>(timeout).count()),
                         name));
    });
    timer->start(timeout);
    process->start(program, args);
}

} // namespace lbdeck
