// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace lbdeck::traffic {

// The small, coarse kernel filter: "tcp and (port A or port B ...)". The exact upstream set is
// matched in user space (TrafficCounters), so the kernel program stays short at 1,000 backends
// that share a few ports. No ports: "tcp and port 0" (captures nothing useful, still valid BPF).
QString captureFilter(const std::vector<std::uint16_t>& ports);

} // namespace lbdeck::traffic
