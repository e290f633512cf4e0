// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConnectionTest.h"

#include "EngineLink.h"
#include "NodeConnection.h"
#include "ProfileValidation.h"
#include "RemoteEngineLink.h"
#include "RemoteEngineLinks.h"
#include "core/engine/EngineConfig.h"
#include "core/etcd/EtcdConnect.h"

#include <QFileInfo>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString unknownHostKey(const QString& type, const QString& host, const QString& fingerprint)
{
    return u"the %1 host key of %2 (%3) is not known yet: it is reviewed and accepted when the cluster is "
           u"opened, never by a test"_s.arg(type, host, fingerprint);
}

} // namespace

ConnectionTest::ConnectionTest(ClusterProfile profile, QString etcdPassword, QObject* parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_password(std::move(etcdPassword))
{}

ConnectionTest::~ConnectionTest()
{
    cancel(); // before the members the callbacks use are gone
}

bool ConnectionTest::isFinished() const
{
    return !m_canceled && std::none_of(m_checks.cbegin(), m_checks.cend(),
                                       [](const Check& c) { return c.state == Check::State::Running; });
}

int ConnectionTest::add(const QString& subject)
{
    m_checks.append(Check{subject, Check::State::Running, 0, QString()});
    m_runs.append(Run{});
    return int(m_checks.size()) - 1;
}

QObject* ConnectionTest::begin(int index)
{
    Run& run = m_runs[index];
    run.scope = new QObject(this);
    run.clock.start();
    QTimer::singleShot(m_timeout, run.scope, [this, index] {
        complete(index, false, u"no answer within %1 s"_s.arg(double(m_timeout.count()) / 1000.0));
    });
    return run.scope;
}

void ConnectionTest::complete(int index, bool passed, const QString& detail)
{
    Check& check = m_checks[index];
    if (m_canceled || check.state != Check::State::Running)
        return;
    Run& run = m_runs[index];
    check.state = passed ? Check::State::Passed : Check::State::Failed;
    check.elapsedMs = run.clock.isValid() ? run.clock.elapsed() : 0;
    check.detail = detail;
    if (run.scope) // later: this may run inside a signal of one of its children
        std::exchange(run.scope, nullptr)->deleteLater();
    Q_EMIT checkChanged(index);
    if (isFinished())
        Q_EMIT finished();
}

void ConnectionTest::cancel()
{
    m_canceled = true;
    for (Run& run : m_runs)
        delete std::exchange(run.scope, nullptr); // aborts its requests, stops its ssh
}

void ConnectionTest::start()
{
    m_canceled = false;
    m_checks.clear();
    m_runs.clear();
    QList<std::function<void()>> starts;
    const QStringList endpoints = m_profile.etcd.endpoints;
    if (endpoints.isEmpty()) {
        add(u"etcd"_s);
    }
    for (const QString& e : endpoints) {
        const int i = add(u"etcd %1"_s.arg(e));
        starts << [this, i, e] { checkEtcd(i, e); };
    }
    for (const NodeProfile& n : std::as_const(m_profile.nodes)) {
        const int i = add(u"node %1: Docker at %2"_s.arg(n.name, n.dockerEndpoint));
        starts << [this, i, n] { checkNode(i, n); };
    }
    for (const BalancerProfile& lb : std::as_const(m_profile.balancers)) {
        if (lb.engine != BalancerProfile::Engine::Embedded && lb.engineStatusUrl.isEmpty())
            continue;
        const QString who = m_profile.balancers.size() > 1 ? lb.name + u": "_s : QString();
        const int i = add(lb.engine == BalancerProfile::Engine::Embedded
                              ? u"%1engine config %2"_s.arg(who, lb.engineConfigFile)
                          : lb.engineSsh.isEmpty()
                              ? u"%1engine %2"_s.arg(who, lb.engineStatusUrl)
                              : u"%1engine %2 through %3"_s.arg(who, lb.engineStatusUrl, lb.engineSsh));
        starts << [this, i, lb] { checkEngine(i, lb); };
    }
    Q_EMIT checksListed();
    if (endpoints.isEmpty())
        complete(0, false, u"no etcd endpoint given"_s);
    for (const std::function<void()>& s : std::as_const(starts))
        s();
}

void ConnectionTest::checkEtcd(int index, const QString& endpoint)
{
    if (Result<void> ok = profilecheck::etcdEndpoint(endpoint); !ok) {
        complete(index, false, ok.error().message);
        return;
    }
    QObject* scope = begin(index);
    EtcdConfig config = m_profile.etcd;
    config.endpoints = {endpoint}; // one line per endpoint: no failover to hide a dead one
    config.timeout = m_timeout;
    connectEtcd(
        config, m_password, scope,
        [this, index, scope](const Result<EtcdKv*>& kv) {
            if (!kv) {
                complete(index, false, kv.error().toString());
                return;
            }
            EtcdKv* client = *kv;
            client->members(scope, [this, index, client](const Result<QList<EtcdMember>>& members) {
                if (!members) {
                    complete(index, false, members.error().toString());
                    return;
                }
                QStringList names;
                for (const EtcdMember& m : *members)
                    names << (m.name.isEmpty() ? QString::number(m.id, 16) : m.name);
                complete(index, true,
                         u"%1, %2 member(s): %3"_s.arg(client->describe(), QString::number(names.size()),
                                                       names.join(u", "_s)));
            });
        },
        scope);
}

void ConnectionTest::checkNode(int index, const NodeProfile& node)
{
    if (Result<void> ok = profilecheck::dockerEndpoint(node.dockerEndpoint); !ok) {
        complete(index, false, ok.error().message);
        return;
    }
    const QString endpoint = node.dockerEndpoint.trimmed();
    if (endpoint.startsWith(u"unix://"_s) && !QFileInfo::exists(endpoint.mid(7))) {
        // Said plainly: the socket layer only reports an "invalid name".
        complete(index, false,
                 u"no socket at %1 — is dockerd running on this machine?"_s.arg(endpoint.mid(7)));
        return;
    }
    QObject* scope = begin(index);
    // No askpass server: ssh runs in BatchMode, so a test never prompts.
    auto* connection = new NodeConnection(node, sshOptions(), scope);
    connect(connection, &NodeConnection::stateChanged, scope,
            [this, index](NodeConnection::State state, const QString& detail) {
                if (state == NodeConnection::State::Ready)
                    complete(index, true, detail);
                else if (state == NodeConnection::State::Failed)
                    complete(index, false, detail);
            });
    connect(connection, &NodeConnection::hostKeyUnknown, scope,
            [this, index, connection](const QString& host, const QString& type, const QString& fingerprint) {
                connection->approveHostKey(false);
                complete(index, false, unknownHostKey(type, host, fingerprint));
            });
    connection->start();
}

SshTunnelOptions ConnectionTest::sshOptions() const
{
    SshTunnelOptions ssh = m_sshOptions;
    if (!m_profile.sshConfigFile.isEmpty())
        ssh.extraArgs << u"-F"_s << m_profile.sshConfigFile;
    return ssh;
}

void ConnectionTest::checkEngine(int index, const BalancerProfile& lb)
{
    if (lb.engine == BalancerProfile::Engine::Embedded) {
        if (Result<void> ok = profilecheck::engineConfigFile(lb.engineConfigFile); !ok) {
            complete(index, false, ok.error().message);
            return;
        }
        QObject* scope = begin(index);
        const QString file = lb.engineConfigFile;
        // A local file read; queued so that every line is listed before any is answered.
        QMetaObject::invokeMethod(
            scope,
            [this, index, file] {
                Result<EngineConfig> config = EngineConfig::load(file);
                if (!config) {
                    complete(index, false, config.error().toString());
                    return;
                }
                complete(index, true,
                         config->confdir.isEmpty()
                             ? u"the engine inside lbdeck will write %1"_s.arg(config->nginx.dest)
                             : u"the engine inside lbdeck will use the confd resources in %1"_s.arg(
                                   config->confdir));
            },
            Qt::QueuedConnection);
        return;
    }
    if (const QStringList problems = profilecheck::balancers({lb}); !problems.isEmpty()) {
        complete(index, false, problems.join(u"; "_s));
        return;
    }
    QObject* scope = begin(index);
    // Polls once within the deadline; the scope ends it after the answer.
    Result<EngineLink*> made = makeRemoteEngineLink(lb, sshOptions(), nullptr, m_timeout * 2, scope);
    if (!made) {
        complete(index, false, made.error().message);
        return;
    }
    EngineLink* link = *made;
    connect(link, &EngineLink::updated, scope, [this, index, link] {
        complete(index, true,
                 u"%1, config %2, %3 reload(s)"_s.arg(link->describe(), link->configHash().left(12),
                                                      QString::number(link->reloads())));
    });
    connect(link, &EngineLink::reachabilityChanged, scope, [this, index](bool up, const QString& error) {
        if (!up)
            complete(index, false, error);
    });
    if (auto* remote = qobject_cast<RemoteEngineLink*>(link))
        connect(remote, &RemoteEngineLink::hostKeyUnknown, scope,
                [this, index, remote](const QString& host, const QString& type, const QString& fingerprint) {
                    remote->approveHostKey(false);
                    complete(index, false, unknownHostKey(type, host, fingerprint));
                });
}

} // namespace lbdeck
