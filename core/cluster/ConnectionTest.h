// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ClusterProfile.h"
#include "core/ssh/SshTunnelOptions.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>

#include <chrono>
#include <functional>

namespace lbdeck {

// "Test connection" for a profile that need not be saved yet: each etcd endpoint on its own (a
// member list, through the same client the session opens), each node's Docker engine over its
// transport (NodeConnection: unix socket, TLS, or an SSH tunnel), and the engine (its status
// endpoint, or its config file when it runs inside lbdeck). Every check has its own deadline;
// destroying the test or cancel() aborts whatever still runs, and nothing calls back afterwards.
// An unknown SSH host key is declined here: it is reviewed when the cluster is opened.
class ConnectionTest : public QObject
{
    Q_OBJECT
public:
    struct Check
    {
        enum class State
        {
            Running,
            Passed,
            Failed
        };
        QString subject; // "etcd http://10.0.0.1:2379", "node b: ssh://core@10.0.0.2", "engine ..."
        State state = State::Running;
        qint64 elapsedMs = 0;
        QString detail; // what answered, or why not
    };

    // password: the etcd password as typed; kept in memory for the etcd checks, never logged.
    ConnectionTest(ClusterProfile profile, QString etcdPassword, QObject* parent = nullptr);
    ~ConnectionTest() override;

    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    void setSshOptions(const SshTunnelOptions& options) { m_sshOptions = options; }
    // Lists every check (checksListed), then runs them all at once.
    void start();
    // Aborts the checks still running; they stay Running and the test never finishes.
    void cancel();

    const QList<Check>& checks() const { return m_checks; }
    bool isFinished() const;

Q_SIGNALS:
    void checksListed();
    void checkChanged(int index);
    void finished();

private:
    struct Run
    {
        QObject* scope = nullptr; // Owned (child) while running: the check's clients and deadline
        QElapsedTimer clock;
    };
    int add(const QString& subject);
    QObject* begin(int index); // starts the clock and the deadline; returns the check's scope
    void complete(int index, bool passed, const QString& detail);
    void checkEtcd(int index, const QString& endpoint);
    void checkNode(int index, const NodeProfile& node);
    void checkEngine(int index, const BalancerProfile& balancer);
    SshTunnelOptions sshOptions() const; // the profile's -F file too

    ClusterProfile m_profile;
    QString m_password;
    SshTunnelOptions m_sshOptions;
    std::chrono::milliseconds m_timeout{10000};
    QList<Check> m_checks;
    QList<Run> m_runs;
    bool m_canceled = false;
};

} // namespace lbdeck
