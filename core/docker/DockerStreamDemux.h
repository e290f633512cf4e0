// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "DockerTypes.h"
#include "core/util/Result.h"

namespace lbdeck::docker {

// Splits Docker's multiplexed stream (logs and exec of a container without a TTY) into stdout and
// stderr. Each frame is an 8-byte header {stream, 0, 0, 0, size as 32-bit big-endian} and size
// bytes of payload; stream 0 (stdin) is written to stdout, 1 is stdout, 2 stderr, 3 an error from
// the daemon itself. Pure; a truncated or foreign stream is an error, never a guess.
Result<StreamOutput> demultiplex(const QByteArray& stream);

} // namespace lbdeck::docker
