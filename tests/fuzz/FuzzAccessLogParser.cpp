// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// libFuzzer target: nginx access-log datagrams come from whatever can write to the socket, so the
// parser must never crash, hang or over-read, and what it accepts must be consistent.
#include "core/traffic/AccessLogParser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char*>(data), qsizetype(size));
    const lbdeck::Result<lbdeck::traffic::AccessLogRecord> rec =
        lbdeck::traffic::AccessLogParser::parse(input);
    if (!rec.ok()) {
        if (rec.error().message.isEmpty())
            __builtin_trap(); // every refusal says why
        return 0;
    }
    if (rec->status < 0 || rec->status > 999 || rec->priority > 191 || rec->requestMs < 0 ||
        rec->bytesSent < 0)
        __builtin_trap();
    int group = 0;
    for (const lbdeck::traffic::UpstreamAttempt& a : rec->attempts) {
        if (a.address.isEmpty() || a.group < group || a.group > group + 1)
            __builtin_trap(); // groups are numbered in order, none skipped
        if (a.responseMs < lbdeck::traffic::kUnknown || a.bytesReceived < lbdeck::traffic::kUnknown)
            __builtin_trap();
        group = a.group;
    }
    (void)rec->retried();
    return 0;
}
