// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TrafficMerge.h"

#include <QJsonArray>
#include <QMap>
#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

// Adds b's numbers named in `keys` into a's (counters stay exact: doubles hold integers to 2^53).
void addFields(QJsonObject& a, const QJsonObject& b, std::initializer_list<QLatin1StringView> keys)
{
    for (const QLatin1StringView k : keys)
        a[k] = a.value(k).toDouble() + b.value(k).toDouble();
}

QJsonObject sumObject(const QJsonObject& a, const QJsonObject& b,
                      std::initializer_list<QLatin1StringView> keys)
{
    QJsonObject out = a;
    addFields(out, b, keys);
    return out;
}

QJsonObject sumRtt(const QJsonObject& a, const QJsonObject& b)
{
    const qint64 na = a.value("count"_L1).toInteger();
    const qint64 nb = b.value("count"_L1).toInteger();
    if (na == 0)
        return b;
    if (nb == 0)
        return a;
    const double avg =
        (a.value("avgUs"_L1).toDouble() * double(na) + b.value("avgUs"_L1).toDouble() * double(nb)) /
        double(na + nb);
    return {{u"count"_s, na + nb},
            {u"minUs"_s, std::min(a.value("minUs"_L1).toInteger(), b.value("minUs"_L1).toInteger())},
            {u"maxUs"_s, std::max(a.value("maxUs"_L1).toInteger(), b.value("maxUs"_L1).toInteger())},
            {u"avgUs"_s, avg}};
}

QJsonObject sumL7(const QJsonObject& a, const QJsonObject& b)
{
    if (a.isEmpty())
        return b;
    if (b.isEmpty())
        return a;
    QJsonObject out = sumObject(a, b,
                                {"requests"_L1, "2xx"_L1, "3xx"_L1, "4xx"_L1, "5xx"_L1, "other"_L1,
                                 "retriedAway"_L1, "windowRequests"_L1});
    for (const QLatin1StringView k : {"p50Ms"_L1, "p95Ms"_L1, "p99Ms"_L1})
        out[k] = std::max(a.value(k).toDouble(-1), b.value(k).toDouble(-1));
    return out;
}

// The summed row's state: registered on any load balancer wins, then draining.
QString sumState(const QString& a, const QString& b)
{
    for (const QLatin1StringView s : {"registered"_L1, "draining"_L1, "unregistered"_L1})
        if (a == s || b == s)
            return s;
    return a;
}

QJsonObject sumUpstream(const QJsonObject& a, const QJsonObject& b)
{
    QJsonObject out = a;
    out[u"state"_s] = sumState(a.value("state"_L1).toString(), b.value("state"_L1).toString());
    for (const QLatin1StringView k : {"to"_L1, "from"_L1})
        out[k] = sumObject(a.value(k).toObject(), b.value(k).toObject(),
                           {"packets"_L1, "bytes"_L1, "syn"_L1, "rst"_L1, "fin"_L1});
    addFields(out, b, {"connections"_L1, "open"_L1, "probes"_L1});
    for (const QLatin1StringView k : {"rate1s"_L1, "rate10s"_L1})
        out[k] = sumObject(
            a.value(k).toObject(), b.value(k).toObject(),
            {"packetsTo"_L1, "packetsFrom"_L1, "bytesTo"_L1, "bytesFrom"_L1, "connections"_L1, "rst"_L1});
    out[u"rtt"_s] = sumRtt(a.value("rtt"_L1).toObject(), b.value("rtt"_L1).toObject());
    out[u"l7"_s] = sumL7(a.value("l7"_L1).toObject(), b.value("l7"_L1).toObject());
    out[u"nowMs"_s] = std::max(a.value("nowMs"_L1).toInteger(), b.value("nowMs"_L1).toInteger());
    out[u"balancers"_s] = a.value("balancers"_L1).toInt() + 1;
    return out;
}

QJsonArray mergeClients(const QList<BalancerTraffic>& balancers)
{
    QMap<QString, QJsonObject> byAddress;
    for (const BalancerTraffic& b : balancers) {
        for (const QJsonValue& v : b.traffic.value("clients"_L1).toObject().value("top"_L1).toArray()) {
            const QJsonObject c = v.toObject();
            const QString address = c.value("address"_L1).toString();
            auto it = byAddress.find(address);
            if (it == byAddress.end())
                byAddress.insert(address, c);
            else
                addFields(*it, c,
                          {"connections"_L1, "packetsIn"_L1, "packetsOut"_L1, "bytesIn"_L1, "bytesOut"_L1});
        }
    }
    QList<QJsonObject> all = byAddress.values();
    std::stable_sort(all.begin(), all.end(), [](const QJsonObject& a, const QJsonObject& b) {
        return a.value("connections"_L1).toInteger() > b.value("connections"_L1).toInteger();
    });
    QJsonArray out;
    for (qsizetype i = 0; i < all.size() && i < 10; ++i)
        out.append(all.at(i));
    return out;
}

} // namespace

