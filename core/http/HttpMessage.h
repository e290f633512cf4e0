// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

#include <chrono>

namespace lbdeck {

// Header names compare case-insensitively; order and duplicates are kept as sent.
class HttpHeaders
{
public:
    void add(QByteArray name, QByteArray value);
    void set(const QByteArray& name, QByteArray value);
    QByteArray value(const QByteArray& name) const;
    bool contains(const QByteArray& name) const;
    // True when a comma-separated header (Connection, Transfer-Encoding) lists the token.
    bool hasToken(const QByteArray& name, const QByteArray& token) const;
    const QList<QPair<QByteArray, QByteArray>>& all() const { return m_headers; }
    void clear() { m_headers.clear(); }

private:
    QList<QPair<QByteArray, QByteArray>> m_headers;
};

struct HttpRequest
{
    QByteArray method = "GET";
    QByteArray target = "/"; // origin-form: path and query, already percent-encoded
    HttpHeaders headers;
    QByteArray body;
    // For a plain request: the whole exchange. For a streaming one: until the headers arrive.
    std::chrono::milliseconds timeout{10000};
    // Streaming: body bytes are handed out as they arrive and never accumulated (watch, events).
    bool streaming = false;
    // A streaming request with no byte for this long fails with a timeout; 0 = wait forever.
    std::chrono::milliseconds idleTimeout{0};
    qint64 maxBodySize = 256LL * 1024 * 1024;
};

struct HttpResponse
{
    int status = 0;
    QByteArray reason;
    HttpHeaders headers;
    QByteArray body;
};

} // namespace lbdeck
