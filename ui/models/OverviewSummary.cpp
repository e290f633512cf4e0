// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "OverviewSummary.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace lbdeck::overview {

int reloadsSince(const QJsonObject& status, const QDateTime& since, bool* capped)
{
    const QJsonArray ledger = status.value("ledger"_L1).toArray();
    int count = 0;
    int recent = 0;
    for (const QJsonValue& v : ledger) {
        const QJsonObject e = v.toObject();
        if (QDateTime::fromString(e.value("at"_L1).toString(), Qt::ISODateWithMs) < since)
            continue;
        ++recent;
        if (e.value("outcome"_L1).toString() == "applied"_L1)
            ++count;
    }
    if (capped) // the engine lists its last 20; all of them this hour: there may have been more
        *capped = !ledger.isEmpty() && recent == ledger.size() && ledger.size() >= 20;
    return count;
}

qint64 engineRevision(const QJsonObject& status, const QByteArray& prefix)
{
    const QString wanted = QString::fromUtf8(prefix);
    for (const QJsonValue& v : status.value("sources"_L1).toArray()) {
        const QJsonObject s = v.toObject();
        if (s.value("prefix"_L1).toString() == wanted)
            return s.value("revision"_L1).toString().toLongLong();
    }
    return -1;
}

QList<QString> RequestRates::update(const QJsonObject& traffic)
{
    QList<QString> changed;
    const qint64 nowMs = traffic.value("nowMs"_L1).toInteger();
    const QJsonArray upstreams = traffic.value("upstreams"_L1).toArray();
    QHash<QString, Sample> next;
    next.reserve(upstreams.size());
    for (const QJsonValue& u : upstreams) {
        const QJsonObject o = u.toObject();
        const QString address = o.value("address"_L1).toString();
        const Sample now{o.value("l7"_L1).toObject().value("requests"_L1).toInteger(), nowMs};
        const auto last = m_last.constFind(address);
        double rate = -1;
        if (last != m_last.cend() && nowMs > last->nowMs)
            rate = now.requests >= last->requests
                       ? double(now.requests - last->requests) * 1000.0 / double(nowMs - last->nowMs)
                       : 0.0; // the engine restarted: a new baseline
        else if (last != m_last.cend())
            rate = m_rate.value(address, -1);
        next.insert(address, now);
        if (rate != m_rate.value(address, -1)) {
            changed << address;
            if (rate < 0)
                m_rate.remove(address);
            else
                m_rate.insert(address, rate);
        }
    }
    for (auto it = m_rate.begin(); it != m_rate.end();) {
        if (!next.contains(it.key())) {
            changed << it.key();
            it = m_rate.erase(it);
        } else {
            ++it;
        }
    }
    m_last = std::move(next);
    return changed;
}

void RequestRates::clear()
{
    m_last.clear();
    m_rate.clear();
}

} // namespace lbdeck::overview
