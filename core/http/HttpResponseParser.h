// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "HttpMessage.h"

#include <QByteArrayView>
#include <QString>

namespace lbdeck {

// Incremental HTTP/1.1 response parser. Pure: bytes in, state out, no I/O. Everything it reads is
// untrusted, so every length is bounded and every malformed input ends in error(), never a crash.
class HttpResponseParser
{
public:
    static constexpr qsizetype MaxLineLength = 16 * 1024;
    static constexpr qsizetype MaxHeaderBytes = 64 * 1024;
    static constexpr int MaxHeaderCount = 200;

    explicit HttpResponseParser(qint64 maxPendingBody = 256LL * 1024 * 1024);

    // Starts a new response. A response to HEAD has no body whatever its headers say.
    void reset(bool responseToHead = false);
    // Consumes the bytes that belong to this response and returns how many that was; bytes past
    // the end of the response belong to the next one. Returns -1 once the input is malformed.
    qsizetype feed(QByteArrayView data);
    // The peer closed the connection: ends a read-until-close body, anything else is an error.
    void feedEof();

    bool headersComplete() const { return m_phase > Phase::Headers; }
    bool isComplete() const { return m_phase == Phase::Complete; }
    bool hasError() const { return m_phase == Phase::Failed; }
    const QString& errorString() const { return m_error; }

    int status() const { return m_status; }
    const QByteArray& reason() const { return m_reason; }
    const HttpHeaders& headers() const { return m_headers; }
    // Body bytes parsed since the last call (chunk framing removed).
    QByteArray takeBody();
    qint64 bodyBytesSeen() const { return m_bodySeen; }
    // Whether the connection may carry another request after this response.
    bool keepAlive() const { return m_keepAlive; }

private:
    enum class Phase
    {
        StatusLine,
        Headers,
        FixedBody,
        UntilClose,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Complete,
        Failed
    };

    bool takeLine(QByteArrayView data, qsizetype& pos, QByteArray& line);
    bool parseStatusLine(const QByteArray& line);
    bool parseHeaderLine(const QByteArray& line);
    bool beginBody();
    bool parseChunkSize(const QByteArray& line);
    bool appendBody(QByteArrayView bytes);
    void fail(QString why);

    Phase m_phase = Phase::StatusLine;
    bool m_head = false;
    bool m_http10 = false;
    bool m_keepAlive = true;
    int m_status = 0;
    QByteArray m_reason;
    HttpHeaders m_headers;
    QByteArray m_line;
    qsizetype m_headerBytes = 0;
    qint64 m_remaining = 0;
    qint64 m_bodySeen = 0;
    qint64 m_maxPendingBody;
    QByteArray m_body;
    QString m_error;
};

} // namespace lbdeck
