// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "SshTestSupport.h"

#include "tests/testbed/SshServer.h"

#include <QDir>
#include <QFile>
#include <QLocalSocket>
#include <QProcess>
#include <QTcpSocket>
#include <QTest>

#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace lbdeck::test {

namespace {

void answerPings(QIODevice* socket)
{
    QObject::connect(socket, &QIODevice::readyRead, socket, [socket] {
        const QByteArray data = socket->readAll();
        for (qsizetype i = 0; i < data.count("ping"); ++i)
            socket->write("pong");
    });
}

} // namespace

PrivateSshHome::PrivateSshHome()
{
    QDir().mkpath(path() + u"/.ssh"_s);
    QDir().mkpath(runtime());
    QFile::setPermissions(runtime(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QFile config(this->config());
    if (config.open(QIODevice::WriteOnly))
        config.write("# lbdeck test: no user or system ssh configuration\n");
}

SshTunnelOptions PrivateSshHome::options(const testbed::SshServer& sshd) const
{
    SshTunnelOptions o;
    o.identityFile = sshd.clientKey();
    o.extraArgs = {u"-F"_s, config(), u"-o"_s, u"IdentitiesOnly=yes"_s};
    o.userKnownHostsFile = userKnownHosts();
    o.appKnownHostsFile = appKnownHosts();
    o.runtimeDirectory = runtime();
    o.environment = QProcessEnvironment::systemEnvironment();
    o.environment.insert(u"HOME"_s, path());
    o.environment.remove(u"SSH_AUTH_SOCK"_s);
    o.environment.remove(u"SSH_ASKPASS"_s);
    o.environment.remove(u"DISPLAY"_s);
    return o;
}

SshDestination PrivateSshHome::destination(const testbed::SshServer& sshd, const QString& user) const
{
    return SshDestination::parse(
               u"ssh://%1@127.0.0.1:%2"_s.arg(user.isEmpty() ? sshd.user() : user).arg(sshd.port()))
        .value();
}

void PrivateSshHome::trust(const testbed::SshServer& sshd) const
{
    QDir().mkpath(QFileInfo(appKnownHosts()).absolutePath());
    QFile f(appKnownHosts());
    if (f.open(QIODevice::WriteOnly | QIODevice::Append))
        f.write(sshd.knownHostsLine().toUtf8() + '\n');
}

QByteArray PrivateSshHome::appKnownHostsContent() const
{
    QFile f(appKnownHosts());
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

PongUnixServer::PongUnixServer(QObject* parent)
    : QLocalServer(parent)
{
    connect(this, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket* s = nextPendingConnection())
            answerPings(s);
    });
}

PongTcpServer::PongTcpServer(QObject* parent)
    : QTcpServer(parent)
{
    connect(this, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* s = nextPendingConnection())
            answerPings(s);
    });
}

QByteArray pingUnix(const QString& socketPath, int timeoutMs)
{
    // Never a blocking waitFor*: the server answering may live on this very thread.
    QLocalSocket socket;
    QByteArray received;
    QObject::connect(&socket, &QLocalSocket::readyRead, &socket, [&] { received += socket.readAll(); });
    QObject::connect(&socket, &QLocalSocket::connected, &socket, [&] { socket.write("ping"); });
    socket.connectToServer(socketPath);
    (void)QTest::qWaitFor(
        [&] { return received.size() >= 4 || socket.state() == QLocalSocket::UnconnectedState; }, timeoutMs);
    return received;
}

int sshProcessesFor(const QString& socketPath)
{
    QProcess p;
    p.start(u"pgrep"_s, {u"-f"_s, u"--"_s, QString(socketPath).replace(u"."_s, u"[.]"_s)});
    p.waitForFinished(10000);
    const QByteArray out = p.readAllStandardOutput().trimmed();
    return out.isEmpty() ? 0 : int(out.split('\n').size());
}

int modeOf(const QString& path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

} // namespace lbdeck::test
