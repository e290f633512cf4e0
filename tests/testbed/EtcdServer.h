// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Certificates.h"
#include "TestProcess.h"

#include <QStringList>
#include <QTemporaryDir>

namespace lbdeck::testbed {

// A real etcd 3.4 on 127.0.0.1 with the v2 API enabled, in its own data dir, on free ports.
class EtcdServer
{
public:
    struct Options
    {
        bool tls = false;       // client URLs https://, client certificates required
        bool auth = false;      // root user + user "lbdeck" whose role may only touch /test/
        int authTokenTtl = 300; // seconds a simple token lives
        QString authPassword = QStringLiteral("s3cret-test-only");
        QStringList extraArgs;
        // A member of a cluster (EtcdCluster): its name, its ports, and every member's "name=peerURL".
        QString name = QStringLiteral("lbdeck-test");
        quint16 clientPort = 0; // 0: a free one
        quint16 peerPort = 0;
        QString initialCluster; // empty: this member alone
    };

    EtcdServer();
    explicit EtcdServer(const Options& options);
    ~EtcdServer();

    // Empty on success, else what failed (with the end of etcd's log).
    QString start();
    // start() in two halves, for members that answer only once a quorum runs: the process, then
    // the wait until it answers /health.
    QString launch();
    QString waitReady();
    void stop();
    // SIGKILL, keeping the data dir: start() again resumes the same cluster and history.
    void kill();
    bool isRunning() const { return m_process.isRunning(); }
    qint64 pid() const { return m_process.pid(); } // for SIGSTOP/SIGCONT: a frozen member

    QString clientUrl() const;
    QString peerUrl() const;
    quint16 clientPort() const { return m_clientPort; }
    const Certificates& certificates() const { return m_certs; }
    const Options& options() const { return m_options; }
    // etcdctl (v3) against this server, as root when auth is on: "" or the error.
    QString etcdctl(const QStringList& args, QByteArray* output = nullptr) const;
    QString dataDir() const { return m_dir.path() + QStringLiteral("/data"); }

private:
    QString setupAuth();
    bool answers() const;

    Options m_options;
    QTemporaryDir m_dir;
    TestProcess m_process;
    quint16 m_clientPort = 0;
    quint16 m_peerPort = 0;
    Certificates m_certs;
    bool m_authConfigured = false;
};

} // namespace lbdeck::testbed
