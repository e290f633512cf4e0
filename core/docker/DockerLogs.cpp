// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerLogs.h"

#include "DockerClient.h"
#include "DockerCodec.h"
#include "core/http/HttpClient.h"
#include "core/util/Logging.h"

#include <QRandomGenerator>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {
constexpr int InitialBackoffMs = 200;
constexpr int MaxBackoffMs = 5000;
constexpr qsizetype MaxErrorBody = 64 * 1024;
} // namespace

DockerLogStream::DockerLogStream(DockerClient* client, QString container, int tail, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_container(std::move(container))
    , m_tail(tail)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &DockerLogStream::inspectThenOpen);
}

DockerLogStream::~DockerLogStream()
{
    dropStream();
}

QString DockerLogStream::where() const
{
    const QString daemon = m_client ? m_client->describe() : u"docker"_s;
    return u"%1, container %2, logs"_s.arg(daemon, m_container);
}

void DockerLogStream::start()
{
    m_stopped = false;
    inspectThenOpen();
}

void DockerLogStream::stop()
{
    m_stopped = true;
    ++m_generation;
    m_retry.stop();
    dropStream();
    setFollowing(false, QString());
}

void DockerLogStream::dropStream()
{
    if (!m_reply)
        return;
    HttpReply* reply = std::exchange(m_reply, nullptr);
    reply->disconnect(this);
    delete reply; // aborts the request if it is still running
}

void DockerLogStream::setFollowing(bool following, const QString& error)
{
    const bool changed = m_following != following;
    m_following = following;
    if (changed || (!following && !error.isEmpty()))
        Q_EMIT followingChanged(following, error);
}

void DockerLogStream::inspectThenOpen()
{
    if (m_stopped || !m_client || m_reply)
        return;
    // The TTY setting decides the framing, and may differ after the container was re-created.
    const quint64 generation = ++m_generation;
    m_client->inspectContainer(m_container, this, [this, generation](const Result<ContainerInfo>& info) {
        if (m_stopped || generation != m_generation || m_reply)
            return;
        if (!info) {
            const Error& e = info.error();
            if (e.status >= 400 && e.status < 500) {
                m_stopped = true;
                setFollowing(false, e.message);
                Q_EMIT failed(e.toString(), e.status);
                return;
            }
            scheduleReconnect(e.toString());
            return;
        }
        open(info->tty);
    });
}

QByteArray DockerLogStream::query() const
{
    QByteArray q = "follow=1&stdout=1&stderr=1&timestamps=1";
    if (m_lastNano > 0) {
        // Resume: everything from the last line's instant on (that instant included).
        const qint64 seconds = m_lastNano / 1000000000LL;
        const qint64 nanos = m_lastNano % 1000000000LL;
        q += "&since=" + QByteArray::number(seconds) + '.' + QByteArray::number(nanos).rightJustified(9, '0');
    } else {
        q += "&tail=" + (m_tail < 0 ? QByteArray("all") : QByteArray::number(m_tail));
    }
    return q;
}

void DockerLogStream::open(bool tty)
{
    m_client->whenReady(this, [this, tty](const Result<void>& ready) {
        if (m_stopped || !m_client || m_reply)
            return;
        if (!ready) {
            scheduleReconnect(ready.error().toString());
            return;
        }
        HttpRequest request;
        request.target =
            m_client->target("/containers/" + QUrl::toPercentEncoding(m_container) + "/logs", query());
        request.streaming = true;
        request.timeout = m_client->timeout(); // until the headers; a log may then be quiet forever
        m_decoder = docker::LogFrameDecoder(tty, true);
        m_errorBody.clear();
        m_skipAtLast = m_lastNano > 0 ? m_seenAtLast : 0;
        m_reply = m_client->http()->send(request);
        connect(m_reply, &HttpReply::headersReceived, this, &DockerLogStream::onHeaders);
        connect(m_reply, &HttpReply::bodyData, this, &DockerLogStream::onData);
        connect(m_reply, &HttpReply::finished, this, &DockerLogStream::onFinished);
    });
}

void DockerLogStream::onHeaders()
{
    if (m_reply && m_reply->status() == 200) {
        m_backoffMs = 0;
        setFollowing(true, QString());
    }
}

void DockerLogStream::onData(const QByteArray& data)
{
    if (!m_reply)
        return;
    if (m_reply->status() != 200) { // an error body, read whole in onFinished()
        if (m_errorBody.size() < MaxErrorBody)
            m_errorBody += data.left(MaxErrorBody - m_errorBody.size());
        return;
    }
    Result<QList<LogLine>> lines = m_decoder.feed(data);
    if (!lines) {
        // Out of step with the framing: nothing after this can be trusted, start over.
        dropStream();
        scheduleReconnect(lines.error().message);
        return;
    }
    deliver(std::move(*lines));
}

void DockerLogStream::deliver(QList<LogLine> lines)
{
    QList<LogLine> fresh;
    fresh.reserve(lines.size());
    for (LogLine& line : lines) {
        if (line.timeNano > 0) {
            if (line.timeNano < m_lastNano)
                continue; // before what was delivered: a resumed stream repeats it
            if (line.timeNano == m_lastNano) {
                if (m_skipAtLast > 0) {
                    --m_skipAtLast;
                    continue;
                }
                ++m_seenAtLast;
            } else {
                m_lastNano = line.timeNano;
                m_seenAtLast = 1;
                m_skipAtLast = 0;
            }
        }
        fresh.append(std::move(line));
    }
    if (!fresh.isEmpty())
        Q_EMIT linesReceived(fresh);
}

void DockerLogStream::onFinished()
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
        qCWarning(lcDocker) << "log stream refused:" << e.toString();
        m_stopped = true;
        setFollowing(false, e.message);
        Q_EMIT failed(e.toString(), e.status);
        return;
    }
    if (r->status != 200) {
        scheduleReconnect(docker::decodeError(m_errorBody, r->status, where()).message);
        return;
    }
    // A complete answer: Docker ends a followed log when the container stops.
    QPointer<DockerLogStream> self(this);
    deliver(m_decoder.flush());
    if (!self)
        return;
    m_stopped = true;
    setFollowing(false, QString());
    if (self)
        Q_EMIT ended(u"container %1 is not running"_s.arg(m_container));
}

void DockerLogStream::scheduleReconnect(const QString& why)
{
    if (m_stopped)
        return;
    setFollowing(false, why);
    m_backoffMs = m_backoffMs == 0 ? InitialBackoffMs : qMin(MaxBackoffMs, m_backoffMs * 2);
    const int delay = m_backoffMs + int(QRandomGenerator::global()->bounded(m_backoffMs / 4 + 1));
    qCInfo(lcDocker) << where() << "dropped (" << why << "), reconnecting in" << delay << "ms";
    ++m_reconnects;
    m_retry.start(delay);
}

} // namespace lbdeck
