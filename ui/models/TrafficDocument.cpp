// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TrafficDocument.h"

#include <QJsonArray>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

std::uint64_t count(const QJsonObject& o, QLatin1StringView name)
{
    return std::uint64_t(qMax<qint64>(0, o.value(name).toInteger()));
}

traffic::DirectionCounters counters(const QJsonObject& o)
{
    traffic::DirectionCounters c;
    c.packets = count(o, "packets"_L1);
    c.bytes = count(o, "bytes"_L1);
    c.syn = count(o, "syn"_L1);
    c.rst = count(o, "rst"_L1);
    c.fin = count(o, "fin"_L1);
    return c;
}

TrafficUpstream upstream(const QJsonObject& o, QString address, qint64 nowMs)
{
    TrafficUpstream u;
    u.address = std::move(address);
    u.backend = o.value("backend"_L1).toString(u.address);
    u.balancer = o.value("balancer"_L1).toString();
    u.balancers = o.value("balancers"_L1).toInt();
    u.nowMs = o.value("nowMs"_L1).toInteger(nowMs);
    u.to = counters(o.value("to"_L1).toObject());
    u.from = counters(o.value("from"_L1).toObject());
    u.connections = count(o, "connections"_L1);
    u.state = o.value("state"_L1).toString();
    u.probes = o.value("probes"_L1).toInteger();
    const QJsonObject r1 = o.value("rate1s"_L1).toObject();
    u.packetsRate = r1.value("packetsTo"_L1).toDouble() + r1.value("packetsFrom"_L1).toDouble();
    u.bytesToRate = r1.value("bytesTo"_L1).toDouble();
    u.bytesFromRate = r1.value("bytesFrom"_L1).toDouble();
    u.connectionsRate = r1.value("connections"_L1).toDouble();
    u.rstRate = r1.value("rst"_L1).toDouble();
    u.open = o.value("open"_L1).toInteger();
    const QJsonObject rtt = o.value("rtt"_L1).toObject();
    u.rttMs = rtt.value("count"_L1).toInteger() > 0 ? rtt.value("avgUs"_L1).toDouble() / 1000.0 : -1;
    const QJsonObject l7 = o.value("l7"_L1).toObject();
    u.requests = l7.value("requests"_L1).toInteger();
    u.s2xx = l7.value("2xx"_L1).toInteger();
    u.s4xx = l7.value("4xx"_L1).toInteger();
    u.s5xx = l7.value("5xx"_L1).toInteger();
    u.p99 = l7.value("p99Ms"_L1).toDouble(-1);
    return u;
}

} // namespace

TrafficDocument decodeTraffic(const QJsonObject& traffic)
{
    TrafficDocument d;
    d.nowMs = traffic.value("nowMs"_L1).toInteger();
    d.perBalancer = traffic.value("balancers"_L1).toInt() > 1;
    const QJsonArray upstreams = traffic.value("upstreams"_L1).toArray();
    d.upstreams.reserve(std::size_t(upstreams.size()));
    for (const QJsonValue& v : upstreams) {
        const QJsonObject o = v.toObject();
        QString address = o.value("address"_L1).toString();
        if (!address.isEmpty())
            d.upstreams.push_back(upstream(o, std::move(address), d.nowMs));
    }
    const auto byAddress = [](const TrafficUpstream& a, const TrafficUpstream& b) {
        return a.address < b.address;
    };
    if (!std::is_sorted(d.upstreams.begin(), d.upstreams.end(), byAddress)) // the engine sorts them already
        std::stable_sort(d.upstreams.begin(), d.upstreams.end(), byAddress);
    d.upstreams.erase(std::unique(d.upstreams.begin(), d.upstreams.end(),
                                  [](const TrafficUpstream& a, const TrafficUpstream& b) {
                                      return a.address == b.address;
                                  }),
                      d.upstreams.end());
    return d;
}

} // namespace lbdeck
