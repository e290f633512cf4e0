// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DemoCluster.h"

#include <QTcpSocket>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace lbdeck::testbed {

namespace {

bool writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

} // namespace

QStringList DemoCluster::environment() const
{
    return {u"XDG_DATA_HOME="_s + m_dir.filePath(u"data"_s),
            u"XDG_CONFIG_HOME="_s + m_dir.filePath(u"config"_s)};
}

QString DemoCluster::start(const QString& binDir)
{
    if (!m_dir.isValid())
        return u"cannot create a temporary directory"_s;
    if (!isRoot())
        return u"the demo runs the Docker engine, which needs root (tools/demo uses sudo)"_s;
    if (QString e = m_etcd.start(); !e.isEmpty())
        return u"etcd: "_s + e;
    for (const auto& [key, value] : {std::pair{u"/test/apache-8001"_s, u"127.0.1.3:8001"_s},
                                     std::pair{u"/test/apache-8002"_s, u"127.0.1.2:8002"_s}}) {
        if (QString e = m_etcd.etcdctl({u"put"_s, key, value}); !e.isEmpty())
            return u"seeding etcd: "_s + e;
    }
    if (QString e = m_docker.start(); !e.isEmpty())
        return u"dockerd: "_s + e;
    if (QString e = m_docker.buildBackendImage(); !e.isEmpty())
        return u"backend image: "_s + e;
    if (QString e = startBackends(); !e.isEmpty())
        return e;
    if (QString e = m_nginx.start(
            u"server { listen 127.0.0.1:@PORT@; location / { return 200 \"waiting for lbdeck-engine\\n\"; } }"_s);
        !e.isEmpty())
        return u"nginx: "_s + e;
    if (QString e = m_ssh.start(); !e.isEmpty())
        return u"sshd: "_s + e;
    if (QString e = writeEngineConfig(); !e.isEmpty())
        return e;
    if (!m_engine.start(binDir + u"/lbdeck-engine"_s, {u"-c"_s, m_dir.filePath(u"engine.toml"_s)},
                        m_dir.filePath(u"engine.log"_s)))
        return m_engine.error();
    if (!waitUntil(
            [this] { return httpGet(u"127.0.0.1"_s, m_engineStatusPort, "/status", nullptr, 300) == 200; },
            std::chrono::seconds(15)))
        return u"lbdeck-engine did not answer:\n"_s + m_engine.logTail();
    return writeProfile();
}

QString DemoCluster::startBackends()
{
    // The seed's apache@8001 on node B and apache@8002 on node C, labelled as lbdeck starts them.
    const QList<std::tuple<QString, QString, QString>> backends{{u"8001"_s, u"127.0.1.3"_s, u"node-b"_s},
                                                                {u"8002"_s, u"127.0.1.2"_s, u"node-c"_s}};
    for (const auto& [port, ip, node] : backends) {
        const QString name = u"apache-"_s + port;
        const QString err =
            m_docker.docker({u"run"_s, u"-d"_s, u"--name"_s, name, u"--hostname"_s, name, u"-e"_s,
                             u"LBDECK_BACKEND="_s + name, u"-p"_s, u"%1:%2:80"_s.arg(ip, port), u"--label"_s,
                             u"io.lbdeck.backend="_s + name, u"--label"_s, u"io.lbdeck.key=/test/"_s + name,
                             u"--label"_s, u"io.lbdeck.address=%1:%2"_s.arg(ip, port), u"--label"_s,
                             u"io.lbdeck.node="_s + node, DockerDaemon::backendImage()});
        if (!err.isEmpty())
            return u"starting %1: %2"_s.arg(name, err);
    }
    return QString();
}

QString DemoCluster::writeEngineConfig()
{
    m_engineStatusPort = freePort();
    m_nginxStatusPort = freePort();
    const QString toml =
        u"# lbdeck-engine for the demo: the seed's confd, on the load-balancer node.\n"
        u"[etcd]\nendpoints = [\"%1\"]\n\n[[source]]\nprefix = \"/test/\"\n\n"
        u"[engine]\nstatus_listen = \"127.0.0.1:%2\"\n\n"
        u"[nginx]\ndest = \"%3\"\nprefix = \"%4\"\npid_file = \"%5\"\nerror_log = \"%6\"\n"
        u"temp_dir = \"%4/tmp\"\nuser = \"root\"\nlisten = \"127.0.0.1:%7\"\nstatus_listen = "
        u"\"127.0.0.1:%8\"\n\n"
        u"[traffic]\ninterface = \"lo\"\naccess_log_socket = \"%9\"\n"_s.arg(m_etcd.clientUrl())
            .arg(m_engineStatusPort)
            .arg(m_nginx.confPath(), m_nginx.prefix(), m_nginx.pidFile(), m_nginx.errorLog())
            .arg(m_nginx.port())
            .arg(m_nginxStatusPort)
            .arg(m_dir.filePath(u"access.sock"_s));
    return writeFile(m_dir.filePath(u"engine.toml"_s), toml.toUtf8()) ? QString()
                                                                      : u"cannot write engine.toml"_s;
}

