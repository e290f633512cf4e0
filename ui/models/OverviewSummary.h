// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QString>

namespace lbdeck {

// The Overview's badges: what the whole cluster looks like in one line.
struct OverviewSummary
{
    int live = 0;       // backends nginx serves now
    int registered = 0; // backends with a valid key in etcd
    int running = 0;    // backend containers that run
    int reloadsLastHour = 0;
    bool reloadsCapped = false; // the engine's status lists its last reloads only: at least this many
    qint64 revision = 0;        // what the window's mirror of the prefix has seen
    qint64 watchLag = -1;       // revisions the engine is behind the window (-1: unknown)
    bool stale = false;         // etcd does not answer: everything from it may be old
    int problems = 0;
    bool operator==(const OverviewSummary&) const = default;
};

namespace overview {

// Applied reloads in the engine's ledger (its /status "ledger", the newest entries only) since
// now - 1 h; *capped when every listed entry is that recent (there may be more).
int reloadsSince(const QJsonObject& status, const QDateTime& since, bool* capped);
// The revision the engine's watch of `prefix` has reached (its /status "sources"), or -1.
qint64 engineRevision(const QJsonObject& status, const QByteArray& prefix);

// Requests per second per upstream address, from successive GET /traffic documents: the
// difference of each upstream's layer-7 request counter, on the engine's clock.
class RequestRates
{
public:
    // Returns the addresses whose rate changed.
    QList<QString> update(const QJsonObject& traffic);
    void clear();
    // -1 when unknown (no traffic document yet, or only one).
    double rate(const QString& address) const { return m_rate.value(address, -1); }

private:
    struct Sample
    {
        qint64 requests = 0;
        qint64 nowMs = 0;
    };
    QHash<QString, Sample> m_last;
    QHash<QString, double> m_rate;
};

} // namespace overview
} // namespace lbdeck
