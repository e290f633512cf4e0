// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerStreamDemux.h"

#include <QtEndian>

using namespace Qt::StringLiterals;

namespace lbdeck::docker {

namespace {
constexpr qsizetype HeaderSize = 8;
}

Result<StreamOutput> demultiplex(const QByteArray& stream)
{
    StreamOutput out;
    qsizetype pos = 0;
    while (pos < stream.size()) {
        if (stream.size() - pos < HeaderSize)
            return makeError(ErrorCode::Protocol,
                             u"multiplexed stream ends inside a frame header at byte %1"_s.arg(pos));
        const auto* header = reinterpret_cast<const uchar*>(stream.constData() + pos);
        const uchar kind = header[0];
        // Non-zero padding means this is not a multiplexed stream at all (a TTY's raw output).
        if (header[1] != 0 || header[2] != 0 || header[3] != 0 || kind > 3)
            return makeError(ErrorCode::Protocol,
                             u"not a multiplexed stream: bad frame header at byte %1"_s.arg(pos));
        const quint32 size = qFromBigEndian<quint32>(header + 4);
        pos += HeaderSize;
        if (qint64(size) > qint64(stream.size() - pos))
            return makeError(ErrorCode::Protocol, u"multiplexed stream ends inside a frame of %1 bytes at "
                                                  u"byte %2"_s.arg(size)
                                                      .arg(pos - HeaderSize));
        const QByteArray payload = stream.mid(pos, qsizetype(size));
        pos += qsizetype(size);
        switch (kind) {
        case 0:
        case 1:
            out.stdOut += payload;
            break;
        case 2:
            out.stdErr += payload;
            break;
        default:
            return makeError(ErrorCode::Unavailable,
                             u"Docker reported: %1"_s.arg(QString::fromUtf8(payload.left(500)).trimmed()));
        }
    }
    return out;
}

} // namespace lbdeck::docker
