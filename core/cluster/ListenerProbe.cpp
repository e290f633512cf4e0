// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ListenerProbe.h"

#include "core/http/HttpClient.h"
#include "core/traffic/TrafficCounters.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

namespace lbdeck::probe {

void listener(const QString& host, quint16 port, std::chrono::milliseconds timeout, QObject* context,
              Callback<bool> callback)
{
    auto* socket = new QTcpSocket(context);
    auto* timer = new QTimer(socket);
    timer->setSingleShot(true);
    // One answer only, whichever of connected / error / timeout comes first.
    auto answer = std::make_shared<Callback<bool>>(std::move(callback));
    auto reply = [socket, answer](bool accepted) {
        if (!*answer)
            return;
        const Callback<bool> cb = std::move(*answer);
        *answer = nullptr;
        socket->abort();
        socket->deleteLater();
        cb(accepted);
    };
    QObject::connect(socket, &QTcpSocket::connected, socket, [reply] { reply(true); });
    QObject::connect(socket, &QTcpSocket::errorOccurred, socket, [reply] { reply(false); });
    QObject::connect(timer, &QTimer::timeout, socket, [reply] { reply(false); });
    timer->start(timeout);
    socket->connectToHost(host, port);
}

void untilAnswers(const QString& host, quint16 port, std::chrono::milliseconds deadline,
                  std::chrono::milliseconds interval, QObject* context, Callback<void> callback)
{
    struct State
    {
        QElapsedTimer clock;
        QString lastError = u"nothing answered"_s;
        std::function<void()> attempt;
    };
    auto state = std::make_shared<State>();
    state->clock.start();
    QPointer<QObject> ctx(context);
    // The pending request or timer holds the state; the attempt refers to it weakly (no cycle).
    state->attempt = [host, port, deadline, interval, ctx, callback, weak = std::weak_ptr(state)] {
        const std::shared_ptr<State> s = weak.lock();
        if (!s || !ctx)
            return;
        auto* client = new HttpClient(HttpEndpoint::tcp(host, port), ctx);
        HttpRequest req;
        req.target = traffic::kProbeTarget; // the meter labels it as lbdeck's own
        req.headers.add("Connection", "close");
        req.timeout = interval * 4;
        client->send(
            req, ctx,
            [s, client, host, port, deadline, interval, ctx, callback](const Result<HttpResponse>& r) {
                client->deleteLater();
                if (r && r->status < 500)
                    return callback({});
                s->lastError = r ? u"HTTP %1"_s.arg(r->status) : r.error().message;
                if (s->clock.elapsed() >= deadline.count())
                    return callback(
                        makeError(ErrorCode::Timeout, u"%1:%2 did not answer within %3 s (%4)"_s.arg(host)
                                                          .arg(port)
                                                          .arg(double(deadline.count()) / 1000.0)
                                                          .arg(s->lastError)));
                if (ctx)
                    QTimer::singleShot(interval, ctx, [s] { s->attempt(); });
            });
    };
    state->attempt();
}

} // namespace lbdeck::probe
