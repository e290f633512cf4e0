// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "HttpMessage.h"
#include "core/util/Result.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace lbdeck {

class HttpClient;

// One request in flight. Emits finished() exactly once; after that result() holds the response or
// the error. The receiver owns the reply and deletes it (deleteLater) when done with it.
class HttpReply : public QObject
{
    Q_OBJECT
public:
    ~HttpReply() override;

    const HttpRequest& request() const { return m_request; }
    bool isFinished() const { return m_finished; }
    const Result<HttpResponse>& result() const { return m_result; }
    // Valid once headersReceived() was emitted.
    int status() const { return m_response.status; }
    const HttpHeaders& headers() const { return m_response.headers; }
    // Cancels the request: finished() follows with ErrorCode::Canceled, unless it already came.
    void abort();
    // Names this request in errors: "http://127.0.0.1:2379 POST /v3/kv/range".
    QString describe() const;

Q_SIGNALS:
    void headersReceived();
    // Streaming requests only: body bytes as they arrive (chunk framing removed).
    void bodyData(const QByteArray& data);
    void finished();

private:
    friend class HttpClient;
    HttpReply(HttpClient* client, HttpRequest request, QString endpointName);
    void finish(Result<HttpResponse> result);

    QPointer<HttpClient> m_client;
    HttpRequest m_request;
    QString m_endpointName;
    HttpResponse m_response;
    Result<HttpResponse> m_result;
    QTimer m_timer;
    QTimer m_idleTimer;
    int m_attempts = 0;
    bool m_finished = false;
    bool m_headersEmitted = false;
};

} // namespace lbdeck
