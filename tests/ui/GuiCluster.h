// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/cluster/ClusterProfile.h"
#include "core/ssh/SshTunnelOptions.h"
#include "tests/engine/EngineFixture.h"
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/SshServer.h"

#include <QTemporaryDir>

namespace lbdeck::test {

// The whole test bed a GUI test drives: the seed's etcd, backends and load-balancer nginx (an
// engine embedded in the app owns its config), and a Docker engine reached over ssh:// (sshd +
// dockerd) and over its unix socket.
struct GuiCluster
{
    EngineFixture f;
    testbed::DockerDaemon docker;
    testbed::SshServer ssh;
    QTemporaryDir dir;
    QString engineToml;

    // "" or what failed; needs root (dockerd).
    QString start();
    // A profile with an embedded engine and node-b over ssh:// (publishing on 127.0.1.4).
    ClusterProfile profile(const QString& name) const;
    NodeProfile sshNode(const QString& name, const QString& publish) const;
    NodeProfile unixNode(const QString& name, const QString& publish) const;
    // knownHosts empty: a file holding the test sshd's key, as an operator's approval records it.
    SshTunnelOptions sshOptions(const QString& knownHosts = {}) const;
    QString put(const QByteArray& key, const QByteArray& value) const;
    QString remove(const QByteArray& key) const;
};

} // namespace lbdeck::test
