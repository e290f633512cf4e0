// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdV2Watch.h"

#include "EtcdTransport.h"
#include "EtcdV2Client.h"
#include "EtcdV2Codec.h"
#include "core/http/HttpClient.h"
#include "core/util/Logging.h"

#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {
constexpr int InitialBackoffMs = 50;
constexpr int MaxBackoffMs = 2000;
} // namespace

EtcdV2Watch::EtcdV2Watch(EtcdV2Client* client, QByteArray prefix, QByteArray directory, qint64 fromIndex,
                         QObject* parent)
    : EtcdWatch(parent)
    , m_client(client)
    , m_prefix(std::move(prefix))
    , m_directory(std::move(directory))
{
    m_nextRevision = fromIndex;
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &EtcdV2Watch::sync);
}

EtcdV2Watch::~EtcdV2Watch()
{
    dropRequest();
}

void EtcdV2Watch::start()
{
    m_stopped = false;
    sync();
}

void EtcdV2Watch::stop()
{
    m_stopped = true;
    m_retry.stop();
    dropRequest();
}

void EtcdV2Watch::dropRequest()
{
    if (!m_reply)
        return;
    HttpReply* reply = std::exchange(m_reply, nullptr);
    reply->disconnect(this);
    delete reply;
}

// Reads the cluster's current index: proves the endpoint answers, and gives "now" to a watch that
// starts from now.
void EtcdV2Watch::sync()
{
    if (m_stopped || !m_client)
        return;
    m_endpointIndex = m_client->transport()->currentIndex();
    m_reply = m_client->transport()->current()->send(m_client->request("GET", etcdv2::keyPath(m_directory)));
    connect(m_reply, &HttpReply::finished, this, [this] {
        HttpReply* reply = std::exchange(m_reply, nullptr);
        reply->deleteLater();
        const Result<HttpResponse>& r = reply->result();
        if (!r) {
            if (r.error().code == ErrorCode::Network && m_client)
                m_client->transport()->failover(m_endpointIndex);
            scheduleReconnect(r.error().toString());
            return;
        }
        if (r->status != 200 && r->status != 404) {
            scheduleReconnect(etcdv2::responseError(r->status, r->body, reply->describe()).toString());
            return;
        }
        const qint64 index = r->headers.value("X-Etcd-Index").toLongLong();
        if (m_nextRevision == 0)
            m_nextRevision = index + 1;
        m_backoffMs = 0;
        setConnected(true, QString());
        poll();
    });
}

void EtcdV2Watch::poll()
{
    if (m_stopped || !m_client)
        return;
    HttpRequest request =
        m_client->request("GET", etcdv2::keyPath(m_directory) + "?wait=true&recursive=true&waitIndex=" +
                                     QByteArray::number(m_nextRevision));
    request.timeout = m_pollTimeout;
    m_endpointIndex = m_client->transport()->currentIndex();
    m_reply = m_client->transport()->current()->send(request);
    connect(m_reply, &HttpReply::finished, this, &EtcdV2Watch::onPollFinished);
}

void EtcdV2Watch::onPollFinished()
{
    HttpReply* reply = std::exchange(m_reply, nullptr);
    reply->deleteLater();
    const Result<HttpResponse>& r = reply->result();
    if (!r) {
        if (r.error().code == ErrorCode::Timeout) {
            poll(); // nothing happened for a while: ask again
            return;
        }
        if (r.error().code == ErrorCode::Network && m_client)
            m_client->transport()->failover(m_endpointIndex);
        scheduleReconnect(r.error().toString());
        return;
    }
    if (r->status != 200) {
        const auto apiError = etcdv2::parseApiError(r->body);
        if (apiError && apiError->errorCode == 401) {
            qCInfo(lcEtcd) << "v2 watch history from index" << m_nextRevision << "was cleared at"
                           << apiError->index;
            m_stopped = true;
            setConnected(false, u"event history cleared at index %1"_s.arg(apiError->index));
            Q_EMIT historyLost(apiError->index);
            return;
        }
        scheduleReconnect(etcdv2::responseError(r->status, r->body, reply->describe()).toString());
        return;
    }
    Result<WatchEvent> event = etcdv2::parseWatchEvent(r->body);
    if (!event) {
        scheduleReconnect(event.error().toString());
        return;
    }
    m_nextRevision = event->kv.modRevision + 1;
    // The directory may hold keys outside the prefix ("/test/apache-" in "/test/"): skip those.
    if (event->kv.key.startsWith(m_prefix) || m_prefix.startsWith(event->kv.key + '/')) {
        QPointer<EtcdV2Watch> self(this);
        Q_EMIT eventsReceived({*event}, event->kv.modRevision);
        if (!self)
            return;
    }
    poll();
}

void EtcdV2Watch::scheduleReconnect(const QString& why)
{
    if (m_stopped)
        return;
    setConnected(false, why);
    m_backoffMs = m_backoffMs == 0 ? InitialBackoffMs : qMin(MaxBackoffMs, m_backoffMs * 2);
    const int jitter = int(QRandomGenerator::global()->bounded(m_backoffMs / 4 + 1));
    qCDebug(lcEtcd) << "v2 watch dropped (" << why << "), resuming from index" << m_nextRevision;
    m_retry.start(m_backoffMs + jitter);
}

} // namespace lbdeck
