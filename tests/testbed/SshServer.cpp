// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "SshServer.h"

#include <QDir>
#include <QFile>
#include <QTcpSocket>

#include <pwd.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck::testbed {

namespace {

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(data) == data.size();
}

} // namespace

SshServer::SshServer()
    : m_dir(QDir::tempPath() + u"/lbd-ssh-XXXXXX"_s)
{}

SshServer::~SshServer()
{
    stop();
}

QString SshServer::user() const
{
    const passwd* pw = ::getpwuid(::geteuid());
    return pw ? QString::fromLocal8Bit(pw->pw_name) : u"root"_s;
}

QString SshServer::generateHostKey()
{
    QFile::remove(m_dir.path() + u"/hostkey"_s);
    QFile::remove(m_dir.path() + u"/hostkey.pub"_s);
    return runCommand(u"ssh-keygen"_s, {u"-q"_s, u"-t"_s, u"ed25519"_s, u"-N"_s, QString(), u"-C"_s,
                                        u"lbdeck-test-host"_s, u"-f"_s, m_dir.path() + u"/hostkey"_s});
}

QString SshServer::start()
{
    if (!m_dir.isValid())
        return u"cannot create a temporary directory"_s;
    const QString d = m_dir.path();
    if (!QFile::exists(d + u"/hostkey"_s)) {
        QString err = generateHostKey();
        if (err.isEmpty())
            err = runCommand(u"ssh-keygen"_s, {u"-q"_s, u"-t"_s, u"ed25519"_s, u"-N"_s, QString(), u"-C"_s,
                                               u"lbdeck-test-client"_s, u"-f"_s, clientKey()});
        if (!err.isEmpty())
            return err;
        writeFile(d + u"/authorized_keys"_s, readFile(clientKey() + u".pub"_s));
    }
    if (isRoot())
        QDir().mkpath(u"/run/sshd"_s); // privilege separation directory
    if (m_port == 0)
        m_port = freePort();
    const QString config =
        u"Port %1\nListenAddress %3\nHostKey %2/hostkey\n"
        u"AuthorizedKeysFile %2/authorized_keys\nPubkeyAuthentication yes\n"
        u"PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        u"StrictModes no\nPidFile %2/sshd.pid\nPermitRootLogin prohibit-password\n"
        u"AllowTcpForwarding yes\nAllowStreamLocalForwarding yes\nStreamLocalBindUnlink yes\n"
        u"ClientAliveInterval 5\nMaxStartups 100\nMaxSessions 100\nLogLevel VERBOSE\n"_s.arg(m_port)
            .arg(d, m_address);
    if (!writeFile(d + u"/sshd_config"_s, config.toUtf8()))
        return u"cannot write sshd_config"_s;
    if (!m_process.start(u"/usr/sbin/sshd"_s, {u"-D"_s, u"-e"_s, u"-f"_s, d + u"/sshd_config"_s},
                         d + u"/sshd.log"_s))
        return m_process.error();
    const bool ready = waitUntil(
        [this] {
            if (!m_process.isRunning())
                return true;
            QTcpSocket s;
            s.connectToHost(m_address, m_port);
            return s.waitForConnected(200) && s.waitForReadyRead(500) && s.readAll().startsWith("SSH-2.0");
        },
        std::chrono::seconds(15));
    if (!ready || !m_process.isRunning()) {
        const QString log = m_process.logTail();
        m_process.stop();
        return u"sshd did not start:\n%1"_s.arg(log);
    }
    return QString();
}

void SshServer::stop()
{
    m_process.stop();
}

QString SshServer::rotateHostKey()
{
    stop();
    const QString err = generateHostKey();
    if (!err.isEmpty())
        return err;
    return start(); // same port: to a client, the same host with a new key
}

QString SshServer::hostPublicKey() const
{
    const QList<QByteArray> parts = readFile(m_dir.path() + u"/hostkey.pub"_s).trimmed().split(' ');
    if (parts.size() < 2)
        return QString();
    return QString::fromLatin1(parts[0] + ' ' + parts[1]);
}

QString SshServer::knownHostsLine() const
{
    return u"[%1]:%2 %3"_s.arg(m_address).arg(m_port).arg(hostPublicKey());
}

QString SshServer::hostKeyFingerprint() const
{
    QByteArray out;
    runCommand(u"ssh-keygen"_s, {u"-l"_s, u"-E"_s, u"sha256"_s, u"-f"_s, m_dir.path() + u"/hostkey.pub"_s},
               &out);
    const QList<QByteArray> parts = out.split(' ');
    return parts.size() > 1 ? QString::fromLatin1(parts[1]) : QString();
}

} // namespace lbdeck::testbed