QJsonObject mergeTraffic(const QList<BalancerTraffic>& balancers)
{
    if (balancers.size() == 1)
        return balancers.first().traffic;
    QJsonArray upstreams;
    QMap<QString, QJsonObject> sums; // by IP:PORT: sorted, as the engine sorts its rows
    QStringList captureErrors;
    QStringList accessLogErrors;
    QJsonArray warnings;
    bool capturing = false;
    bool listening = false;
    qint64 nowMs = 0;
    qint64 dropped = 0;
    qint64 overflow = 0;
    QMap<QString, QJsonObject> perBalancer; // "IP:PORT @ name" -> row
    for (const BalancerTraffic& b : balancers) {
        if (b.traffic.isEmpty()) {
            captureErrors << u"%1: traffic counters unavailable%2"_s.arg(
                b.name, b.error.isEmpty() ? u" (no answer yet)"_s : u": "_s + b.error);
            continue;
        }
        const qint64 now = b.traffic.value("nowMs"_L1).toInteger();
        nowMs = std::max(nowMs, now);
        const QJsonObject capture = b.traffic.value("capture"_L1).toObject();
        const QJsonObject accessLog = b.traffic.value("accessLog"_L1).toObject();
        capturing = capturing || capture.value("running"_L1).toBool();
        listening = listening || accessLog.value("listening"_L1).toBool();
        dropped += capture.value("dropped"_L1).toInteger();
        overflow += b.traffic.value("flows"_L1).toObject().value("overflow"_L1).toInteger();
        if (const QString e = capture.value("error"_L1).toString(); !e.isEmpty())
            captureErrors << u"%1: %2"_s.arg(b.name, e);
        if (const QString e = accessLog.value("error"_L1).toString(); !e.isEmpty())
            accessLogErrors << u"%1: %2"_s.arg(b.name, e);
        for (const QJsonValue& w : b.traffic.value("warnings"_L1).toArray())
            warnings.append(u"%1: %2"_s.arg(b.name, w.toString()));
        for (const QJsonValue& v : b.traffic.value("upstreams"_L1).toArray()) {
            QJsonObject o = v.toObject();
            const QString backend = o.value("address"_L1).toString();
            if (backend.isEmpty())
                continue;
            o[u"backend"_s] = backend;
            o[u"nowMs"_s] = now;
            auto sum = sums.find(backend);
            if (sum == sums.end()) {
                QJsonObject first = o;
                first[u"balancer"_s] = QString();
                first[u"balancers"_s] = 1;
                sums.insert(backend, first);
            } else {
                *sum = sumUpstream(*sum, o);
            }
            o[u"address"_s] = u"%1 @ %2"_s.arg(backend, b.name);
            o[u"balancer"_s] = b.name;
            perBalancer.insert(o.value("address"_L1).toString(), o);
        }
    }
    // Sorted by address: a backend's sum ("IP:PORT") comes right before its rows ("IP:PORT @ …").
    QMap<QString, QJsonObject> rows = perBalancer;
    for (auto it = sums.cbegin(); it != sums.cend(); ++it)
        rows.insert(it.key(), it.value());
    for (const QJsonObject& o : std::as_const(rows))
        upstreams.append(o);
    return {{u"nowMs"_s, nowMs},
            {u"balancers"_s, qint64(balancers.size())},
            {u"capture"_s, QJsonObject{{u"running"_s, capturing},
                                       {u"error"_s, captureErrors.join(u"; "_s)},
                                       {u"dropped"_s, dropped}}},
            {u"accessLog"_s,
             QJsonObject{{u"listening"_s, listening}, {u"error"_s, accessLogErrors.join(u"; "_s)}}},
            {u"flows"_s, QJsonObject{{u"overflow"_s, overflow}}},
            {u"clients"_s, QJsonObject{{u"top"_s, mergeClients(balancers)}}},
            {u"warnings"_s, warnings},
            {u"upstreams"_s, upstreams}};
}

} // namespace lbdeck
