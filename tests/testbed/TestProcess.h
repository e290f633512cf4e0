// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QProcess>
#include <QSet>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>

namespace lbdeck::testbed {

// A service process started by a test. It dies with the process that started it (PR_SET_PDEATHSIG),
// so a test that crashes or is killed leaves nothing behind; stop() asks politely, then kills.
class TestProcess
{
public:
    TestProcess() = default;
    ~TestProcess();
    TestProcess(const TestProcess&) = delete;
    TestProcess& operator=(const TestProcess&) = delete;

    // Output (stdout and stderr) goes to logFile. Returns false and sets error() if it cannot start.
    bool start(const QString& program, const QStringList& args, const QString& logFile,
               const QStringList& extraEnv = {}, const QString& workingDir = {});
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
    // SIGKILL and reap, no grace: for tests of what happens when a service dies.
    void kill();
    bool isRunning() const;
    qint64 pid() const;
    QString error() const { return m_error; }
    QString logTail(int lines = 30) const;
    QString program() const { return m_program; }

private:
    QProcess* m_process = nullptr; // Owned.
    QString m_program;
    QString m_logFile;
    QString m_error;
};

// Polls until ready() is true or the timeout passes; processes events meanwhile (test code only).
bool waitUntil(const std::function<bool()>& ready, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval = std::chrono::milliseconds(20));
// A TCP port on 127.0.0.1 that was free a moment ago.
quint16 freePort();
// Runs a helper command to completion (openssl, ssh-keygen, docker): exit code 0 or an error text.
QString runCommand(const QString& program, const QStringList& args, QByteArray* output = nullptr,
                   int timeoutMs = 60000, const QByteArray& input = {});
// Blocking GET for readiness checks and assertions in tests: status code or -1; body in *body.
int httpGet(const QString& host, quint16 port, const QByteArray& path, QByteArray* body = nullptr,
            int timeoutMs = 2000);
bool isRoot();
// PIDs of the children of `parent`, from /proc.
QSet<qint64> childPids(qint64 parent);

} // namespace lbdeck::testbed
