// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "AccessLogRecord.h"
#include "core/util/Result.h"

#include <QByteArrayView>

namespace lbdeck::traffic {

// Pure: one syslog datagram as nginx sends it, "<PRI>Mmm dd hh:mm:ss [HOST ]TAG: {json}", with the
// lbdeck_json body (AccessLogFormat.h), to a record. Lists in $upstream_* ("a, b : c") must have the
// same shape as $upstream_addr. Anything else is an Error (Protocol), never a crash.
struct AccessLogParser
{
    static constexpr qsizetype kMaxDatagram = 65536;
    // expectedTag empty: any tag.
    static Result<AccessLogRecord> parse(QByteArrayView datagram, QByteArrayView expectedTag = {});
};

namespace accesslog {
// The pieces, for tests and the fuzzer. Times: "0.123" seconds to 123 ms; "-" to kUnknown.
Result<qint64> parseSeconds(QByteArrayView text, bool allowUnknown);
Result<qint64> parseCount(QByteArrayView text, bool allowUnknown);
// $upstream_addr and its companion lists, flattened in order; statuses etc. filled by the caller.
Result<QList<UpstreamAttempt>> parseUpstreams(QByteArrayView addr, QByteArrayView status,
                                              QByteArrayView connect, QByteArrayView header,
                                              QByteArrayView response, QByteArrayView bytes);
} // namespace accesslog

} // namespace lbdeck::traffic
