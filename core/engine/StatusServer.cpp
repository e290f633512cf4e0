// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "StatusServer.h"

#include "Engine.h"
#include "core/traffic/TrafficService.h"

#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace lbdeck {

StatusServer::StatusServer(Engine* engine, QObject* parent)
    : QObject(parent)
    , m_engine(engine)
    , m_server(new QHttpServer)
{
    m_server->route(u"/status"_s, [this] {
        if (!m_engine)
            return QHttpServerResponse(QHttpServerResponse::StatusCode::ServiceUnavailable);
        return QHttpServerResponse("application/json",
                                   QJsonDocument(m_engine->statusJson()).toJson(QJsonDocument::Indented));
    });
    m_server->route(u"/config"_s, [this] {
        if (!m_engine)
            return QHttpServerResponse(QHttpServerResponse::StatusCode::ServiceUnavailable);
        QHttpServerResponse r("text/plain; charset=utf-8", m_engine->currentConfig());
        r.setHeader("X-Lbdeck-Config-Hash", m_engine->currentHash().toLatin1());
        return r;
    });
    m_server->route(u"/rendered"_s, [this] {
        if (!m_engine)
            return QHttpServerResponse(QHttpServerResponse::StatusCode::ServiceUnavailable);
        return QHttpServerResponse("text/plain; charset=utf-8", m_engine->lastRendered());
    });
    m_server->route(u"/metrics"_s, [this] {
        if (!m_engine)
            return QHttpServerResponse(QHttpServerResponse::StatusCode::ServiceUnavailable);
        QByteArray text = m_engine->metricsText();
        if (m_traffic)
            text += m_traffic->metricsText();
        return QHttpServerResponse("text/plain; version=0.0.4", text);
    });
    m_server->route(u"/traffic"_s, [this] {
        if (!m_traffic)
            return QHttpServerResponse("text/plain; charset=utf-8",
                                       "this engine does not count traffic (lbdeck-engine run does)\n",
                                       QHttpServerResponse::StatusCode::NotFound);
        return QHttpServerResponse("application/json",
                                   QJsonDocument(m_traffic->toJson()).toJson(QJsonDocument::Compact));
    });
    // Export capture: POST starts a recording of ?seconds=N; GET answers 202 with its progress while
    // it runs, then 200 with the pcap file (once: the engine forgets it).
    m_server->route(
        u"/traffic/capture"_s, QHttpServerRequest::Method::Post, [this](const QHttpServerRequest& request) {
            if (!m_traffic)
                return QHttpServerResponse(QHttpServerResponse::StatusCode::NotFound);
            const int seconds = QUrlQuery(request.url()).queryItemValue(u"seconds"_s).toInt();
            if (Result<void> r = m_traffic->startRecording(seconds); !r)
                return QHttpServerResponse("text/plain; charset=utf-8", r.error().toString().toUtf8() + '\n',
                                           r.error().code == ErrorCode::InvalidArgument
                                               ? QHttpServerResponse::StatusCode::BadRequest
                                               : QHttpServerResponse::StatusCode::Conflict);
            return QHttpServerResponse(
                "application/json",
                QJsonDocument(m_traffic->recordingStatus()).toJson(QJsonDocument::Compact),
                QHttpServerResponse::StatusCode::Accepted);
        });
    m_server->route(u"/traffic/capture"_s, QHttpServerRequest::Method::Get, [this] {
        if (!m_traffic)
            return QHttpServerResponse(QHttpServerResponse::StatusCode::NotFound);
        const QJsonObject status = m_traffic->recordingStatus();
        if (status.value(u"state"_s).toString() != u"ready"_s)
            return QHttpServerResponse("application/json",
                                       QJsonDocument(status).toJson(QJsonDocument::Compact),
                                       status.value(u"state"_s).toString() == u"recording"_s
                                           ? QHttpServerResponse::StatusCode::Accepted
                                           : QHttpServerResponse::StatusCode::NotFound);
        quint64 packets = 0;
        QHttpServerResponse r("application/vnd.tcpdump.pcap", m_traffic->takeRecording(&packets));
        r.setHeader("X-Lbdeck-Packets", QByteArray::number(packets));
        r.setHeader("Content-Disposition", "attachment; filename=\"lbdeck-capture.pcap\"");
        return r;
    });
    m_server->route(u"/traffic/lines"_s, [this](const QHttpServerRequest& request) {
        if (!m_traffic)
            return QHttpServerResponse(QHttpServerResponse::StatusCode::NotFound);
        const quint64 after = QUrlQuery(request.url()).queryItemValue(u"after"_s).toULongLong();
        quint64 last = 0;
        const QStringList lines = m_traffic->linesAfter(after, &last);
        QByteArray body;
        for (const QString& l : lines)
            body += l.toUtf8() + '\n';
        QHttpServerResponse r("text/plain; charset=utf-8", body);
        r.setHeader("X-Lbdeck-Line-Sequence", QByteArray::number(last));
        return r;
    });
}

void StatusServer::setTraffic(traffic::TrafficService* traffic)
{
    m_traffic = traffic;
}

StatusServer::~StatusServer()
{
    delete m_server;
}

Result<quint16> StatusServer::listen(const QString& hostPort)
{
    const QString host = hostPort.section(u':', 0, -2);
    bool ok = false;
    const uint port = hostPort.section(u':', -1).toUInt(&ok);
    QHostAddress address;
    if (!ok || port > 65535 || !address.setAddress(host.isEmpty() ? u"127.0.0.1"_s : host))
        return makeError(ErrorCode::InvalidArgument,
                         u"status_listen must be address:port, like 127.0.0.1:9913"_s, hostPort);
    const quint16 bound = m_server->listen(address, quint16(port));
    if (bound == 0)
        return makeError(ErrorCode::Io, u"cannot listen (port in use?)"_s, hostPort);
    return bound;
}

} // namespace lbdeck
