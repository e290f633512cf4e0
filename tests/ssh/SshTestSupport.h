// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/ssh/SshTunnel.h"

#include <QLocalServer>
#include <QTcpServer>
#include <QTemporaryDir>

namespace lbdeck::testbed {
class SshServer;
}

namespace lbdeck::test {

// A HOME of the test's own: ssh config, known_hosts files and the runtime directory live here, so
// the user's real ~/.ssh is never read or written (ssh gets -F, explicit files and no agent).
class PrivateSshHome
{
public:
    PrivateSshHome();
    bool isValid() const { return m_dir.isValid(); }
    QString path() const { return m_dir.path(); }
    QString config() const { return path() + QStringLiteral("/ssh_config"); }
    QString userKnownHosts() const { return path() + QStringLiteral("/.ssh/known_hosts"); }
    QString appKnownHosts() const { return path() + QStringLiteral("/app/known_hosts"); }
    QString runtime() const { return path() + QStringLiteral("/run"); }

    // Options for a tunnel to sshd with its client key; no askpass, no agent.
    SshTunnelOptions options(const testbed::SshServer& sshd) const;
    SshDestination destination(const testbed::SshServer& sshd, const QString& user = {}) const;
    // Records sshd's host key as if the operator had approved it before.
    void trust(const testbed::SshServer& sshd) const;
    QByteArray appKnownHostsContent() const;

private:
    QTemporaryDir m_dir;
};

// Answers "pong" to every "ping" on each connection: the "remote" service behind a tunnel.
class PongUnixServer : public QLocalServer
{
public:
    explicit PongUnixServer(QObject* parent = nullptr);
};

class PongTcpServer : public QTcpServer
{
public:
    explicit PongTcpServer(QObject* parent = nullptr);
};

// Sends "ping" to a unix socket and waits (processing events) for the answer.
QByteArray pingUnix(const QString& socketPath, int timeoutMs = 10000);
// ssh processes whose command line names this socket path (pgrep -f).
int sshProcessesFor(const QString& socketPath);
// Unix permission bits of a path (stat), e.g. 0700.
int modeOf(const QString& path);

} // namespace lbdeck::test
