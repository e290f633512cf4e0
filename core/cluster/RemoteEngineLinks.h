// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ClusterProfile.h"
#include "core/ssh/SshTunnelOptions.h"
#include "core/util/Result.h"

#include <chrono>

class QObject;

namespace lbdeck {

class AskpassServer;
class EngineLink;

// The link to a load balancer's lbdeck-engine as its profile says: its status URL directly, or
// through an SSH tunnel to the load balancer (engineSsh) when the URL is only open there.
// Through SSH the link is a RemoteEngineLink whose hostKeyUnknown() the caller answers.
// askpass: Not owned, may be null.
Result<EngineLink*> makeRemoteEngineLink(const BalancerProfile& balancer, const SshTunnelOptions& ssh,
                                         AskpassServer* askpass, std::chrono::milliseconds interval,
                                         QObject* parent);

} // namespace lbdeck
