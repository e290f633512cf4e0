// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace lbdeck {

// Active health checks of upstream servers, as nginx would see them: an HTTP GET / to each
// host:port, with its status and latency. Probes run in parallel, each with a short timeout, on
// loopback or wherever the servers are (only servers the cluster itself lists).
class UpstreamProber : public QObject
{
    Q_OBJECT
public:
    struct Health
    {
        bool ok = false;
        int status = 0; // HTTP status, 0 when nothing answered
        double latencyMs = 0;
        QString detail; // the error when not ok
        QDateTime at;
    };

    explicit UpstreamProber(QObject* parent = nullptr);
    void setTargets(const QStringList& addresses); // host:port or [v6]:port
    void setInterval(std::chrono::milliseconds interval) { m_timer.setInterval(interval); }
    void probeNow();
    Health health(const QString& address) const { return m_health.value(address); }
    bool has(const QString& address) const { return m_health.contains(address); }

Q_SIGNALS:
    void probed(const QString& address);

private:
    QStringList m_targets;
    QHash<QString, Health> m_health;
    QHash<QString, bool> m_inFlight;
    QTimer m_timer;
};

} // namespace lbdeck
