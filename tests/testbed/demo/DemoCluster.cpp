// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DemoCluster.h"

#include "core/cluster/BackendOperation.h"
#include "core/cluster/BackendService.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/NodeConnection.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace lbdeck::testbed {

namespace {

bool writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

// The seed's units: which backend runs where (apache@8001 on core-c, apache@8002 on core-b).
const QList<std::pair<QString, quint16>>& seedBackends()
{
    static const QList<std::pair<QString, quint16>> b{{u"core-c"_s, 8001}, {u"core-b"_s, 8002}};
    return b;
}

} // namespace

DemoCluster::DemoCluster()
{
    for (const auto& [name, address] :
         {std::pair{u"core-a"_s, u"127.0.1.1"_s}, std::pair{u"core-b"_s, u"127.0.1.2"_s},
          std::pair{u"core-c"_s, u"127.0.1.3"_s}}) {
        auto node = std::make_unique<Node>();
        node->name = name;
        node->address = address;
        node->ssh.setAddress(address);
        m_nodes.push_back(std::move(node));
    }
}

// Stopped in order: the engine, then each node's containers and dockerd, sshd, then etcd.
DemoCluster::~DemoCluster()
{
    m_load.stop();
    m_engine.stop();
    for (auto& n : m_nodes) {
        n->docker.stop();
        n->ssh.stop();
    }
}

QString DemoCluster::knownHostsFile() const
{
    return m_dir.filePath(u"data/lbdeck/lbdeck/known_hosts"_s);
}

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
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        // sudo drops it; lbdeck and its ssh tunnels want one (private: 0700).
        const QString runtime = m_dir.filePath(u"xdg-runtime"_s);
        QDir().mkpath(runtime);
        QFile::setPermissions(runtime,
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime));
    }
    if (QString e = m_etcd.start(); !e.isEmpty())
        return u"etcd: "_s + e;
    if (QString e = startNodes(); !e.isEmpty())
        return e;
    if (QString e = startNginx(); !e.isEmpty())
        return e;
    if (QString e = writeEngineConfig(); !e.isEmpty())
        return e;
    if (!m_engine.start(binDir + u"/lbdeck-engine"_s, {u"-c"_s, m_dir.filePath(u"engine.toml"_s)},
                        m_dir.filePath(u"engine.log"_s)))
        return m_engine.error();
    if (!waitUntil(
            [this] { return httpGet(u"127.0.0.1"_s, m_engineStatusPort, "/status", nullptr, 300) == 200; },
            std::chrono::seconds(15)))
        return u"lbdeck-engine did not answer:\n"_s + m_engine.logTail();
    if (QString e = writeProfile(); !e.isEmpty())
        return e;
    return startBackends();
}

QString DemoCluster::startNodes()
{
    for (auto& n : m_nodes) {
        if (QString e = n->docker.start(); !e.isEmpty())
            return u"%1: dockerd: %2"_s.arg(n->name, e);
        if (QString e = n->ssh.start(); !e.isEmpty())
            return u"%1: sshd: %2"_s.arg(n->name, e);
        const bool balancer = n->name == u"core-a"_s;
        if (QString e = balancer ? QString() : n->docker.buildBackendImage(); !e.isEmpty())
            return u"%1: backend image: %2"_s.arg(n->name, e);
    }
    return {};
}

// The seed's node A: a data volume holding /etc/nginx, and nginx using it, on the host's network
// so that it reaches the backends on 127.0.1.x.
QString DemoCluster::startNginx()
{
    Node& a = *m_nodes.front();
    m_nginxPort = freePort();
    m_nginxStatusPort = freePort();
    if (QString e = a.docker.buildNginxImage(u"%1:%2"_s.arg(a.address).arg(m_nginxPort)); !e.isEmpty())
        return u"core-a: nginx image: "_s + e;
    const QString run = m_dir.filePath(u"run"_s); // the access-log socket, the same path on both sides
    QDir().mkpath(run);
    if (QString e = a.docker.docker({u"volume"_s, u"create"_s, u"conf-data"_s}); !e.isEmpty())
        return u"core-a: conf-data volume: "_s + e;
    if (QString e = a.docker.docker({u"run"_s, u"-d"_s, u"--name"_s, u"nginx"_s, u"--network"_s, u"host"_s,
                                     u"-v"_s, u"conf-data:/etc/nginx"_s, u"-v"_s, run + u':' + run,
                                     DockerDaemon::nginxImage()});
        !e.isEmpty())
        return u"core-a: nginx container: "_s + e;
    if (!waitUntil([&] { return httpGet(a.address, m_nginxPort, "/", nullptr, 300) == 200; },
                   std::chrono::seconds(15)))
        return u"core-a: nginx in its container did not answer on %1:%2"_s.arg(a.address).arg(m_nginxPort);
    return {};
}

