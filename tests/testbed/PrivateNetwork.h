// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

namespace lbdeck::testbed {

// Moves the calling process (call it first in main, before any thread starts) into a network
// namespace of its own with lo up: every service a test starts after it, and every packet they
// exchange, is then the test's alone — a capture on lo sees no one else, and sysctls under
// net.* (net.unix.max_dgram_qlen) can be set without touching the host. Needs root. "" or what
// failed.
QString enterPrivateNetwork();

// Writes a sysctl of the current network namespace, e.g. ("net/unix/max_dgram_qlen", "512").
QString setNetSysctl(const QString& path, const QByteArray& value);

} // namespace lbdeck::testbed
