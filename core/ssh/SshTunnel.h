// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "SshDestination.h"
#include "SshHostKeys.h"
#include "SshTunnelOptions.h"
#include "core/http/HttpEndpoint.h"

#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTimer>

#include <chrono>
#include <memory>

class QLocalSocket;

namespace lbdeck {

class AskpassServer;
class RuntimeDirectory;

// One long-lived `ssh -N -L <local.sock>:<remote>` per node, through the user's own OpenSSH client
// (~/.ssh/config, agent, ProxyJump and known_hosts work as in a terminal). The local end is a unix
// socket in a private 0700 directory, never a TCP port: the Docker socket is root on that host.
// Before the first connection an unknown host key is offered to the owner (hostKeyUnknown), and
// only an approved key is recorded, in lbdeck's own known_hosts. A changed key is a hard failure.
// ssh exiting after the tunnel was up restarts it with backoff.
class SshTunnel : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        CheckingHostKey,
        Connecting,
        Ready,
        Reconnecting,
        Failed
    };
    Q_ENUM(State)

    SshTunnel(SshDestination destination, SshForward forward, SshTunnelOptions options = {},
              QObject* parent = nullptr);
    // Forwards destination.remoteSocket (Docker's socket by default).
    explicit SshTunnel(SshDestination destination, SshTunnelOptions options = {}, QObject* parent = nullptr);
    ~SshTunnel() override;

    // Prompts for passphrases and passwords go there; without one, ssh runs in BatchMode.
    void setAskpassServer(AskpassServer* server);

    void start();
    void stop();
    // The owner's answer to hostKeyUnknown().
    void approveHostKey(bool approve);

    State state() const { return m_state; }
    const SshDestination& destination() const { return m_destination; }
    // Valid once start() was called; stays the same across restarts and stop()/start().
    QString localSocketPath() const { return m_localSocket; }
    HttpEndpoint endpoint() const { return HttpEndpoint::unixSocket(m_localSocket); }
    const Error& lastError() const { return m_lastError; }
    qint64 processId() const;
    int restarts() const { return m_restarts; }
    // The ssh command line (without the program), as it is run.
    QStringList sshArguments() const;

    static QString defaultAppKnownHostsFile() { return sshDefaultAppKnownHostsFile(); }
    static QString stateName(State state);

Q_SIGNALS:
    void ready(const QString& localSocketPath);
    void stateChanged(lbdeck::SshTunnel::State state, const QString& detail);
    void failed(const lbdeck::Error& error);
    // host as recorded in known_hosts ("[10.0.0.2]:2222"), "ssh-ed25519", "SHA256:...".
    void hostKeyUnknown(const QString& host, const QString& keyType, const QString& fingerprint);

private:
    Result<void> prepareLocalDirectory();
    void onHostKeyVerdict(const Result<SshHostKeys::Verdict>& verdict);
    void launch();
    void onProcessFinished(QProcess* process, int exitCode, QProcess::ExitStatus status);
    void poll();
    void onDeadline();
    void becomeReady();
    void fail(const Error& error);
    void scheduleReconnect(const QString& why);
    void retireProcess();
    void dropProbe();
    void setState(State state, const QString& detail = {});
    bool usesAskpass() const;
    QString askpassContext() const { return m_destination.displayName(); }
    QString hostPort() const;

    SshDestination m_destination;
    SshForward m_forward;
    SshTunnelOptions m_options;
    QPointer<AskpassServer> m_askpass; // Not owned.
    std::unique_ptr<RuntimeDirectory> m_dir;
    QString m_localSocket;
    SshHostKeys* m_hostKeys = nullptr; // Owned (child); exists while checking.
    SshHostKey m_pendingKey;
    SshResolvedHost m_resolved; // where ~/.ssh/config sends the destination, once checked
    QString m_scanProblem;      // why the key could not be fetched, for a later strict-checking error
    bool m_awaitingApproval = false;
    QProcess* m_process = nullptr;   // Owned (child).
    QLocalSocket* m_probe = nullptr; // Owned (child).
    QByteArray m_stderr;
    QTimer m_pollTimer;
    QTimer m_deadline;
    QTimer m_retry;
    int m_deadlineLeftMs = 0;
    int m_openPrompts = 0;
    std::chrono::milliseconds m_backoff{0};
    State m_state = State::Idle;
    Error m_lastError;
    int m_restarts = 0;
    bool m_everReady = false;
};

} // namespace lbdeck
