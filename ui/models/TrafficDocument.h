// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/TrafficCounters.h"

#include <QJsonObject>
#include <QString>

#include <vector>

namespace lbdeck {

// What TrafficModel takes from a GET /traffic document, read into plain values. Reading 1,000
// upstreams out of a QJsonObject is a few milliseconds of string lookups, so the Traffic view does
// it on a worker thread (decodeTraffic touches nothing but its argument) and hands the model this.
struct TrafficUpstream
{
    QString address;  // the row's key: "IP:PORT", or "IP:PORT @ lb"
    QString backend;  // "IP:PORT"
    QString balancer; // empty: the only load balancer, or the summed row
    int balancers = 0;
    qint64 nowMs = 0; // the counting engine's clock
    traffic::DirectionCounters to;
    traffic::DirectionCounters from;
    std::uint64_t connections = 0;
    QString state;
    qint64 probes = 0;
    // Over the last second.
    double packetsRate = 0;
    double bytesToRate = 0;
    double bytesFromRate = 0;
    double connectionsRate = 0;
    double rstRate = 0;
    qint64 open = 0;
    double rttMs = -1; // -1: none measured
    // Layer 7.
    qint64 requests = 0;
    qint64 s2xx = 0;
    qint64 s4xx = 0;
    qint64 s5xx = 0;
    double p99 = -1; // -1: no complete window
};

struct TrafficDocument
{
    qint64 nowMs = 0;
    bool perBalancer = false;               // rows per load balancer plus summed ones
    std::vector<TrafficUpstream> upstreams; // by address, each once
};

TrafficDocument decodeTraffic(const QJsonObject& traffic);

} // namespace lbdeck
