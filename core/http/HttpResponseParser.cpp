// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "HttpResponseParser.h"

#include <limits>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Strict decimal: digits only, no sign, no overflow.
bool parseDecimal(QByteArrayView text, qint64& out)
{
    if (text.isEmpty() || text.size() > 18)
        return false;
    qint64 v = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

} // namespace

HttpResponseParser::HttpResponseParser(qint64 maxPendingBody)
    : m_maxPendingBody(maxPendingBody)
{}

void HttpResponseParser::reset(bool responseToHead)
{
    m_phase = Phase::StatusLine;
    m_head = responseToHead;
    m_http10 = false;
    m_keepAlive = true;
    m_status = 0;
    m_reason.clear();
    m_headers.clear();
    m_line.clear();
    m_headerBytes = 0;
    m_remaining = 0;
    m_bodySeen = 0;
    m_body.clear();
    m_error.clear();
}

QByteArray HttpResponseParser::takeBody()
{
    return std::exchange(m_body, QByteArray());
}

void HttpResponseParser::fail(QString why)
{
    m_phase = Phase::Failed;
    m_keepAlive = false;
    m_error = std::move(why);
}

bool HttpResponseParser::takeLine(QByteArrayView data, qsizetype& pos, QByteArray& line)
{
    const qsizetype nl = data.indexOf('\n', pos);
    const qsizetype end = nl < 0 ? data.size() : nl;
    const qsizetype n = end - pos;
    if (m_line.size() + n > MaxLineLength) {
        fail(u"response line longer than %1 bytes"_s.arg(MaxLineLength));
        return false;
    }
    // The header section (and a trailer section) is bounded as a whole; chunk-size lines of a
    // long-lived stream only line by line, or a watch would die after 64 KiB of framing.
    const bool headerSection =
        m_phase == Phase::StatusLine || m_phase == Phase::Headers || m_phase == Phase::Trailers;
    if (headerSection) {
        m_headerBytes += n + (nl < 0 ? 0 : 1);
        if (m_headerBytes > MaxHeaderBytes) {
            fail(u"response header larger than %1 bytes"_s.arg(MaxHeaderBytes));
            return false;
        }
    }
    m_line.append(data.sliced(pos, n));
    pos = nl < 0 ? data.size() : nl + 1;
    if (nl < 0)
        return false;
    if (m_line.endsWith('\r'))
        m_line.chop(1);
    line = std::exchange(m_line, QByteArray());
    return true;
}

bool HttpResponseParser::parseStatusLine(const QByteArray& line)
{
    // HTTP/1.1 200 OK  — the reason phrase may be empty, the space before it optional.
    if (line.size() < 12 || !line.startsWith("HTTP/1.") || (line[7] != '0' && line[7] != '1') ||
        line[8] != ' ') {
        fail(u"not an HTTP/1.x status line: \"%1\""_s.arg(
            QString::fromLatin1(line.left(40).toPercentEncoding(" /.:"))));
        return false;
    }
    m_http10 = line[7] == '0';
    int status = 0;
    for (int i = 9; i < 12; ++i) {
        if (line[i] < '0' || line[i] > '9') {
            fail(u"malformed status code in status line"_s);
            return false;
        }
        status = status * 10 + (line[i] - '0');
    }
    if (status < 100 || (line.size() > 12 && line[12] != ' ')) {
        fail(u"malformed status code in status line"_s);
        return false;
    }
    m_status = status;
    m_reason = line.mid(13);
    m_keepAlive = !m_http10;
    m_phase = Phase::Headers;
    return true;
}

bool HttpResponseParser::parseHeaderLine(const QByteArray& line)
{
    if (line.front() == ' ' || line.front() == '\t') {
        fail(u"obsolete folded header line"_s);
        return false;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0) {
        fail(u"header line without a name"_s);
        return false;
    }
    for (qsizetype i = 0; i < colon; ++i) {
        if (!isTokenChar(line[i])) {
            fail(u"invalid character in header name"_s);
            return false;
        }
    }
    const QByteArray value = line.mid(colon + 1).trimmed();
    for (char c : value) {
        if (c == '\0' || c == '\r' || c == '\n') {
            fail(u"control character in header value"_s);
            return false;
        }
    }
    if (m_headers.all().size() >= MaxHeaderCount) {
        fail(u"more than %1 header lines"_s.arg(MaxHeaderCount));
        return false;
    }
    m_headers.add(line.left(colon), value);
    return true;
}

