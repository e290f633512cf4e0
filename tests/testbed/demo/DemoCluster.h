// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "DockerDaemon.h"
#include "EtcdServer.h"
#include "NginxServer.h"
#include "SshServer.h"
#include "TestProcess.h"

#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>

namespace lbdeck::testbed {

// The seed's cluster, on one machine, for the demo and the screenshots: etcd holding
// /test/apache-8001 and /test/apache-8002, those two backends running as containers (published on
// 127.0.1.3:8001 and 127.0.1.2:8002), nginx as the load balancer, lbdeck-engine keeping it in step,
// and two nodes — node-b reached over ssh:// (a real sshd), node-c over the local socket.
class DemoCluster
{
public:
    // binDir: where lbdeck-engine is. "" or what failed.
    QString start(const QString& binDir);

    // A profile lbdeck opens with --profile-file, and the environment to open it in (a private
    // XDG data dir whose known_hosts already trusts the demo's sshd).
    QString profileFile() const { return m_dir.filePath(QStringLiteral("demo-profile.json")); }
    QStringList environment() const;
    QString summary() const;
    // Requests through nginx at this rate (0: none), so that the Traffic view has something to show.
    void startLoad(int perSecond);

private:
    QString startBackends();
    QString writeEngineConfig();
    QString writeProfile();

    QTemporaryDir m_dir;
    EtcdServer m_etcd;
    DockerDaemon m_docker;
    NginxServer m_nginx;
    SshServer m_ssh;
    TestProcess m_engine;
    quint16 m_engineStatusPort = 0;
    quint16 m_nginxStatusPort = 0;
    QTimer m_load;
    int m_loadRate = 0;
};

} // namespace lbdeck::testbed
