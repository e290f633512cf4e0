// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "RemoteEngineLinks.h"

#include "RemoteEngineLink.h"
#include "core/ssh/SshDestination.h"
#include "core/ssh/SshTunnel.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace lbdeck {

Result<EngineLink*> makeRemoteEngineLink(const BalancerProfile& balancer, const SshTunnelOptions& ssh,
                                         AskpassServer* askpass, std::chrono::milliseconds interval,
                                         QObject* parent)
{
    const QString where = u"load balancer %1"_s.arg(balancer.name);
    Result<HttpEndpoint> endpoint = HttpEndpoint::parse(balancer.engineStatusUrl);
    if (!endpoint)
        return makeError(endpoint.error().code, endpoint.error().message, where);
    if (balancer.engineSsh.trimmed().isEmpty())
        return static_cast<EngineLink*>(new RemoteEngineLink(*endpoint, interval, parent));
    Result<SshDestination> dest = SshDestination::parse(balancer.engineSsh.trimmed());
    if (!dest)
        return makeError(dest.error().code, dest.error().message, where);
    const QUrl url(balancer.engineStatusUrl);
    if (url.scheme() != u"http"_s || url.host().isEmpty())
        return makeError(ErrorCode::InvalidArgument,
                         u"through SSH the engine's status URL must be http://HOST:PORT as the load balancer "
                         u"sees it (got %1)"_s.arg(balancer.engineStatusUrl),
                         where);
    auto* tunnel = new SshTunnel(*dest, SshForward::tcp(url.host(), quint16(url.port(80))), ssh);
    if (askpass)
        tunnel->setAskpassServer(askpass);
    // An unknown host key is the caller's question (RemoteEngineLink::hostKeyUnknown): the tunnel
    // waits for its answer.
    tunnel->start(); // names its local socket, which the link's client connects to
    return static_cast<EngineLink*>(new RemoteEngineLink(tunnel, *endpoint, interval, parent));
}

} // namespace lbdeck
