// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdServer.h"

#include <QDir>
#include <QProcessEnvironment>

using namespace Qt::StringLiterals;

namespace lbdeck::testbed {

EtcdServer::EtcdServer()
    : EtcdServer(Options())
{}

EtcdServer::EtcdServer(const Options& options)
    : m_options(options)
{}

EtcdServer::~EtcdServer()
{
    stop();
}

QString EtcdServer::clientUrl() const
{
    return u"%1://127.0.0.1:%2"_s.arg(m_options.tls ? u"https"_s : u"http"_s).arg(m_clientPort);
}

QString EtcdServer::peerUrl() const
{
    return u"http://127.0.0.1:%1"_s.arg(m_peerPort);
}

QString EtcdServer::start()
{
    if (QString err = launch(); !err.isEmpty())
        return err;
    return waitReady();
}

QString EtcdServer::launch()
{
    if (!m_dir.isValid())
        return u"cannot create a temporary directory"_s;
    if (m_clientPort == 0) {
        m_clientPort = m_options.clientPort ? m_options.clientPort : freePort();
        m_peerPort = m_options.peerPort ? m_options.peerPort : freePort();
        while (m_peerPort == m_clientPort)
            m_peerPort = freePort();
    }
    if (m_options.tls && m_certs.caCert.isEmpty()) {
        QDir().mkpath(m_dir.path() + u"/pki"_s);
        const QString err = Certificates::generate(m_dir.path() + u"/pki"_s, &m_certs);
        if (!err.isEmpty())
            return err;
    }
    const QString peer = peerUrl();
    QStringList args{u"--name"_s,
                     m_options.name,
                     u"--data-dir"_s,
                     dataDir(),
                     u"--listen-client-urls"_s,
                     clientUrl(),
                     u"--advertise-client-urls"_s,
                     clientUrl(),
                     u"--listen-peer-urls"_s,
                     peer,
                     u"--initial-advertise-peer-urls"_s,
                     peer,
                     u"--initial-cluster"_s,
                     m_options.initialCluster.isEmpty() ? m_options.name + u"="_s + peer
                                                        : m_options.initialCluster,
                     u"--enable-v2"_s,
                     u"--auth-token"_s,
                     u"simple"_s,
                     u"--auth-token-ttl"_s,
                     QString::number(m_options.authTokenTtl),
                     u"--logger"_s,
                     u"zap"_s,
                     u"--log-outputs"_s,
                     u"stderr"_s};
    if (m_options.tls) {
        args << u"--cert-file"_s << m_certs.serverCert << u"--key-file"_s << m_certs.serverKey
             << u"--client-cert-auth"_s << u"--trusted-ca-file"_s << m_certs.caCert;
    }
    args << m_options.extraArgs;
    if (!m_process.start(u"etcd"_s, args, m_dir.path() + u"/etcd.log"_s))
        return m_process.error();
    return QString();
}

QString EtcdServer::waitReady()
{
    if (!waitUntil([this] { return answers() || !m_process.isRunning(); }, std::chrono::seconds(30)) ||
        !m_process.isRunning()) {
        const QString log = m_process.logTail();
        m_process.stop();
        return u"etcd did not become ready on %1:\n%2"_s.arg(clientUrl(), log);
    }
    if (m_options.auth && !m_authConfigured) {
        const QString err = setupAuth();
        if (!err.isEmpty())
            return u"setting up etcd auth failed: %1"_s.arg(err);
        m_authConfigured = true;
    }
    return QString();
}

bool EtcdServer::answers() const
{
    if (!m_options.tls)
        return httpGet(u"127.0.0.1"_s, m_clientPort, "/health", nullptr, 500) == 200;
    return etcdctl({u"endpoint"_s, u"health"_s, u"--command-timeout=1s"_s}).isEmpty();
}

void EtcdServer::stop()
{
    m_process.stop();
}

void EtcdServer::kill()
{
    m_process.kill();
}

QString EtcdServer::etcdctl(const QStringList& args, QByteArray* output) const
{
    QStringList full{u"--endpoints"_s, clientUrl()};
    if (m_options.tls) {
        full << u"--cacert"_s << m_certs.caCert << u"--cert"_s << m_certs.clientCert << u"--key"_s
             << m_certs.clientKey;
    }
    if (m_authConfigured)
        full << u"--user"_s << u"root:"_s + m_options.authPassword;
    full << args;
    qputenv("ETCDCTL_API", "3");
    return runCommand(u"etcdctl"_s, full, output, 30000);
}

QString EtcdServer::setupAuth()
{
    const QString pw = m_options.authPassword;
    const QList<QStringList> steps{
        {u"user"_s, u"add"_s, u"root"_s, u"--new-user-password="_s + pw},
        {u"role"_s, u"add"_s, u"lbdeck-test"_s},
        {u"role"_s, u"grant-permission"_s, u"lbdeck-test"_s, u"readwrite"_s, u"/test/"_s, u"--prefix=true"_s},
        {u"user"_s, u"add"_s, u"lbdeck"_s, u"--new-user-password="_s + pw},
        {u"user"_s, u"grant-role"_s, u"lbdeck"_s, u"lbdeck-test"_s},
        {u"auth"_s, u"enable"_s},
    };
    for (const QStringList& step : steps) {
        const QString err = etcdctl(step);
        if (!err.isEmpty())
            return err;
    }
    return QString();
}

} // namespace lbdeck::testbed
