// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/AccessLogReceiver.h"
#include "core/traffic/L7Stats.h"
#include "core/traffic/LineFeed.h"
#include "core/traffic/TrafficConfig.h"
#include "core/traffic/TrafficHistory.h"
#include "core/traffic/TrafficMeter.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <functional>

namespace lbdeck::traffic {

// Everything the engine knows about traffic, in one place: the libpcap meter, nginx's access-log
// lines, their history and the tcpdump line feed, for GET /traffic, /traffic/lines and /metrics.
// A capture that cannot start (no permission, no interface) is reported, not fatal: the layer-7
// numbers still come. The upstream set is what nginx serves; a server that leaves it keeps its row.
class TrafficService : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<qint64()>; // milliseconds since the epoch

    explicit TrafficService(TrafficConfig config, Clock clock = {}, QObject* parent = nullptr);
    ~TrafficService() override;

    // Starts capture and the access-log socket; each failure is kept (captureError(),
    // accessLogError()) and logged once.
    void start(const QStringList& upstreams);
    void stop();
    // What nginx serves now ("IP:PORT" each; other values are left out). Cheap when unchanged.
    void setUpstreams(const QStringList& upstreams);

    const QString& captureError() const { return m_captureError; }
    const QString& accessLogError() const { return m_accessLogError; }
    const QString& interface() const { return m_interface; }
    const TrafficMeter& meter() const { return m_meter; }
    const AccessLogReceiver& accessLog() const { return m_receiver; }
    // Every warning an operator should see: drops, flow-table overflow, lost access-log lines.
    QStringList warnings() const;

    // GET /traffic (docs/traffic.md has the schema).
    QJsonObject toJson();
    // GET /traffic/lines: the feed's lines numbered above `after`; *last gets the newest number.
    QStringList linesAfter(quint64 after, quint64* last) const;
    // Export capture: records what the meter sees for `seconds` (at most 300, 64 MB), in memory.
    Result<void> startRecording(int seconds);
    // {"state": "idle"|"recording"|"ready", "seconds", "remainingMs", "packets", "bytes", "truncated"}
    QJsonObject recordingStatus() const;
    // The finished recording (a pcap file) and its packet count; the service forgets it.
    QByteArray takeRecording(quint64* packets);
    // The /metrics lines (Prometheus text), with upstream and direction labels.
    QByteArray metricsText();

private:
    qint64 now() const;
    void sample();

    TrafficConfig m_config;
    Clock m_clock;
    TrafficMeter m_meter;
    AccessLogReceiver m_receiver;
    L7Stats m_l7;
    TrafficHistory m_history;
    LineFeed m_lines;
    QTimer m_sampler;
    QStringList m_upstreams;
    QString m_interface;
    QString m_captureError;
    QString m_accessLogError;
    QStringList m_startWarnings;
    qint64 m_startedMs = 0;
    QTimer m_recordTimer;
    int m_recordSeconds = 0;
    QByteArray m_recording; // the last finished one, until taken
    std::uint64_t m_recordingPackets = 0;
    bool m_recordingTruncated = false;
};

} // namespace lbdeck::traffic