QString DemoCluster::writeEngineConfig()
{
    const Node& a = *m_nodes.front();
    m_engineStatusPort = freePort();
    const QString toml =
        u"# lbdeck-engine for the demo: the seed's confd on core-a, deploying into the nginx container.\n"
        u"[etcd]\nendpoints = [\"%1\"]\n\n[[source]]\nprefix = \"/test/\"\n\n"
        u"[engine]\nstatus_listen = \"127.0.0.1:%2\"\n\n"
        u"[nginx]\ncontainer = \"nginx\"\ndocker = \"%3\"\ndest = \"/etc/nginx/nginx.conf\"\n"
        u"pid_file = \"/run/nginx.pid\"\nerror_log = \"/var/log/nginx/error.log\"\nuser = \"www-data\"\n"
        u"listen = \"%4:%5\"\nstatus_listen = \"%4:%6\"\n\n"
        u"[traffic]\ninterface = \"lo\"\naccess_log_socket = \"%7\"\n"_s.arg(m_etcd.clientUrl())
            .arg(m_engineStatusPort)
            .arg(a.docker.host(), a.address)
            .arg(m_nginxPort)
            .arg(m_nginxStatusPort)
            .arg(m_dir.filePath(u"run/access.sock"_s));
    return writeFile(m_dir.filePath(u"engine.toml"_s), toml.toUtf8()) ? QString()
                                                                      : u"cannot write engine.toml"_s;
}

QString DemoCluster::writeProfile()
{
    // Each sshd has its own client key; lbdeck's own known_hosts already trusts every host key.
    QByteArray sshConfig;
    QByteArray knownHosts;
    QJsonArray nodes;
    for (const auto& n : m_nodes) {
        sshConfig +=
            u"Host %1\n    IdentityFile %2\n    IdentitiesOnly yes\n"_s.arg(n->address, n->ssh.clientKey())
                .toUtf8();
        knownHosts += n->ssh.knownHostsLine().toUtf8() + '\n';
        QJsonObject node{{u"name"_s, n->name},
                         {u"publishAddress"_s, n->address},
                         {u"dockerEndpoint"_s, u"ssh://%1@%2:%3%4"_s.arg(n->ssh.user(), n->address)
                                                   .arg(n->ssh.port())
                                                   .arg(n->docker.socketPath())}};
        if (n.get() == m_nodes.front().get())
            node.insert(u"noBackends"_s, true); // core-a is the load balancer, as in the seed
        nodes.append(node);
    }
    const QString sshConfigFile = m_dir.filePath(u"ssh_config"_s);
    if (!writeFile(sshConfigFile, sshConfig) || !writeFile(knownHostsFile(), knownHosts))
        return u"cannot write the ssh config"_s;
    const auto& lb = *m_nodes.front();
    const QJsonObject profile{
        {u"formatVersion"_s, 2},
        {u"name"_s, u"demo"_s},
        {u"etcd"_s, QJsonObject{{u"endpoints"_s, QJsonArray{m_etcd.clientUrl()}}, {u"api"_s, u"auto"_s}}},
        {u"prefix"_s, u"/test/"_s},
        {u"sshConfigFile"_s, sshConfigFile},
        {u"nodes"_s, nodes},
        {u"backends"_s, QJsonObject{{u"image"_s, DockerDaemon::backendImage()},
                                    {u"containerPort"_s, 80},
                                    {u"namePattern"_s, u"apache-%1"_s}}},
        // core-a's engine answers on its own loopback only: reached through core-a's sshd, as
        // an operator reaches a load balancer's engine.
        {u"balancers"_s,
         QJsonArray{QJsonObject{
             {u"name"_s, lb.name},
             {u"engine"_s, u"remote"_s},
             {u"engineStatusUrl"_s, u"http://127.0.0.1:%1"_s.arg(m_engineStatusPort)},
             {u"engineSsh"_s, u"ssh://%1@%2:%3"_s.arg(lb.ssh.user(), lb.address).arg(lb.ssh.port())},
             {u"nginxUrl"_s, u"http://%1:%2"_s.arg(lb.address).arg(m_nginxPort)}}}},
    };
    return writeFile(profileFile(), QJsonDocument(profile).toJson()) ? QString()
                                                                     : u"cannot write the profile"_s;
}

