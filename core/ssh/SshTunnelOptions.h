// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "SshDestination.h"

#include <QProcessEnvironment>
#include <QStringList>

#include <chrono>

namespace lbdeck {

// What the tunnel forwards to on the remote side: a unix socket (Docker's) or a TCP port.
struct SshForward
{
    enum class Kind
    {
        UnixSocket,
        Tcp
    };
    Kind kind = Kind::UnixSocket;
    QString remoteSocket;
    QString remoteHost;
    quint16 remotePort = 0;

    static SshForward unixSocket(const QString& path) { return {Kind::UnixSocket, path, {}, 0}; }
    static SshForward tcp(const QString& host, quint16 port) { return {Kind::Tcp, {}, host, port}; }
    QString toString() const;
};

struct SshTunnelOptions
{
    QString sshProgram = QStringLiteral("/usr/bin/ssh");
    QString keygenProgram = QStringLiteral("/usr/bin/ssh-keygen");
    QString keyscanProgram = QStringLiteral("/usr/bin/ssh-keyscan");
    int connectTimeoutS = 10; // ssh's ConnectTimeout: TCP connect and key exchange
    // Beyond ConnectTimeout, for authentication and the forward; time spent in a prompt is not counted.
    std::chrono::milliseconds readyGrace{15000};
    QString identityFile;       // optional -i
    QStringList extraArgs;      // e.g. -F <config> in tests; never options that weaken host keys
    QString userKnownHostsFile; // empty: ~/.ssh/known_hosts (read, never written)
    QString appKnownHostsFile;  // empty: sshDefaultAppKnownHostsFile() (written on approval)
    QString runtimeDirectory;   // where the private socket directory goes; empty: XDG runtime dir
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    std::chrono::milliseconds initialBackoff{200};
    std::chrono::milliseconds maxBackoff{10000};
};

// The ssh command line of a tunnel, pure so that the options that keep it safe are checked in tests.
// Options for every ssh run of a tunnel (also `ssh -G`): host-key policy, keep-alives, timeouts.
QStringList sshCommonOptions(const SshDestination& destination, const SshTunnelOptions& options,
                             bool askpass);
// `-N -T <common> -L <localSocket>:<remote> -- <host>`.
QStringList sshTunnelArguments(const SshDestination& destination, const SshForward& forward,
                               const SshTunnelOptions& options, const QString& localSocket, bool askpass);
QString sshUserKnownHostsFile(const SshTunnelOptions& options);
QString sshAppKnownHostsFile(const SshTunnelOptions& options);
// lbdeck's own known_hosts under the app data directory.
QString sshDefaultAppKnownHostsFile();
// A file name for the local socket that says which host it leads to.
QString sshSocketName(const QString& host);

} // namespace lbdeck
