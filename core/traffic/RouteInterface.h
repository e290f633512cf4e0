// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/IpEndpoint.h"

#include <QString>

#include <vector>

namespace lbdeck::traffic {

// The interface the kernel routes these addresses over, as the capture default: "lo" when every
// one is a loopback or local address, else the IPv4 main table's longest match (/proc/net/route)
// for the first; "any" when there is no answer (then `why` says so).
QString routeInterface(const std::vector<IpEndpoint>& upstreams, QString* why = nullptr);
// Whether the kernel flags this interface IFF_LOOPBACK (lo, or a loopback under another name);
// false for "any", an unknown name or a failed query.
bool isLoopbackInterface(const QString& name);

} // namespace lbdeck::traffic
