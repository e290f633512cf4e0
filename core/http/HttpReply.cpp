// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "HttpReply.h"

#include "HttpClient.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

HttpReply::HttpReply(HttpClient* client, HttpRequest request, QString endpointName)
    : m_client(client)
    , m_request(std::move(request))
    , m_endpointName(std::move(endpointName))
    , m_result(makeError(ErrorCode::Unknown, u"request has not finished"_s))
{
    m_timer.setSingleShot(true);
    m_idleTimer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_client)
            m_client->cancel(this, ErrorCode::Timeout,
                             u"no answer within %1 ms"_s.arg(qint64(m_request.timeout.count())));
    });
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        if (m_client)
            m_client->cancel(this, ErrorCode::Timeout,
                             u"stream idle for %1 ms"_s.arg(qint64(m_request.idleTimeout.count())));
    });
}

HttpReply::~HttpReply()
{
    if (!m_finished && m_client)
        m_client->cancel(this, ErrorCode::Canceled, QString(), /*notify=*/false);
}

void HttpReply::abort()
{
    if (!m_finished && m_client)
        m_client->cancel(this, ErrorCode::Canceled, u"canceled"_s);
}

QString HttpReply::describe() const
{
    return u"%1 %2 %3"_s.arg(m_endpointName, QString::fromLatin1(m_request.method),
                             QString::fromUtf8(m_request.target));
}

void HttpReply::finish(Result<HttpResponse> result)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    m_idleTimer.stop();
    m_result = std::move(result);
    Q_EMIT finished();
}

} // namespace lbdeck
