// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "UpstreamProber.h"

#include "BackendAddress.h"
#include "core/http/HttpClient.h"
#include "core/traffic/TrafficCounters.h"

#include <QElapsedTimer>

using namespace Qt::StringLiterals;

namespace lbdeck {

UpstreamProber::UpstreamProber(QObject* parent)
    : QObject(parent)
{
    m_timer.setInterval(3000);
    connect(&m_timer, &QTimer::timeout, this, &UpstreamProber::probeNow);
    m_timer.start();
}

void UpstreamProber::setTargets(const QStringList& addresses)
{
    if (addresses == m_targets)
        return;
    const QStringList before = m_targets;
    m_targets = addresses;
    for (const QString& gone : before) {
        if (!m_targets.contains(gone))
            m_health.remove(gone);
    }
    probeNow();
}

void UpstreamProber::probeNow()
{
    for (const QString& address : std::as_const(m_targets)) {
        if (m_inFlight.value(address))
            continue;
        Result<BackendAddress> parsed = BackendAddress::parse(address.toLatin1());
        if (!parsed)
            continue; // never probe what would not be rendered
        m_inFlight[address] = true;
        auto* client = new HttpClient(HttpEndpoint::tcp(parsed->host, parsed->port), this);
        HttpRequest req;
        req.target = traffic::kProbeTarget; // the meter labels it as lbdeck's own
        req.headers.add("Connection", "close");
        req.timeout = std::chrono::milliseconds(1500);
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        client->send(req, this, [this, client, address, clock](const Result<HttpResponse>& r) {
            client->deleteLater();
            m_inFlight.remove(address);
            if (!m_targets.contains(address))
                return;
            Health h;
            h.at = QDateTime::currentDateTime();
            h.latencyMs = double(clock->nsecsElapsed()) / 1e6;
            if (r) {
                h.status = r->status;
                h.ok = r->status < 500;
                h.detail = h.ok ? QString() : u"HTTP %1"_s.arg(r->status);
            } else {
                h.detail = r.error().message;
            }
            m_health.insert(address, h);
            Q_EMIT probed(address);
        });
    }
}

} // namespace lbdeck