QString DemoCluster::writeProfile()
{
    const QString sshConfig = m_dir.filePath(u"ssh_config"_s);
    if (!writeFile(sshConfig,
                   u"Host 127.0.0.1\n    IdentityFile %1\n    IdentitiesOnly yes\n"_s.arg(m_ssh.clientKey())
                       .toUtf8()))
        return u"cannot write the ssh config"_s;
    // lbdeck's own known_hosts (in its XDG data dir) already trusts the demo's sshd.
    if (!writeFile(m_dir.filePath(u"data/lbdeck/lbdeck/known_hosts"_s),
                   m_ssh.knownHostsLine().toUtf8() + '\n'))
        return u"cannot write known_hosts"_s;
    const QJsonObject profile{
        {u"name"_s, u"demo"_s},
        {u"etcd"_s, QJsonObject{{u"endpoints"_s, QJsonArray{m_etcd.clientUrl()}}, {u"api"_s, u"auto"_s}}},
        {u"prefix"_s, u"/test/"_s},
        {u"sshConfigFile"_s, sshConfig},
        {u"nodes"_s,
         QJsonArray{QJsonObject{{u"name"_s, u"node-b"_s},
                                {u"publishAddress"_s, u"127.0.1.3"_s},
                                {u"dockerEndpoint"_s, u"ssh://%1@127.0.0.1:%2%3"_s.arg(m_ssh.user())
                                                          .arg(m_ssh.port())
                                                          .arg(m_docker.socketPath())}},
                    QJsonObject{{u"name"_s, u"node-c"_s},
                                {u"publishAddress"_s, u"127.0.1.2"_s},
                                {u"dockerEndpoint"_s, m_docker.host()}}}},
        {u"backends"_s, QJsonObject{{u"image"_s, DockerDaemon::backendImage()},
                                    {u"containerPort"_s, 80},
                                    {u"namePattern"_s, u"apache-%1"_s}}},
        {u"balancer"_s, QJsonObject{{u"engine"_s, u"remote"_s},
                                    {u"engineStatusUrl"_s, u"http://127.0.0.1:%1"_s.arg(m_engineStatusPort)},
                                    {u"nginxUrl"_s, u"http://127.0.0.1:%1"_s.arg(m_nginx.port())}}},
    };
    return writeFile(profileFile(), QJsonDocument(profile).toJson()) ? QString()
                                                                     : u"cannot write the profile"_s;
}

void DemoCluster::startLoad(int perSecond)
{
    m_load.stop();
    if (perSecond <= 0)
        return;
    m_loadRate = perSecond;
    m_load.setInterval(std::max(1, 1000 / perSecond));
    QObject::disconnect(&m_load, nullptr, nullptr, nullptr);
    QObject::connect(&m_load, &QTimer::timeout, &m_load, [this] {
        // Fire and forget, never blocking: the socket deletes itself once nginx has answered.
        auto* s = new QTcpSocket(&m_load);
        QObject::connect(s, &QTcpSocket::connected, s,
                         [s] { s->write("GET / HTTP/1.0\r\nHost: demo\r\n\r\n"); });
        QObject::connect(s, &QTcpSocket::readyRead, s, [s] { s->readAll(); });
        QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        QObject::connect(s, &QTcpSocket::errorOccurred, s, &QObject::deleteLater);
        s->connectToHost(u"127.0.0.1"_s, m_nginx.port());
    });
    m_load.start();
}

QString DemoCluster::summary() const
{
    return u"demo cluster up:\n"
           u"  etcd        %1 (the seed's keys under /test/)\n"
           u"  backends    apache-8001 on 127.0.1.3:8001, apache-8002 on 127.0.1.2:8002 (Docker, %2)\n"
           u"  nginx       http://127.0.0.1:%3/ (load balancer, config written by lbdeck-engine)\n"
           u"  engine      http://127.0.0.1:%4/status\n"
           u"  node-b      over ssh:// to 127.0.0.1:%5; node-c over the local Docker socket\n"
           u"  traffic     %6\n"_s.arg(m_etcd.clientUrl(), m_docker.host())
               .arg(m_nginx.port())
               .arg(m_engineStatusPort)
               .arg(m_ssh.port())
               .arg(m_loadRate > 0
                        ? u"%1 requests/s through nginx, for the Traffic view (--load N)"_s.arg(m_loadRate)
                        : u"none generated; curl http://127.0.0.1:%1/ to see some"_s.arg(m_nginx.port()));
}

} // namespace lbdeck::testbed
