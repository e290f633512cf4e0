// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/PacketDecoder.h"

#include <QString>

#include <cstdint>

namespace lbdeck::traffic {

// One packet as `tcpdump -q -n` prints it for TCP over IPv4/IPv6, in local time (TZ):
// "12:00:01.123456 IP 127.0.1.1.53412 > 127.0.1.3.8001: tcp 0" ("IP6" and "::1.53412" for IPv6).
QString tcpdumpLine(std::int64_t seconds, std::int64_t microseconds, const TcpPacket& packet);

} // namespace lbdeck::traffic
