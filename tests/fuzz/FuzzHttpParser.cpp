// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// libFuzzer target: the HTTP/1.1 response parser must never crash, hang or over-read, whatever the
// peer sends and however TCP splits it. The first byte picks the split size.
#include "core/http/HttpResponseParser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const qsizetype step = 1 + data[0] % 64;
    const QByteArrayView input(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    lbdeck::HttpResponseParser parser(1 << 20);
    parser.reset((data[0] & 0x80) != 0);
    qsizetype pos = 0;
    while (pos < input.size() && !parser.hasError()) {
        const qsizetype n = qMin(step, input.size() - pos);
        const qsizetype used = parser.feed(input.sliced(pos, n));
        if (used < 0)
            break;
        parser.takeBody();
        if (parser.isComplete()) {
            pos += used;
            parser.reset(false); // pipelined: what is left is the next response
            continue;
        }
        if (used != n)
            __builtin_trap(); // an incomplete response must consume everything it was given
        pos += n;
    }
    parser.feedEof();
    return 0;
}
