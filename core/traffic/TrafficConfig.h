// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QList>
#include <QString>

#include <cstddef>

namespace lbdeck::traffic {

// The engine's [traffic] section: tcpdump-style counting on the load balancer, and nginx's own
// per-request numbers over a unix datagram socket.
struct TrafficConfig
{
    bool capture = true; // libpcap counting; needs root or cap_net_raw,cap_net_admin
    // The interface to capture on; empty: the one that routes to the backends (lo for loopback
    // backends). "any" is allowed: bridged container traffic is then seen twice.
    QString interface;
    int bufferSizeBytes = 4 * 1024 * 1024;
    std::size_t flowCapacity = 0; // 0: 128 flows per upstream, at least 4096 (TrafficCounters)
    int linesPerSecond = 100;     // the tcpdump line feed's rate limit
    // nginx's listening ports, for the top client addresses; empty: the built-in target's listen.
    QList<quint16> frontPorts;
    // The socket the built-in template's access_log sends to; empty: no layer-7 numbers.
    QString accessLogSocket;
    // Senders accepted on it besides the engine's own uid (nginx's worker user).
    QList<quint32> accessLogUids;
    QString accessLogUser; // a user name, resolved to a uid at start (e.g. "www-data")
};

} // namespace lbdeck::traffic
