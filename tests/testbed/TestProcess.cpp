// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TestProcess.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck::testbed {

TestProcess::~TestProcess()
{
    stop(std::chrono::milliseconds(3000));
}

bool TestProcess::start(const QString& program, const QStringList& args, const QString& logFile,
                        const QStringList& extraEnv, const QString& workingDir)
{
    stop();
    m_program = program;
    m_logFile = logFile;
    m_process = new QProcess;
    m_process->setProgram(program);
    m_process->setArguments(args);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardOutputFile(logFile, QIODevice::Append);
    m_process->setStandardInputFile(QProcess::nullDevice());
    if (!workingDir.isEmpty())
        m_process->setWorkingDirectory(workingDir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& kv : extraEnv)
        env.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
    m_process->setProcessEnvironment(env);
    m_process->setChildProcessModifier([] {
        // SIGTERM, not SIGKILL: dockerd and nginx then take their own children down with them.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        ::setpgid(0, 0);
    });
    m_process->start();
    if (!m_process->waitForStarted(10000)) {
        m_error = u"cannot start %1: %2"_s.arg(program, m_process->errorString());
        delete std::exchange(m_process, nullptr);
        return false;
    }
    return true;
}

void TestProcess::stop(std::chrono::milliseconds grace)
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(int(grace.count()))) {
            ::kill(-pid_t(m_process->processId()), SIGKILL);
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
    delete std::exchange(m_process, nullptr);
}

void TestProcess::kill()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
    delete std::exchange(m_process, nullptr);
}

bool TestProcess::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

qint64 TestProcess::pid() const
{
    return m_process ? m_process->processId() : 0;
}

QString TestProcess::logTail(int lines) const
{
    QFile f(m_logFile);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    const QList<QByteArray> all = f.readAll().split('\n');
    QStringList tail;
    for (qsizetype i = qMax<qsizetype>(0, all.size() - lines); i < all.size(); ++i)
        tail << QString::fromUtf8(all.at(i));
    return tail.join(u'\n');
}

bool waitUntil(const std::function<bool()>& ready, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval)
{
    QDeadlineTimer deadline(timeout);
    for (;;) {
        if (ready())
            return true;
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, int(interval.count()));
        QThread::msleep(quint64(interval.count()));
    }
}

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress(u"127.0.0.1"_s), 0))
        return 0;
    return server.serverPort();
}

QString runCommand(const QString& program, const QStringList& args, QByteArray* output, int timeoutMs,
                   const QByteArray& input)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForStarted(10000))
        return u"cannot start %1: %2"_s.arg(program, p.errorString());
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return u"%1 %2 timed out"_s.arg(program, args.join(u' '));
    }
    const QByteArray out = p.readAll();
    if (output)
        *output = out;
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return u"%1 %2 failed (%3): %4"_s.arg(program, args.join(u' '))
            .arg(p.exitCode())
            .arg(QString::fromUtf8(out.right(2000)));
    return QString();
}

int httpGet(const QString& host, quint16 port, const QByteArray& path, QByteArray* body, int timeoutMs)
{
    QTcpSocket socket;
    socket.connectToHost(host, port);
    if (!socket.waitForConnected(timeoutMs))
        return -1;
    socket.write("GET " + path + " HTTP/1.0\r\nHost: " + host.toUtf8() + "\r\nConnection: close\r\n\r\n");
    QByteArray response;
    QDeadlineTimer deadline(timeoutMs);
    // Until the server closes, or the body its Content-Length announces is in (a server may keep
    // the connection open despite "Connection: close").
    const auto complete = [&response] {
        const qsizetype split = response.indexOf("\r\n\r\n");
        if (split < 0)
            return false;
        static const QRegularExpression length(u"\r\ncontent-length:\\s*(\\d+)"_s,
                                               QRegularExpression::CaseInsensitiveOption);
        const QRegularExpressionMatch m = length.match(QString::fromLatin1(response.left(split + 2)));
        return m.hasMatch() && response.size() - split - 4 >= m.captured(1).toLongLong();
    };
    while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired() && !complete()) {
        if (socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            response += socket.readAll();
    }
    response += socket.readAll();
    if (!response.startsWith("HTTP/1.") || response.size() < 12)
        return -1;
    const int status = response.mid(9, 3).toInt();
    if (body) {
        const qsizetype split = response.indexOf("\r\n\r\n");
        *body = split < 0 ? QByteArray() : response.mid(split + 4);
    }
    return status;
}

bool isRoot()
{
    return ::geteuid() == 0;
}

QSet<qint64> childPids(qint64 parent)
{
    QSet<qint64> out;
    const QByteArray wanted = QByteArray::number(parent);
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& e : entries) {
        bool ok = false;
        const qint64 pid = e.toLongLong(&ok);
        QFile stat(u"/proc/%1/stat"_s.arg(e));
        if (!ok || !stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray s = stat.readAll();
        const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields.at(1) == wanted)
            out.insert(pid);
    }
    return out;
}

} // namespace lbdeck::testbed
