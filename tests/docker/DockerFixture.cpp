// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerFixture.h"

#include <functional>

#include "tests/support/Await.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace lbdeck::test {

namespace {
// Generous: the daemon answers a stop only after the grace period, and CI machines are slow.
constexpr int CallTimeoutMs = 90000;
} // namespace

ContainerSpec backendSpec(const QString& name, const QString& ip, quint16 port, const QString& runLabel)
{
    ContainerSpec spec;
    spec.image = testbed::DockerDaemon::backendImage();
    spec.cmd = {u"/bin/busybox"_s, u"sh"_s, u"-c"_s,
                u"trap 'exit 143' TERM; "
                u"echo \"<h1>Running from Docker on lbdeck: $LBDECK_BACKEND</h1>\" > /www/index.html; "
                u"/bin/busybox httpd -f -p 80 -h /www & wait"_s};
    spec.env = {u"LBDECK_BACKEND="_s + name};
    spec.labels = {
        {u"lbdeck.test"_s, runLabel}, {u"lbdeck.backend"_s, name}, {u"lbdeck.port"_s, QString::number(port)}};
    spec.hostname = name;
    spec.ports = {PortBinding{ip, port, 80, u"tcp"_s}};
    return spec;
}

QByteArray pageAt(const QString& ip, quint16 port)
{
    QByteArray body;
    return testbed::httpGet(ip, port, "/", &body) == 200 ? body : QByteArray();
}

QString DockerFixture::startDocker(const QString& sharedIp)
{
    m_daemon = std::make_unique<testbed::DockerDaemon>();
    for (const auto& step : {std::function<QString()>([this] { return m_daemon->start(); }),
                             std::function<QString()>([this] { return m_daemon->buildBackendImage(); }),
                             std::function<QString()>([this] { return m_daemon->buildNginxImage(); })}) {
        if (const QString e = step(); !e.isEmpty())
            return e;
    }
    m_client = std::make_unique<DockerClient>(HttpEndpoint::unixSocket(m_daemon->socketPath()));
    m_runLabel = u"run-%1"_s.arg(QCoreApplication::applicationPid());
    if (sharedIp.isEmpty())
        return {};
    const auto [name, port] = runBackend(sharedIp);
    if (port == 0)
        return name;
    m_shared = name;
    m_sharedIp = sharedIp;
    m_sharedPort = port;
    return {};
}

void DockerFixture::removeCreated()
{
    if (!m_daemon || !m_daemon->isRunning() || m_created.isEmpty())
        return;
    // Some are gone already; the rest must not outlive the test.
    m_daemon->docker(QStringList{u"rm"_s, u"-f"_s} + std::exchange(m_created, {}));
}

Result<QString> DockerFixture::create(const QString& name, const ContainerSpec& spec)
{
    auto r = await<QString>(
        [&](QObject* ctx, Callback<QString> cb) { m_client->createContainer(name, spec, ctx, cb); },
        CallTimeoutMs);
    if (r)
        m_created << name;
    return r;
}

Result<void> DockerFixture::start(const QString& container)
{
    return await<void>([&](QObject* ctx, Callback<void> cb) { m_client->startContainer(container, ctx, cb); },
                       CallTimeoutMs);
}

Result<void> DockerFixture::stop(const QString& container, int seconds)
{
    return await<void>(
        [&](QObject* ctx, Callback<void> cb) { m_client->stopContainer(container, seconds, ctx, cb); },
        CallTimeoutMs);
}

Result<void> DockerFixture::kill(const QString& container, const QString& signal)
{
    return await<void>(
        [&](QObject* ctx, Callback<void> cb) { m_client->killContainer(container, signal, ctx, cb); },
        CallTimeoutMs);
}

Result<void> DockerFixture::remove(const QString& container, bool force)
{
    return await<void>(
        [&](QObject* ctx, Callback<void> cb) { m_client->removeContainer(container, force, false, ctx, cb); },
        CallTimeoutMs);
}

Result<ContainerInfo> DockerFixture::inspect(const QString& container)
{
    return await<ContainerInfo>(
        [&](QObject* ctx, Callback<ContainerInfo> cb) { m_client->inspectContainer(container, ctx, cb); },
        CallTimeoutMs);
}

Result<StreamOutput> DockerFixture::logs(const QString& container, int tail)
{
    return await<StreamOutput>(
        [&](QObject* ctx, Callback<StreamOutput> cb) { m_client->containerLogs(container, tail, ctx, cb); },
        CallTimeoutMs);
}

Result<ExecResult> DockerFixture::exec(const QString& container, const QStringList& cmd)
{
    return await<ExecResult>(
        [&](QObject* ctx, Callback<ExecResult> cb) { m_client->exec(container, cmd, ctx, cb); },
        CallTimeoutMs);
}

Result<void> DockerFixture::putArchive(const QString& container, const QString& dir, const QByteArray& tar)
{
    return await<void>(
        [&](QObject* ctx, Callback<void> cb) { m_client->putArchive(container, dir, tar, ctx, cb); },
        CallTimeoutMs);
}

std::pair<QString, quint16> DockerFixture::runBackend(const QString& ip)
{
    const quint16 port = testbed::freePort();
    const QString name = u"apache-%1"_s.arg(port);
    if (const Result<QString> id = create(name, backendSpec(name, ip, port, m_runLabel)); !id)
        return {id.error().toString(), 0};
    if (const Result<void> s = start(name); !s)
        return {s.error().toString(), 0};
    if (!testbed::waitUntil([&] { return pageAt(ip, port).contains(name.toUtf8()); },
                            std::chrono::seconds(20)))
        return {u"%1 does not serve on %2:%3"_s.arg(name, ip).arg(port), 0};
    return {name, port};
}

} // namespace lbdeck::test
