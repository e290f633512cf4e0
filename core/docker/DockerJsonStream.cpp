// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerJsonStream.h"

#include "DockerClient.h"
#include "DockerCodec.h"
#include "core/http/HttpClient.h"
#include "core/util/Logging.h"

#include <QJsonDocument>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {
constexpr int InitialBackoffMs = 100;
constexpr int MaxBackoffMs = 5000;
constexpr qsizetype MaxLineBytes = 16 * 1024 * 1024;
constexpr qsizetype MaxErrorBody = 64 * 1024;
} // namespace

DockerJsonStream::DockerJsonStream(DockerClient* client, QString subject, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_subject(std::move(subject))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &DockerJsonStream::open);
}

DockerJsonStream::~DockerJsonStream()
{
    dropStream();
}

QString DockerJsonStream::where() const
{
    const QString daemon = m_client ? m_client->describe() : u"docker"_s;
    return m_subject.isEmpty() ? daemon : u"%1, %2"_s.arg(daemon, m_subject);
}

void DockerJsonStream::start()
{
    m_stopped = false;
    open();
}

void DockerJsonStream::stop()
{
    m_stopped = true;
    m_retry.stop();
    dropStream();
    setConnected(false, QString());
}

void DockerJsonStream::dropStream()
{
    if (!m_reply)
        return;
    HttpReply* reply = std::exchange(m_reply, nullptr);
    reply->disconnect(this);
    delete reply; // aborts the request if it is still running
}

void DockerJsonStream::setConnected(bool connected, const QString& error)
{
    if (m_connected == connected && connected)
        return;
    const bool changed = m_connected != connected;
    m_connected = connected;
    if (changed || !error.isEmpty())
        Q_EMIT connectionChanged(connected, error);
}

void DockerJsonStream::open()
{
    if (m_stopped || !m_client)
        return;
    // The stream needs the negotiated version like any call; it waits for it the same way.
    m_client->whenReady(this, [this](const Result<void>& ready) {
        if (m_stopped || !m_client || m_reply)
            return;
        if (!ready) {
            scheduleReconnect(ready.error().toString());
            return;
        }
        const QByteArray p = path();
        const qsizetype q = p.indexOf('?');
        HttpRequest request;
        request.target = m_client->target(p.left(q < 0 ? p.size() : q), q < 0 ? QByteArray() : p.mid(q + 1));
        request.streaming = true;
        request.timeout = m_client->timeout();
        request.idleTimeout = m_idleTimeout;
        m_buffer.clear();
        m_errorBody.clear();
        m_reply = m_client->http()->send(request);
        connect(m_reply, &HttpReply::headersReceived, this, &DockerJsonStream::onHeaders);
        connect(m_reply, &HttpReply::bodyData, this, &DockerJsonStream::onData);
        connect(m_reply, &HttpReply::finished, this, &DockerJsonStream::onFinished);
    });
}

void DockerJsonStream::onHeaders()
{
    if (m_reply && m_reply->status() == 200) {
        m_backoffMs = 0;
        setConnected(true, QString());
    }
}

void DockerJsonStream::onData(const QByteArray& data)
{
    if (!m_reply)
        return;
    if (m_reply->status() != 200) { // an error body, read whole in onFinished()
        if (m_errorBody.size() < MaxErrorBody)
            m_errorBody += data.left(MaxErrorBody - m_errorBody.size());
        return;
    }
    m_buffer.append(data);
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = m_buffer.indexOf('\n', start);
        if (nl < 0)
            break;
        const QByteArray line = m_buffer.mid(start, nl - start).trimmed();
        start = nl + 1;
        if (line.isEmpty())
            continue;
        Result<QJsonObject> object = docker::parseObject(line);
        if (!object) {
            // Out of step with the framing: nothing after this can be trusted, start over.
            dropStream();
            scheduleReconnect(object.error().message);
            return;
        }
        QPointer<DockerJsonStream> self(this);
        HttpReply* reply = m_reply;
        handleObject(*object);
        if (!self || m_reply != reply)
            return; // stopped or deleted by a receiver
    }
    m_buffer.remove(0, start);
    if (m_buffer.size() > MaxLineBytes) {
        dropStream();
        scheduleReconnect(u"a line longer than %1 bytes"_s.arg(MaxLineBytes));
    }
}

void DockerJsonStream::onFinished()
{
    if (!m_reply)
        return;
    HttpReply* reply = std::exchange(m_reply, nullptr);
    reply->deleteLater();
    const Result<HttpResponse>& r = reply->result();
    if (!r) {
        scheduleReconnect(r.error().message);
        return;
    }
    if (r->status >= 400 && r->status < 500) {
        const Error e = docker::decodeError(m_errorBody, r->status, where());
        qCWarning(lcDocker) << "stream refused:" << e.toString();
        m_stopped = true;
        setConnected(false, e.message);
        Q_EMIT failed(e.toString(), e.status);
        return;
    }
    if (r->status != 200)
        scheduleReconnect(docker::decodeError(m_errorBody, r->status, where()).message);
    else
        scheduleReconnect(u"the daemon ended the stream"_s);
}

void DockerJsonStream::scheduleReconnect(const QString& why)
{
    if (m_stopped)
        return;
    setConnected(false, why);
    m_backoffMs = m_backoffMs == 0 ? InitialBackoffMs : qMin(MaxBackoffMs, m_backoffMs * 2);
    const int delay = m_backoffMs + int(QRandomGenerator::global()->bounded(m_backoffMs / 4 + 1));
    qCInfo(lcDocker) << where() << "stream dropped (" << why << "), reconnecting in" << delay << "ms";
    ++m_reconnects;
    m_retry.start(delay);
}

} // namespace lbdeck
