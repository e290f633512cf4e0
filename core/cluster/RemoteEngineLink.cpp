// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "RemoteEngineLink.h"

#include "core/http/HttpClient.h"
#include "core/ssh/SshTunnel.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace lbdeck {

RemoteEngineLink::RemoteEngineLink(const HttpEndpoint& endpoint, std::chrono::milliseconds interval,
                                   QObject* parent)
    : EngineLink(parent)
    , m_http(new HttpClient(endpoint, this))
    , m_remote(endpoint)
{
    m_http->setMaxConnections(2);
    connect(&m_timer, &QTimer::timeout, this, &RemoteEngineLink::refresh);
    m_timer.start(interval);
    QMetaObject::invokeMethod(this, &RemoteEngineLink::refresh, Qt::QueuedConnection);
}

RemoteEngineLink::RemoteEngineLink(SshTunnel* tunnel, const HttpEndpoint& remote,
                                   std::chrono::milliseconds interval, QObject* parent)
    : RemoteEngineLink(tunnel->endpoint(), interval, parent)
{
    m_tunnel = tunnel;
    m_tunnel->setParent(this);
    m_remote = remote;
    connect(m_tunnel, &SshTunnel::hostKeyUnknown, this, &RemoteEngineLink::hostKeyUnknown);
}

void RemoteEngineLink::approveHostKey(bool approve)
{
    if (!m_tunnel)
        return;
    m_hostKeyRefused = !approve;
    m_tunnel->approveHostKey(approve);
}

QString RemoteEngineLink::describe() const
{
    if (m_tunnel)
        return u"lbdeck-engine at %1 through %2"_s.arg(m_remote.toString(),
                                                       m_tunnel->destination().toString());
    return u"lbdeck-engine at %1"_s.arg(m_http->endpoint().toString());
}

// While the tunnel is not up, the link says why instead of a refused local socket; one that
// failed (a refused host key that was approved since, an sshd that was down) is tried again.
bool RemoteEngineLink::tunnelReady()
{
    if (!m_tunnel)
        return true;
    if (m_tunnel->state() == SshTunnel::State::Ready) {
        // A tunnel whose first start could not name its socket names it later: follow it.
        if (m_http->endpoint().toString() != m_tunnel->endpoint().toString()) {
            delete m_http;
            m_http = new HttpClient(m_tunnel->endpoint(), this);
            m_http->setMaxConnections(2);
            m_busy = m_trafficBusy = false;
        }
        return true;
    }
    // The first connection is not a failure yet (the tunnel has its own deadline).
    const bool starting = m_tunnel->state() == SshTunnel::State::Connecting ||
                          m_tunnel->state() == SshTunnel::State::CheckingHostKey;
    if (starting && !isReachable() && lastError().isEmpty())
        return false;
    const QString state = SshTunnel::stateName(m_tunnel->state());
    const QString error = m_tunnel->lastError().message;
    setUnreachable(error.isEmpty() ? u"%1: SSH tunnel %2"_s.arg(describe(), state)
                                   : u"%1: SSH tunnel %2: %3"_s.arg(describe(), state, error));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (m_tunnel->state() != SshTunnel::State::Failed) {
        m_tunnelRetry = {};
    } else if (!m_tunnelRetry.isValid()) {
        m_tunnelRetry = now.addMSecs(m_tunnelRetryDelay.count());
    } else if (m_hostKeyRefused) {
        // Not tried again: that would ask the same question every 10 s. A new session asks again.
    } else if (now >= m_tunnelRetry) {
        m_tunnelRetry = {};
        m_tunnel->start();
    }
    return false;
}

