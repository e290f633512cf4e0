// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/EtcdServer.h"
#include "tests/testbed/SshServer.h"
#include "tests/testbed/TestProcess.h"

#include <QJsonObject>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>
#include <vector>

namespace lbdeck::testbed {

// The seed's cluster, on one machine, for the demo, its test and the screenshots:
//   core-a (127.0.1.1): nginx in a container (host network) whose /etc/nginx is the named volume
//                       conf-data, kept in step by lbdeck-engine through core-a's Docker API (the
//                       seed's confdata + confd + nginx);
//   core-b (127.0.1.2): apache-8002;   core-c (127.0.1.3): apache-8001;
// every node with its own dockerd and its own sshd, reached over ssh://; the backends started
// through lbdeck's own BackendService, as a click in the window would; etcd holding /test/.
class DemoCluster
{
public:
    struct Node
    {
        QString name;
        QString address;
        DockerDaemon docker;
        SshServer ssh;
    };

    DemoCluster();
    ~DemoCluster();

    // binDir: where lbdeck-engine is. "" or what failed.
    QString start(const QString& binDir);

    // A profile lbdeck opens with --profile-file, and the environment to open it in (a private
    // XDG data dir whose known_hosts already trusts the demo's sshds).
    QString profileFile() const { return m_dir.filePath(QStringLiteral("demo-profile.json")); }
    QString knownHostsFile() const;
    QStringList environment() const;
    QString summary() const;
    // Where everything is, for the demo's own test: etcd, nginx, engine, each node's Docker socket.
    QJsonObject state() const;
    // Requests through nginx at this rate (0: none), so that the Traffic view has something to show.
    void startLoad(int perSecond);

private:
    QString startNodes();
    QString startNginx();
    QString writeEngineConfig();
    QString writeProfile();
    QString startBackends();

    QTemporaryDir m_dir;
    EtcdServer m_etcd;
    std::vector<std::unique_ptr<Node>> m_nodes; // core-a, core-b, core-c
    TestProcess m_engine;
    quint16 m_nginxPort = 0;
    quint16 m_nginxStatusPort = 0;
    quint16 m_engineStatusPort = 0;
    QTimer m_load;
    int m_loadRate = 0;
};

} // namespace lbdeck::testbed
