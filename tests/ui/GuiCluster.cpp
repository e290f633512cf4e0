// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "GuiCluster.h"

#include "tests/testbed/TestProcess.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace lbdeck::test {

QString GuiCluster::start()
{
    if (QString e = f.start(); !e.isEmpty())
        return e;
    if (QString e = docker.start(); !e.isEmpty())
        return e;
    if (QString e = docker.buildBackendImage(); !e.isEmpty())
        return e;
    if (QString e = ssh.start(); !e.isEmpty())
        return e;
    if (QString e = put("/test/apache-8001", "127.0.1.3:8001"); !e.isEmpty())
        return e;
    if (QString e = put("/test/apache-8002", "127.0.1.2:8002"); !e.isEmpty())
        return e;
    const EngineConfig e = f.engineConfig();
    engineToml = dir.filePath(u"engine.toml"_s);
    QFile toml(engineToml);
    if (!toml.open(QIODevice::WriteOnly))
        return u"cannot write %1"_s.arg(engineToml);
    toml.write(
        u"[etcd]\nendpoints = [\"%1\"]\n[engine]\nstatus_listen = \"\"\n[nginx]\ndest = \"%2\"\nprefix = "
        u"\"%3\"\npid_file = \"%4\"\ntemp_dir = \"%5\"\nlisten = \"%6\"\nstatus_listen = \"%7\"\nuser = \"root\"\n"_s
            .arg(f.etcd.clientUrl(), e.nginx.dest, e.nginx.prefix, e.nginx.pidFile, e.nginx.tempDir,
                 e.nginx.listen, e.nginx.statusListen)
            .toUtf8());
    QFile kh(dir.filePath(u"known_hosts"_s));
    if (!kh.open(QIODevice::WriteOnly))
        return u"cannot write known_hosts"_s;
    kh.write(ssh.knownHostsLine().toUtf8() + '\n');
    return QString();
}

NodeProfile GuiCluster::sshNode(const QString& name, const QString& publish) const
{
    return {name, publish,
            u"ssh://%1@127.0.0.1:%2%3"_s.arg(ssh.user()).arg(ssh.port()).arg(docker.socketPath())};
}

NodeProfile GuiCluster::unixNode(const QString& name, const QString& publish) const
{
    return {name, publish, docker.host()};
}

ClusterProfile GuiCluster::profile(const QString& name) const
{
    ClusterProfile p;
    p.name = name;
    p.etcd.endpoints = {f.etcd.clientUrl()};
    p.nodes = {sshNode(u"node-b"_s, u"127.0.1.4"_s)};
    p.backends.image = testbed::DockerDaemon::backendImage();
    p.balancer().engine = BalancerProfile::Engine::Embedded;
    p.balancer().engineConfigFile = engineToml;
    return p;
}

SshTunnelOptions GuiCluster::sshOptions(const QString& knownHosts) const
{
    SshTunnelOptions o;
    o.identityFile = ssh.clientKey();
    o.appKnownHostsFile = knownHosts.isEmpty() ? dir.filePath(u"known_hosts"_s) : knownHosts;
    o.userKnownHostsFile = dir.filePath(u"user_known_hosts"_s);
    o.runtimeDirectory = dir.path();
    o.extraArgs = {u"-F"_s, u"/dev/null"_s};
    return o;
}

QString GuiCluster::put(const QByteArray& key, const QByteArray& value) const
{
    return f.etcd.etcdctl({u"put"_s, QString::fromUtf8(key), QString::fromUtf8(value)});
}

QString GuiCluster::remove(const QByteArray& key) const
{
    return f.etcd.etcdctl({u"del"_s, QString::fromUtf8(key)});
}

} // namespace lbdeck::test
