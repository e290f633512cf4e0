// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "RemoteEngineLink.h"

#include "core/http/HttpClient.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace lbdeck {

RemoteEngineLink::RemoteEngineLink(const HttpEndpoint& endpoint, std::chrono::milliseconds interval,
                                   QObject* parent)
    : EngineLink(parent)
    , m_http(new HttpClient(endpoint, this))
{
    m_http->setMaxConnections(2);
    connect(&m_timer, &QTimer::timeout, this, &RemoteEngineLink::refresh);
    m_timer.start(interval);
    QMetaObject::invokeMethod(this, &RemoteEngineLink::refresh, Qt::QueuedConnection);
}

QString RemoteEngineLink::describe() const
{
    return u"lbdeck-engine at %1"_s.arg(m_http->endpoint().toString());
}

void RemoteEngineLink::refresh()
{
    if (m_busy)
        return;
    m_busy = true;
    HttpRequest req;
    req.target = "/status";
    req.timeout = std::chrono::milliseconds(3000);
    m_http->send(req, this, [this](const Result<HttpResponse>& r) {
        m_busy = false;
        if (!r || r->status != 200) {
            setUnreachable(r ? u"%1: HTTP status %2"_s.arg(describe()).arg(r->status) : r.error().toString());
            return;
        }
        const QJsonObject status = QJsonDocument::fromJson(r->body).object();
        if (status.isEmpty()) {
            setUnreachable(u"%1: /status is not JSON"_s.arg(describe()));
            return;
        }
        const QString hash = status.value(u"config"_s).toObject().value(u"hash"_s).toString();
        const QString renders = QString::number(status.value(u"renders"_s).toInteger());
        if (hash == m_configHash && renders == m_renders) {
            setStatus(status);
            return;
        }
        // The texts only when they may have changed: a 10,000-backend config is large.
        HttpRequest configReq;
        configReq.target = "/config";
        configReq.timeout = std::chrono::milliseconds(3000);
        m_http->send(configReq, this, [this, status, hash, renders](const Result<HttpResponse>& c) {
            if (c && c->status == 200) {
                m_configHash = hash;
                setConfig(c->body);
            }
            HttpRequest renderedReq;
            renderedReq.target = "/rendered";
            renderedReq.timeout = std::chrono::milliseconds(3000);
            m_http->send(renderedReq, this, [this, status, renders](const Result<HttpResponse>& rr) {
                if (rr && rr->status == 200) {
                    m_renders = renders;
                    setRendered(rr->body);
                }
                setStatus(status);
            });
        });
    });
}

} // namespace lbdeck