bool HttpResponseParser::beginBody()
{
    if (m_status < 200) {
        // Interim response (100 Continue, 103 Early Hints): the real one follows.
        if (m_status == 101) {
            fail(u"unexpected protocol switch (101)"_s);
            return false;
        }
        const bool head = m_head;
        reset(head);
        return true;
    }
    if (m_headers.hasToken("Connection", "close"))
        m_keepAlive = false;
    else if (m_http10 && m_headers.hasToken("Connection", "keep-alive"))
        m_keepAlive = true;

    if (m_head || m_status == 204 || m_status == 304) {
        m_phase = Phase::Complete;
        return true;
    }
    const QByteArray te = m_headers.value("Transfer-Encoding");
    if (!te.isEmpty()) {
        const QList<QByteArray> codings = te.split(',');
        if (codings.last().trimmed().compare("chunked", Qt::CaseInsensitive) == 0) {
            if (codings.size() > 1) {
                fail(u"unsupported transfer coding \"%1\""_s.arg(QString::fromLatin1(te.left(60))));
                return false;
            }
            m_phase = Phase::ChunkSize;
            return true;
        }
        m_keepAlive = false;
        m_phase = Phase::UntilClose;
        return true;
    }
    qint64 length = -1;
    for (const auto& [name, value] : m_headers.all()) {
        if (name.compare("Content-Length", Qt::CaseInsensitive) != 0)
            continue;
        qint64 v = 0;
        if (!parseDecimal(value, v) || (length >= 0 && v != length)) {
            fail(u"invalid Content-Length \"%1\""_s.arg(QString::fromLatin1(value.left(30))));
            return false;
        }
        length = v;
    }
    if (length < 0) {
        m_keepAlive = false;
        m_phase = Phase::UntilClose;
        return true;
    }
    if (length > m_maxPendingBody) {
        fail(u"response body of %1 bytes exceeds the limit of %2"_s.arg(length).arg(m_maxPendingBody));
        return false;
    }
    m_remaining = length;
    m_phase = length == 0 ? Phase::Complete : Phase::FixedBody;
    return true;
}

bool HttpResponseParser::parseChunkSize(const QByteArray& line)
{
    qsizetype end = line.indexOf(';');
    const QByteArray digits = line.left(end < 0 ? line.size() : end).trimmed();
    if (digits.isEmpty() || digits.size() > 15) {
        fail(u"malformed chunk size"_s);
        return false;
    }
    qint64 size = 0;
    for (char c : digits) {
        const int v = hexValue(c);
        if (v < 0) {
            fail(u"malformed chunk size"_s);
            return false;
        }
        size = size * 16 + v;
    }
    m_remaining = size;
    m_phase = size == 0 ? Phase::Trailers : Phase::ChunkData;
    if (size == 0)
        m_headerBytes = 0; // the trailer section gets its own budget
    return true;
}

bool HttpResponseParser::appendBody(QByteArrayView bytes)
{
    if (m_body.size() + bytes.size() > m_maxPendingBody) {
        fail(u"response body exceeds the limit of %1 bytes"_s.arg(m_maxPendingBody));
        return false;
    }
    m_body.append(bytes);
    m_bodySeen += bytes.size();
    return true;
}

qsizetype HttpResponseParser::feed(QByteArrayView data)
{
    qsizetype pos = 0;
    QByteArray line;
    while (pos < data.size() || m_phase == Phase::Complete) {
        switch (m_phase) {
        case Phase::Complete:
            return pos;
        case Phase::Failed:
            return -1;
        case Phase::StatusLine:
            if (!takeLine(data, pos, line))
                return hasError() ? -1 : pos;
            if (line.isEmpty() && m_status == 0 && m_headerBytes <= 2)
                break; // tolerate a stray CRLF between responses
            if (!parseStatusLine(line))
                return -1;
            break;
        case Phase::Headers:
            if (!takeLine(data, pos, line))
                return hasError() ? -1 : pos;
            if (line.isEmpty()) {
                if (!beginBody())
                    return -1;
            } else if (!parseHeaderLine(line)) {
                return -1;
            }
            break;
        case Phase::FixedBody:
        case Phase::ChunkData: {
            const qsizetype n = qsizetype(qMin<qint64>(m_remaining, data.size() - pos));
            if (!appendBody(data.sliced(pos, n)))
                return -1;
            pos += n;
            m_remaining -= n;
            if (m_remaining == 0)
                m_phase = m_phase == Phase::FixedBody ? Phase::Complete : Phase::ChunkDataEnd;
            break;
        }
        case Phase::UntilClose:
            if (!appendBody(data.sliced(pos)))
                return -1;
            pos = data.size();
            break;
        case Phase::ChunkSize:
            if (!takeLine(data, pos, line))
                return hasError() ? -1 : pos;
            if (!parseChunkSize(line))
                return -1;
            break;
        case Phase::ChunkDataEnd:
            if (!takeLine(data, pos, line))
                return hasError() ? -1 : pos;
            if (!line.isEmpty()) {
                fail(u"chunk data longer than its declared size"_s);
                return -1;
            }
            m_phase = Phase::ChunkSize;
            break;
        case Phase::Trailers:
            if (!takeLine(data, pos, line))
                return hasError() ? -1 : pos;
            if (line.isEmpty())
                m_phase = Phase::Complete;
            break;
        }
    }
    return hasError() ? -1 : pos;
}

void HttpResponseParser::feedEof()
{
    if (m_phase == Phase::UntilClose) {
        m_keepAlive = false;
        m_phase = Phase::Complete;
        return;
    }
    if (m_phase == Phase::Complete || m_phase == Phase::Failed)
        return;
    if (m_phase == Phase::StatusLine && m_line.isEmpty() && m_headerBytes == 0)
        fail(u"connection closed before any response"_s);
    else
        fail(u"connection closed in the middle of a response"_s);
}

} // namespace lbdeck
