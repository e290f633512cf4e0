// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace lbdeck::traffic {

// The small, coarse kernel filter: "tcp and (port A or port B ...)". The exact upstream set is
// matched in user space (TrafficCounters), so the kernel program stays short: past MaxFilterTerms
// distinct ports (1,000 backends, each on its own port as in the seed) the ports become at most
// that many port ranges, closing the narrowest gaps first. pcap_compile of a thousand "or" terms
// takes over a minute and yields a program the kernel refuses. No ports: "tcp and port 0"
// (captures nothing useful, still valid BPF).
// inboundOnly (loopback interfaces only): "inbound and ..." first. On lo the kernel hands every packet
// over twice, as it leaves and as it arrives, and libpcap throws the outgoing copy away after it
// crossed the ring; the kernel can drop it instead. Never on another interface or "any", where the
// outgoing packets are the balancer's own traffic to the backends.
constexpr size_t MaxFilterTerms = 16;
QString captureFilter(const std::vector<std::uint16_t>& ports, bool inboundOnly = false);

} // namespace lbdeck::traffic