// apache-8001 and apache-8002, started the way the window starts them: BackendService checks,
// creates, starts, waits until the container answers, then registers it in etcd.
QString DemoCluster::startBackends()
{
    QFile f(profileFile());
    if (!f.open(QIODevice::ReadOnly))
        return u"cannot read the demo profile"_s;
    // The session's own chatter (tunnels up, streams closed when it goes) is not the demo's news:
    // what fails comes back in the operation's result.
    QLoggingCategory::setFilterRules(u"lbdeck.*.info=false\nlbdeck.*.warning=false"_s);
    const auto restoreLogging = qScopeGuard([] { QLoggingCategory::setFilterRules(QString()); });
    ClusterSession session(ClusterProfile::fromJson(QJsonDocument::fromJson(f.readAll()).object()));
    SshTunnelOptions ssh;
    ssh.appKnownHostsFile = knownHostsFile();
    ssh.runtimeDirectory = m_dir.filePath(u"ssh-runtime"_s);
    QDir().mkpath(ssh.runtimeDirectory);
    session.setSshOptions(ssh);
    bool opened = false;
    QString failure;
    QObject::connect(&session, &ClusterSession::opened, &session, [&] { opened = true; });
    QObject::connect(&session, &ClusterSession::failed, &session,
                     [&](const Error& e) { failure = e.toString(); });
    session.open();
    const bool ready = waitUntil(
        [&] {
            if (!failure.isEmpty() || !opened)
                return !failure.isEmpty();
            for (const auto& [nodeName, port] : seedBackends()) {
                const NodeConnection* n = session.node(nodeName);
                if (!n || n->state() != NodeConnection::State::Ready)
                    return false;
            }
            return true;
        },
        std::chrono::seconds(45));
    if (!ready || !failure.isEmpty())
        return u"the demo's nodes were not reached over ssh://: %1"_s.arg(failure.isEmpty() ? u"timed out"_s
                                                                                            : failure);
    for (const auto& [nodeName, port] : seedBackends()) {
        BackendOperation* op = session.backendService()->start(session.node(nodeName), port);
        if (!waitUntil([op] { return op->isFinished(); }, std::chrono::seconds(60)))
            return u"starting apache-%1 on %2 did not finish"_s.arg(port).arg(nodeName);
        if (!op->result())
            return u"starting apache-%1 on %2: %3"_s.arg(port).arg(nodeName, op->result().error().toString());
    }
    // nginx in its container serves both once the engine has rendered and reloaded.
    const Node& a = *m_nodes.front();
    QSet<QByteArray> seen;
    const bool serving = waitUntil(
        [&] {
            QByteArray body;
            if (httpGet(a.address, m_nginxPort, "/", &body, 500) == 200) {
                for (const auto& [nodeName, port] : seedBackends()) {
                    if (body.contains("apache-" + QByteArray::number(port)))
                        seen.insert(QByteArray::number(port));
                }
            }
            return seen.size() == seedBackends().size();
        },
        std::chrono::seconds(30));
    if (!serving)
        return u"nginx on core-a did not serve both backends:\n"_s + m_engine.logTail();
    return {};
}

QJsonObject DemoCluster::state() const
{
    QJsonArray nodes;
    for (const auto& n : m_nodes)
        nodes.append(QJsonObject{{u"name"_s, n->name},
                                 {u"address"_s, n->address},
                                 {u"docker"_s, n->docker.host()},
                                 {u"sshPort"_s, n->ssh.port()}});
    return QJsonObject{
        {u"profile"_s, profileFile()},
        {u"knownHosts"_s, knownHostsFile()},
        {u"dir"_s, m_dir.path()},
        {u"etcd"_s, m_etcd.clientUrl()},
        {u"nginx"_s, u"%1:%2"_s.arg(m_nodes.front()->address).arg(m_nginxPort)},
        {u"engine"_s, u"http://127.0.0.1:%1"_s.arg(m_engineStatusPort)},
        {u"nodes"_s, nodes},
    };
}

void DemoCluster::startLoad(int perSecond)
{
    m_load.stop();
    if (perSecond <= 0)
        return;
    m_loadRate = perSecond;
    m_load.setInterval(std::max(1, 1000 / perSecond));
    QObject::disconnect(&m_load, nullptr, nullptr, nullptr);
    const QString host = m_nodes.front()->address;
    const quint16 port = m_nginxPort;
    QObject::connect(&m_load, &QTimer::timeout, &m_load, [this, host, port] {
        // Fire and forget, never blocking: the socket deletes itself once nginx has answered.
        auto* s = new QTcpSocket(&m_load);
        QObject::connect(s, &QTcpSocket::connected, s,
                         [s] { s->write("GET / HTTP/1.0\r\nHost: demo\r\n\r\n"); });
        QObject::connect(s, &QTcpSocket::readyRead, s, [s] { s->readAll(); });
        QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        QObject::connect(s, &QTcpSocket::errorOccurred, s, &QObject::deleteLater);
        s->connectToHost(host, port);
    });
    m_load.start();
}

QString DemoCluster::summary() const
{
    QString nodes;
    for (const auto& n : m_nodes)
        nodes += u"  %1      %2, its own dockerd, over ssh:// (sshd on %2:%3)\n"_s.arg(n->name, n->address)
                     .arg(n->ssh.port());
    return u"demo cluster up (the seed's three nodes):\n"
           u"  etcd        %1 (the seed's keys under /test/)\n"_s.arg(m_etcd.clientUrl()) +
           nodes +
           u"  nginx       http://%1:%2/ in a container on core-a, /etc/nginx in the conf-data volume\n"
           u"  backends    apache-8001 on core-c (127.0.1.3:8001), apache-8002 on core-b (127.0.1.2:8002)\n"
           u"  engine      http://127.0.0.1:%3/status (deploys into the container, HUPs through Docker)\n"
           u"  traffic     %4\n"_s.arg(m_nodes.front()->address)
               .arg(m_nginxPort)
               .arg(m_engineStatusPort)
               .arg(m_loadRate > 0
                        ? u"%1 requests/s through nginx, for the Traffic view (--load N)"_s.arg(m_loadRate)
                        : u"none generated; curl http://%1:%2/ to see some"_s.arg(m_nodes.front()->address)
                              .arg(m_nginxPort));
}

} // namespace lbdeck::testbed
