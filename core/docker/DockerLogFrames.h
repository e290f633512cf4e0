// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace lbdeck {

// One line of a container's log, as `docker logs --timestamps` prints it.
struct LogLine
{
    enum class Stream
    {
        StdOut,
        StdErr
    };
    QDateTime time;      // invalid when the daemon sent none
    qint64 timeNano = 0; // the same, to the nanosecond Docker sent (0: none)
    Stream stream = Stream::StdOut;
    QString text; // without the newline
};

namespace docker {

// Turns the bytes of a followed log, as they arrive, into lines. Without a TTY the body is
// multiplexed (8-byte header {stream, 0, 0, 0, size big-endian} + payload, as in
// DockerStreamDemux.h) and a frame may arrive split anywhere, even inside its header; with one it
// is raw stdout. Lines carry Docker's RFC 3339 timestamp prefix ("2024-05-01T10:00:00.123456789Z ")
// when timestamps=1; a line split across frames is joined. Pure: feed() bytes, get whole lines.
class LogFrameDecoder
{
public:
    explicit LogFrameDecoder(bool tty = false, bool timestamps = true)
        : m_tty(tty)
        , m_timestamps(timestamps)
    {}

    // The lines completed by these bytes. An error (a stream that is not multiplexed, a frame
    // from the daemon reporting an error) leaves the decoder unusable: reset() or make a new one.
    Result<QList<LogLine>> feed(const QByteArray& bytes);
    // The partial lines at the end of the stream, as lines of their own.
    QList<LogLine> flush();
    void reset();
    // Bytes held: a partial frame header or payload, and partial lines.
    qsizetype pendingBytes() const { return m_frame.size() + m_partialOut.size() + m_partialErr.size(); }

    // "2024-05-01T10:00:00.123456789Z text" -> time and text (pure, public for tests).
    static LogLine parseLine(const QByteArray& line, LogLine::Stream stream, bool timestamps);

private:
    void takeLines(QByteArray& partial, const QByteArray& payload, LogLine::Stream stream,
                   QList<LogLine>& out) const;

    bool m_tty;
    bool m_timestamps;
    bool m_broken = false;
    QByteArray m_frame; // a frame not yet complete, header included
    QByteArray m_partialOut;
    QByteArray m_partialErr;
};

} // namespace docker
} // namespace lbdeck
