// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerLogFrames.h"

#include <QtEndian>

using namespace Qt::StringLiterals;

namespace lbdeck::docker {

namespace {
constexpr qsizetype HeaderSize = 8;
// A line without a newline this long is shown in pieces rather than held forever.
constexpr qsizetype MaxLineBytes = 64 * 1024;
// Docker caps a frame at 32 KiB in practice; anything near this is not a log stream.
constexpr quint32 MaxFrameBytes = 16 * 1024 * 1024;
} // namespace

LogLine LogFrameDecoder::parseLine(const QByteArray& raw, LogLine::Stream stream, bool timestamps)
{
    QByteArray line = raw;
    if (line.endsWith('\r'))
        line.chop(1);
    LogLine out;
    out.stream = stream;
    if (timestamps) {
        const qsizetype space = line.indexOf(' ');
        if (space > 0) {
            const QByteArray stamp = line.left(space);
            // Qt keeps milliseconds; the nanoseconds are read here, for resuming exactly.
            const qsizetype dot = stamp.indexOf('.');
            const qsizetype zone = stamp.indexOf('Z');
            QByteArray whole = stamp;
            qint64 nanos = 0;
            if (dot > 0 && zone > dot) {
                QByteArray fraction = stamp.mid(dot + 1, zone - dot - 1).left(9);
                bool digits = !fraction.isEmpty();
                for (char c : std::as_const(fraction))
                    digits = digits && c >= '0' && c <= '9';
                if (digits) {
                    nanos = fraction.leftJustified(9, '0').toLongLong();
                    whole = stamp.left(dot) + stamp.mid(zone);
                }
            }
            const QDateTime t = QDateTime::fromString(QString::fromLatin1(whole), Qt::ISODate);
            if (t.isValid()) {
                out.time = t.toUTC().addMSecs(nanos / 1000000);
                out.timeNano = t.toSecsSinceEpoch() * 1000000000LL + nanos;
                line = line.mid(space + 1);
            }
        }
    }
    out.text = QString::fromUtf8(line);
    return out;
}

void LogFrameDecoder::takeLines(QByteArray& partial, const QByteArray& payload, LogLine::Stream stream,
                                QList<LogLine>& out) const
{
    partial += payload;
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = partial.indexOf('\n', start);
        if (nl < 0)
            break;
        out.append(parseLine(partial.mid(start, nl - start), stream, m_timestamps));
        start = nl + 1;
    }
    partial.remove(0, start);
    while (partial.size() > MaxLineBytes) {
        out.append(parseLine(partial.left(MaxLineBytes), stream, false));
        partial.remove(0, MaxLineBytes);
    }
}

Result<QList<LogLine>> LogFrameDecoder::feed(const QByteArray& bytes)
{
    if (m_broken)
        return makeError(ErrorCode::Protocol, u"the log stream is out of step; follow it again"_s);
    QList<LogLine> out;
    if (m_tty) {
        takeLines(m_partialOut, bytes, LogLine::Stream::StdOut, out);
        return out;
    }
    m_frame += bytes;
    qsizetype pos = 0;
    while (m_frame.size() - pos >= HeaderSize) {
        const auto* header = reinterpret_cast<const uchar*>(m_frame.constData() + pos);
        const uchar kind = header[0];
        const quint32 size = qFromBigEndian<quint32>(header + 4);
        if (header[1] != 0 || header[2] != 0 || header[3] != 0 || kind > 3 || size > MaxFrameBytes) {
            m_broken = true;
            return makeError(ErrorCode::Protocol, u"not a multiplexed log stream: bad frame header"_s);
        }
        if (qint64(m_frame.size() - pos - HeaderSize) < qint64(size))
            break; // the rest of this frame is still on its way
        const QByteArray payload = m_frame.mid(pos + HeaderSize, qsizetype(size));
        pos += HeaderSize + qsizetype(size);
        if (kind == 3) {
            m_broken = true;
            return makeError(ErrorCode::Unavailable,
                             u"Docker reported: %1"_s.arg(QString::fromUtf8(payload.left(500)).trimmed()));
        }
        if (kind == 2)
            takeLines(m_partialErr, payload, LogLine::Stream::StdErr, out);
        else
            takeLines(m_partialOut, payload, LogLine::Stream::StdOut, out);
    }
    m_frame.remove(0, pos);
    return out;
}

QList<LogLine> LogFrameDecoder::flush()
{
    QList<LogLine> out;
    if (!m_partialOut.isEmpty())
        out.append(parseLine(std::exchange(m_partialOut, {}), LogLine::Stream::StdOut, m_timestamps));
    if (!m_partialErr.isEmpty())
        out.append(parseLine(std::exchange(m_partialErr, {}), LogLine::Stream::StdErr, m_timestamps));
    return out;
}

void LogFrameDecoder::reset()
{
    m_broken = false;
    m_frame.clear();
    m_partialOut.clear();
    m_partialErr.clear();
}

} // namespace lbdeck::docker