void RemoteEngineLink::refresh()
{
    if (!tunnelReady())
        return;
    if (isTrafficWanted())
        refreshTraffic();
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

void RemoteEngineLink::trafficWantedChanged()
{
    if (isTrafficWanted())
        refreshTraffic();
}

void RemoteEngineLink::refreshTraffic()
{
    if (m_trafficBusy)
        return;
    m_trafficBusy = true;
    HttpRequest req;
    req.target = "/traffic";
    req.timeout = std::chrono::milliseconds(3000);
    m_http->send(req, this, [this](const Result<HttpResponse>& r) {
        if (!r || r->status != 200) {
            m_trafficBusy = false;
            setTrafficError(
                !r ? r.error().toString()
                : r->status == 404
                    ? u"%1 does not count traffic (an older version, or not `lbdeck-engine run`)"_s.arg(
                          describe())
                    : u"%1: /traffic: HTTP status %2"_s.arg(describe()).arg(r->status));
            return;
        }
        QJsonParseError error;
        const QJsonObject traffic = QJsonDocument::fromJson(r->body, &error).object();
        if (traffic.isEmpty()) {
            m_trafficBusy = false;
            setTrafficError(u"%1: /traffic is not JSON (%2)"_s.arg(describe(), error.errorString()));
            return;
        }
        setTraffic(traffic);
        HttpRequest linesReq;
        linesReq.target = "/traffic/lines?after=" + QByteArray::number(m_lineSequence);
        linesReq.timeout = std::chrono::milliseconds(3000);
        m_http->send(linesReq, this, [this](const Result<HttpResponse>& l) {
            m_trafficBusy = false;
            if (!l || l->status != 200)
                return;
            const quint64 last = l->headers.value("X-Lbdeck-Line-Sequence").toULongLong();
            const bool first = m_lineSequence == 0;
            if (last < m_lineSequence) // the engine restarted: its numbering starts again
                m_lineSequence = 0;
            else
                m_lineSequence = last;
            QStringList lines = QString::fromUtf8(l->body).split(u'\n', Qt::SkipEmptyParts);
            if (first && lines.size() > 200) // on connect, the recent past only
                lines = lines.mid(lines.size() - 200);
            if (!lines.isEmpty())
                Q_EMIT trafficLines(lines);
        });
    });
}

void RemoteEngineLink::recordCapture(int seconds, QObject* context, CaptureDone done)
{
    HttpRequest start;
    start.method = "POST";
    start.target = "/traffic/capture?seconds=" + QByteArray::number(seconds);
    start.timeout = std::chrono::milliseconds(3000);
    QPointer<QObject> ctx(context);
    m_http->send(start, context, [this, seconds, ctx, done](const Result<HttpResponse>& r) {
        if (!r)
            return done(r.error(), 0);
        if (r->status != 202)
            return done(makeError(ErrorCode::Unavailable, QString::fromUtf8(r->body).trimmed(),
                                  u"%1: Export capture"_s.arg(describe())),
                        0);
        // Then ask every 500 ms until the file is there (202 while it records), for at most 30 s
        // past its end.
        auto deadline = std::make_shared<QDeadlineTimer>((seconds + 30) * 1000);
        auto fetch = std::make_shared<std::function<void()>>();
        *fetch = [this, ctx, done, deadline, weak = std::weak_ptr(fetch)] {
            const auto again = weak.lock();
            if (!again || !ctx)
                return;
            HttpRequest get;
            get.target = "/traffic/capture";
            get.timeout = std::chrono::milliseconds(30000);
            m_http->send(get, ctx, [this, ctx, done, deadline, again](const Result<HttpResponse>& g) {
                if (!g)
                    return done(g.error(), 0);
                if (g->status == 200)
                    return done(g->body, g->headers.value("X-Lbdeck-Packets").toULongLong());
                if (g->status != 202 || deadline->hasExpired())
                    return done(makeError(ErrorCode::Unavailable, QString::fromUtf8(g->body).trimmed(),
                                          u"%1: Export capture (HTTP %2)"_s.arg(describe()).arg(g->status)),
                                0);
                QTimer::singleShot(500, ctx, [again] { (*again)(); });
            });
        };
        (*fetch)();
    });
}

} // namespace lbdeck
