// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdV3Watch.h"

#include "EtcdTransport.h"
#include "EtcdV3Client.h"
#include "EtcdV3Codec.h"
#include "core/http/HttpClient.h"
#include "core/util/Logging.h"

#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {
constexpr int InitialBackoffMs = 50;
constexpr int MaxBackoffMs = 2000;
constexpr qsizetype MaxLineBytes = 64 * 1024 * 1024;
} // namespace

EtcdV3Watch::EtcdV3Watch(EtcdV3Client* client, QByteArray key, QByteArray rangeEnd, qint64 fromRevision,
                         QObject* parent)
    : EtcdWatch(parent)
    , m_client(client)
    , m_key(std::move(key))
    , m_rangeEnd(std::move(rangeEnd))
{
    m_nextRevision = fromRevision;
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &EtcdV3Watch::open);
}

EtcdV3Watch::~EtcdV3Watch()
{
    dropStream();
}

void EtcdV3Watch::start()
{
    m_stopped = false;
    open();
}

void EtcdV3Watch::stop()
{
    m_stopped = true;
    m_retry.stop();
    dropStream();
}

void EtcdV3Watch::dropStream()
{
    if (!m_reply)
        return;
    HttpReply* reply = std::exchange(m_reply, nullptr);
    reply->disconnect(this);
    delete reply; // aborts the request if it is still running
}

void EtcdV3Watch::open()
{
    if (m_stopped || !m_client)
        return;
    m_client->withToken(this, [this](const Result<void>& ready) {
        if (m_stopped || !m_client)
            return;
        if (!ready) {
            scheduleReconnect(ready.error().toString());
            return;
        }
        HttpRequest request;
        request.method = "POST";
        request.target = "/v3/watch";
        request.streaming = true;
        request.timeout = m_client->config().timeout;
        request.headers.add("Content-Type", "application/json");
        const QByteArray token = m_client->token();
        if (!token.isEmpty())
            request.headers.add("Authorization", token);
        request.body = etcdv3::watchCreateBody(m_key, m_rangeEnd, m_nextRevision, /*progressNotify=*/true);
        m_buffer.clear();
        m_endpointIndex = m_client->transport()->currentIndex();
        m_reply = m_client->transport()->current()->send(request);
        connect(m_reply, &HttpReply::bodyData, this, &EtcdV3Watch::onData);
        connect(m_reply, &HttpReply::finished, this, &EtcdV3Watch::onFinished);
    });
}

void EtcdV3Watch::onData(const QByteArray& data)
{
    m_buffer.append(data);
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = m_buffer.indexOf('\n', start);
        if (nl < 0)
            break;
        const QByteArray line = m_buffer.mid(start, nl - start).trimmed();
        start = nl + 1;
        if (!line.isEmpty()) {
            QPointer<EtcdV3Watch> self(this);
            HttpReply* reply = m_reply;
            handleLine(line);
            if (!self || m_reply != reply || !m_reply)
                return; // stopped, deleted or restarted by what the line said
        }
    }
    m_buffer.remove(0, start);
    if (m_buffer.size() > MaxLineBytes) {
        dropStream();
        scheduleReconnect(u"watch message larger than %1 bytes"_s.arg(MaxLineBytes));
    }
}

void EtcdV3Watch::handleLine(const QByteArray& line)
{
    Result<etcdv3::WatchMessage> parsed = etcdv3::parseWatchMessage(line);
    if (!parsed) {
        if (parsed.error().code == ErrorCode::Unauthenticated && m_client)
            m_client->invalidateToken(m_client->token());
        dropStream();
        scheduleReconnect(parsed.error().toString());
        return;
    }
    const etcdv3::WatchMessage& m = *parsed;
    if (m.created) {
        if (m_nextRevision == 0)
            m_nextRevision = m.headerRevision + 1;
        m_backoffMs = 0;
        m_everConnected = true;
        setConnected(true, QString());
        return;
    }
    if (m.canceled) {
        dropStream();
        if (m.compactRevision > 0) {
            qCInfo(lcEtcd) << "watch history from revision" << m_nextRevision << "was compacted at"
                           << m.compactRevision;
            m_stopped = true;
            setConnected(false, u"history compacted at revision %1"_s.arg(m.compactRevision));
            Q_EMIT historyLost(m.compactRevision);
            return;
        }
        if (m.cancelReason.contains(u"auth"_s) && m_client)
            m_client->invalidateToken(m_client->token());
        scheduleReconnect(u"watch canceled by the server: %1"_s.arg(m.cancelReason));
        return;
    }
    if (m.events.isEmpty()) { // progress notification: everything up to the header revision was sent
        m_nextRevision = qMax(m_nextRevision, m.headerRevision + 1);
        return;
    }
    m_nextRevision = m.events.last().kv.modRevision + 1;
    Q_EMIT eventsReceived(m.events, m.headerRevision);
}

void EtcdV3Watch::onFinished()
{
    if (!m_reply)
        return;
    HttpReply* reply = std::exchange(m_reply, nullptr);
    reply->deleteLater();
    QString why;
    const Result<HttpResponse>& r = reply->result();
    if (!r) {
        why = r.error().toString();
        if (r.error().code == ErrorCode::Network && m_client)
            m_client->transport()->failover(m_endpointIndex);
    } else if (r->status != 200) {
        const Error e = etcdv3::decodeError(r->body, r->status, reply->describe());
        if (e.code == ErrorCode::Unauthenticated && m_client)
            m_client->invalidateToken(m_client->token());
        why = e.toString();
    } else {
        why = u"watch stream ended"_s;
    }
    scheduleReconnect(why);
}

void EtcdV3Watch::scheduleReconnect(const QString& why)
{
    if (m_stopped)
        return;
    setConnected(false, why);
    m_backoffMs = m_backoffMs == 0 ? InitialBackoffMs : qMin(MaxBackoffMs, m_backoffMs * 2);
    const int jitter = int(QRandomGenerator::global()->bounded(m_backoffMs / 4 + 1));
    qCDebug(lcEtcd) << "watch dropped (" << why << "), resuming from revision" << m_nextRevision << "in"
                    << m_backoffMs + jitter << "ms";
    ++m_reconnects;
    m_retry.start(m_backoffMs + jitter);
}

} // namespace lbdeck
