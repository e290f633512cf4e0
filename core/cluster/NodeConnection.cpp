// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodeConnection.h"

#include "core/docker/DockerClient.h"
#include "core/ssh/SshDestination.h"
#include "core/ssh/SshTunnel.h"
#include "core/util/Logging.h"

#include <QDir>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace lbdeck {

NodeConnection::NodeConnection(const NodeProfile& node, SshTunnelOptions sshOptions, QObject* parent)
    : QObject(parent)
    , m_node(node)
    , m_sshOptions(std::move(sshOptions))
{
    m_health.setInterval(2000);
    connect(&m_health, &QTimer::timeout, this, &NodeConnection::probe);
}

NodeConnection::~NodeConnection()
{
    stop();
}

void NodeConnection::setAskpassServer(AskpassServer* server)
{
    m_askpass = server;
}

void NodeConnection::setState(State state, const QString& detail)
{
    if (state != m_state)
        m_stateSince = QDateTime::currentDateTimeUtc();
    m_state = state;
    m_detail = detail;
    Q_EMIT stateChanged(state, detail);
}

void NodeConnection::start()
{
    stop();
    const QString endpoint = m_node.dockerEndpoint.trimmed();
    setState(State::Connecting, u"connecting to %1"_s.arg(endpoint));
    if (endpoint.startsWith(u"ssh://"_s)) {
        Result<SshDestination> dest = SshDestination::parse(endpoint);
        if (!dest) {
            setState(State::Failed, dest.error().toString());
            return;
        }
        m_tunnel = new SshTunnel(*dest, SshForward::unixSocket(dest->remoteSocket), m_sshOptions, this);
        if (m_askpass)
            m_tunnel->setAskpassServer(m_askpass);
        connect(m_tunnel, &SshTunnel::hostKeyUnknown, this, &NodeConnection::hostKeyUnknown);
        connect(m_tunnel, &SshTunnel::failed, this,
                [this](const Error& e) { setState(State::Failed, e.toString()); });
        connect(m_tunnel, &SshTunnel::stateChanged, this, [this](SshTunnel::State s, const QString& detail) {
            if (s == SshTunnel::State::Reconnecting)
                setState(State::Connecting, u"SSH tunnel reconnecting: %1"_s.arg(detail));
        });
        connect(m_tunnel, &SshTunnel::ready, this, [this](const QString& socket) {
            if (!m_docker)
                useEndpoint(HttpEndpoint::unixSocket(socket));
            else if (m_state != State::Ready)
                setState(State::Ready, u"Docker %1 over SSH"_s.arg(m_version.version));
        });
        m_tunnel->start();
        return;
    }
    if (endpoint.startsWith(u"unix://"_s)) {
        useEndpoint(HttpEndpoint::unixSocket(endpoint.mid(7)));
        return;
    }
    if (endpoint.startsWith(u"tcp://"_s)) {
        // Docker's convention: 2376 is TLS with the files of DOCKER_CERT_PATH, 2375 plain.
        const QUrl url(endpoint);
        const int port = url.port(2376);
        TlsFiles tls;
        const QString certs = qEnvironmentVariable("DOCKER_CERT_PATH", QDir::homePath() + u"/.docker"_s);
        tls.caFile = certs + u"/ca.pem"_s;
        tls.certFile = certs + u"/cert.pem"_s;
        tls.keyFile = certs + u"/key.pem"_s;
        Result<HttpEndpoint> ep = HttpEndpoint::parse(
            u"%1://%2:%3"_s.arg(port == 2375 ? u"http"_s : u"https"_s, url.host()).arg(port), tls);
        if (!ep) {
            setState(State::Failed, ep.error().toString());
            return;
        }
        useEndpoint(*ep);
        return;
    }
    setState(State::Failed,
             u"%1: a Docker endpoint is unix:///path, ssh://user@host or tcp://host:2376"_s.arg(endpoint));
}

void NodeConnection::useEndpoint(const HttpEndpoint& endpoint)
{
    m_docker = new DockerClient(endpoint, this);
    m_misses = 0;
    m_health.start();
    readVersion();
}

void NodeConnection::readVersion()
{
    m_probing = true;
    m_docker->version(this, [this](const Result<DockerVersion>& v) {
        m_probing = false;
        if (!m_docker) // stop(): the client is being deleted and cancels what it had
            return;
        if (!v) {
            if (m_state != State::Failed)
                setState(State::Failed, u"node %1: %2"_s.arg(m_node.name, v.error().toString()));
            return;
        }
        m_version = *v;
        m_misses = 0;
        setState(State::Ready, u"Docker %1%2"_s.arg(v->version, m_tunnel ? u" over SSH"_s : QString()));
    });
}

// The liveness of a link that is up: nothing else notices a dockerd that stopped or froze (an
// idle keep-alive connection says nothing), and a node that never answered is tried again.
void NodeConnection::probe()
{
    if (!m_docker || m_probing)
        return;
    // Through SSH the tunnel reports its own outages and reconnects.
    if (m_tunnel && m_tunnel->state() != SshTunnel::State::Ready)
        return;
    if (m_state != State::Ready) {
        // Tried again, less often the longer it stays down: every probe for 30 s, then every
        // other one, and so on, at most every 8th (16 s by default).
        const qint64 down = m_stateSince.secsTo(QDateTime::currentDateTimeUtc());
        if (++m_skipped < qMin<qint64>(8, qMax<qint64>(1, down / 15)))
            return;
        m_skipped = 0;
        // A ping first: it fails quietly, where a version read logs its negotiation failing.
        m_probing = true;
        m_docker->ping(this, [this](const Result<void>& r) {
            m_probing = false;
            if (r && m_docker)
                readVersion(); // answers again: Ready, with the version it runs now
        });
        return;
    }
    m_probing = true;
    m_docker->ping(this, [this](const Result<void>& r) {
        m_probing = false;
        if (!m_docker) // stop(): cancelled, not a miss
            return;
        if (r) {
            m_misses = 0;
            return;
        }
        if (++m_misses >= 2 && m_state == State::Ready)
            setState(State::Failed,
                     u"node %1: Docker stopped answering: %2"_s.arg(m_node.name, r.error().toString()));
    });
}

void NodeConnection::stop()
{
    m_health.stop();
    m_probing = false;
    delete std::exchange(m_docker, nullptr);
    if (m_tunnel) {
        m_tunnel->stop();
        delete std::exchange(m_tunnel, nullptr);
    }
    if (m_state != State::Idle)
        setState(State::Idle, QString());
}

void NodeConnection::setCordoned(bool cordoned)
{
    if (m_node.cordoned == cordoned)
        return;
    m_node.cordoned = cordoned;
    qCInfo(lcCluster) << "node" << m_node.name << (cordoned ? "cordoned" : "uncordoned");
    Q_EMIT cordonedChanged(cordoned);
}

void NodeConnection::approveHostKey(bool approve)
{
    if (m_tunnel)
        m_tunnel->approveHostKey(approve);
}

} // namespace lbdeck
