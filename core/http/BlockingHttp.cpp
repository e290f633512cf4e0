// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BlockingHttp.h"

#include "HttpResponseParser.h"

#include <QDeadlineTimer>
#include <QLocalSocket>
#include <QTcpSocket>

#include <memory>

using namespace Qt::StringLiterals;

namespace lbdeck {

Result<HttpResponse> blockingHttp(const HttpEndpoint& endpoint, const HttpRequest& request)
{
    const QString where = u"%1 %2 %3"_s.arg(endpoint.toString(), QString::fromLatin1(request.method),
                                            QString::fromUtf8(request.target));
    if (endpoint.transport == HttpEndpoint::Transport::Tls)
        return makeError(ErrorCode::InvalidArgument, u"TLS is not supported for blocking requests"_s, where);
    QDeadlineTimer deadline(request.timeout);
    std::unique_ptr<QIODevice> device;
    if (endpoint.transport == HttpEndpoint::Transport::Unix) {
        auto* s = new QLocalSocket;
        device.reset(s);
        s->connectToServer(endpoint.socketPath);
        if (!s->waitForConnected(int(qMax<qint64>(1, deadline.remainingTime()))))
            return makeError(ErrorCode::Network, u"cannot connect: %1"_s.arg(s->errorString()), where);
    } else {
        auto* s = new QTcpSocket;
        device.reset(s);
        s->connectToHost(endpoint.host, endpoint.port);
        if (!s->waitForConnected(int(qMax<qint64>(1, deadline.remainingTime()))))
            return makeError(ErrorCode::Network, u"cannot connect: %1"_s.arg(s->errorString()), where);
    }
    QByteArray out = request.method + ' ' + request.target + " HTTP/1.1\r\nHost: " + endpoint.hostHeader() +
                     "\r\nConnection: close\r\n";
    for (const auto& [name, value] : request.headers.all())
        out += name + ": " + value + "\r\n";
    if (!request.body.isEmpty() || request.method == "POST" || request.method == "PUT")
        out += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    out += "\r\n" + request.body;
    device->write(out);
    auto waitWritten = [&] {
        if (auto* l = qobject_cast<QLocalSocket*>(device.get()))
            return l->bytesToWrite() == 0 ||
                   l->waitForBytesWritten(int(qMax<qint64>(1, deadline.remainingTime())));
        auto* t = static_cast<QTcpSocket*>(device.get());
        return t->bytesToWrite() == 0 ||
               t->waitForBytesWritten(int(qMax<qint64>(1, deadline.remainingTime())));
    };
    while (!deadline.hasExpired()) {
        if (auto* l = qobject_cast<QLocalSocket*>(device.get()); l && l->bytesToWrite() == 0)
            break;
        if (auto* t = qobject_cast<QTcpSocket*>(device.get()); t && t->bytesToWrite() == 0)
            break;
        if (!waitWritten())
            break;
    }
    HttpResponseParser parser(request.maxBodySize);
    parser.reset(request.method == "HEAD");
    HttpResponse response;
    auto connected = [&] {
        if (auto* l = qobject_cast<QLocalSocket*>(device.get()))
            return l->state() == QLocalSocket::ConnectedState;
        return static_cast<QTcpSocket*>(device.get())->state() == QAbstractSocket::ConnectedState;
    };
    while (!parser.isComplete() && !parser.hasError()) {
        QByteArray data = device->readAll();
        if (data.isEmpty()) {
            if (!connected()) {
                parser.feedEof();
                break;
            }
            if (deadline.hasExpired())
                return makeError(ErrorCode::Timeout,
                                 u"no complete answer within %1 ms"_s.arg(qint64(request.timeout.count())),
                                 where);
            device->waitForReadyRead(int(qMax<qint64>(1, qMin<qint64>(deadline.remainingTime(), 100))));
            continue;
        }
        parser.feed(data);
        response.body += parser.takeBody();
    }
    if (parser.hasError())
        return makeError(ErrorCode::Protocol, u"malformed response: %1"_s.arg(parser.errorString()), where);
    response.body += parser.takeBody();
    response.status = parser.status();
    response.reason = parser.reason();
    response.headers = parser.headers();
    return response;
}

} // namespace lbdeck
