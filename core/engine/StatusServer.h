// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QObject>
#include <QPointer>

class QHttpServer;

namespace lbdeck {

class Engine;
namespace traffic {
class TrafficService;
}

// The engine's status endpoint, on loopback by default (the GUI reaches a remote one through an
// SSH tunnel): GET /status (JSON), GET /config (the config running now), GET /rendered (the last
// render, applied or not), GET /metrics (Prometheus).
class StatusServer : public QObject
{
    Q_OBJECT
public:
    StatusServer(Engine* engine, QObject* parent = nullptr);
    ~StatusServer() override;
    // "127.0.0.1:9913"; port 0 picks a free one. Returns the port.
    Result<quint16> listen(const QString& hostPort);
    // Serves GET /traffic (JSON), GET /traffic/lines?after=N (tcpdump -q lines) and adds the
    // traffic counters to /metrics. Not owned; without it /traffic answers 404 with the reason.
    void setTraffic(traffic::TrafficService* traffic);

private:
    QPointer<Engine> m_engine;
    QPointer<traffic::TrafficService> m_traffic;
    QHttpServer* m_server = nullptr; // Owned.
};

} // namespace lbdeck
