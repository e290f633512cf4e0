// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BalancerFleet.h"

#include "EngineLink.h"
#include "core/etcd/PrefixMirror.h"

#include <QHash>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace lbdeck {

BalancerFleet::BalancerFleet(QByteArray prefix, QObject* parent)
    : QObject(parent)
    , m_prefix(std::move(prefix))
{
    m_tick.setInterval(500);
    connect(&m_tick, &QTimer::timeout, this, &BalancerFleet::evaluate);
}

void BalancerFleet::setMirror(PrefixMirror* mirror)
{
    m_mirror = mirror;
    connect(mirror, &PrefixMirror::changed, this, &BalancerFleet::evaluate);
    evaluate();
}

void BalancerFleet::addBalancer(const QString& name, EngineLink* link)
{
    m_tracked.append(Tracked{name, link, {}, {}, {}});
    // The served set, sorted once per status rather than once per evaluation.
    connect(link, &EngineLink::updated, this, [this, index = m_tracked.size() - 1] {
        Tracked& t = m_tracked[index];
        if (t.link) {
            t.sortedLive = t.link->liveValues();
            t.sortedLive.sort();
        }
        evaluate();
    });
    connect(link, &EngineLink::reachabilityChanged, this, &BalancerFleet::evaluate);
    m_tick.start();
    evaluate();
}

QString BalancerFleet::healthName(BalancerState::Health health)
{
    switch (health) {
    case BalancerState::Health::Waiting:
        return tr("waiting");
    case BalancerState::Health::InSync:
        return tr("in sync");
    case BalancerState::Health::Lagging:
        return tr("lagging");
    case BalancerState::Health::Disagreeing:
        return tr("disagrees");
    case BalancerState::Health::Unreachable:
        return tr("unreachable");
    }
    return QString();
}

qint64 BalancerFleet::revisionOf(const EngineLink& link) const
{
    // The source that reads the profile's prefix; an engine configured otherwise: its newest.
    qint64 newest = 0;
    for (const QJsonValue& v : link.status().value(u"sources"_s).toArray()) {
        const QJsonObject source = v.toObject();
        const qint64 revision = source.value(u"revision"_s).toString().toLongLong();
        if (source.value(u"prefix"_s).toString().toUtf8() == m_prefix)
            return revision;
        newest = qMax(newest, revision);
    }
    return newest;
}

BalancerState BalancerFleet::stateOf(Tracked& t, const QDateTime& now) const
{
    BalancerState s;
    s.name = t.name;
    if (!t.link) {
        s.health = BalancerState::Health::Unreachable;
        s.detail = tr("its engine link is gone");
        return s;
    }
    const EngineLink& link = *t.link;
    s.engine = link.describe();
    if (!link.isReachable()) {
        t.behindSince = {};
        t.disagreeSince = {};
        s.health =
            link.lastError().isEmpty() ? BalancerState::Health::Waiting : BalancerState::Health::Unreachable;
        if (s.health == BalancerState::Health::Unreachable)
            s.detail =
                tr("%1 (since %2)")
                    .arg(link.lastError(), link.unreachableSince().toLocalTime().toString(u"HH:mm:ss"_s));
        return s;
    }
    s.revision = revisionOf(link);
    s.configHash = link.configHash();
    s.servers = int(link.liveValues().size());
    s.since = link.status().value(u"targets"_s).toArray().first().toObject().value(u"since"_s).toString();
    QString behind;
    for (const QJsonValue& v : link.status().value(u"sources"_s).toArray()) {
        const QJsonObject source = v.toObject();
        const QString state = source.value(u"state"_s).toString();
        if (state != u"Live"_s) {
            const QString error = source.value(u"lastError"_s).toString();
            behind = error.isEmpty() ? tr("its etcd link is %1").arg(state.toLower())
                                     : tr("its etcd link is %1: %2").arg(state.toLower(), error);
            break;
        }
    }
    const qint64 newest = m_mirror ? m_mirror->lastChangeRevision() : 0;
    if (behind.isEmpty() && s.revision < newest)
        behind = tr("at revision %1, but etcd changed at revision %2").arg(s.revision).arg(newest);
    if (behind.isEmpty()) {
        t.behindSince = {};
        s.health = BalancerState::Health::InSync;
        return s;
    }
    if (!t.behindSince.isValid())
        t.behindSince = now;
    if (t.behindSince.msecsTo(now) < m_grace.count()) {
        s.health = BalancerState::Health::InSync; // a change on its way: not yet a flag
        return s;
    }
    s.health = BalancerState::Health::Lagging;
    s.detail = tr("%1 (since %2)").arg(behind, t.behindSince.toLocalTime().toString(u"HH:mm:ss"_s));
    return s;
}

void BalancerFleet::evaluate()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<BalancerState> next;
    for (Tracked& t : m_tracked)
        next << stateOf(t, now);
    // Those that have seen etcd's newest change under the prefix: do they serve one set? (Their
    // store revisions may differ: the store moves with keys elsewhere.) Without a mirror, those
    // at the newest revision among them.
    qint64 top = m_mirror ? m_mirror->lastChangeRevision() : 0;
    if (!m_mirror) {
        for (const BalancerState& s : std::as_const(next)) {
            if (s.health == BalancerState::Health::InSync)
                top = qMax(top, s.revision);
        }
    }
    QList<int> compared;
    QHash<QStringList, int> groups; // served set -> how many serve it
    QList<QStringList> sets(next.size());
    for (int i = 0; i < next.size(); ++i) {
        if (next[i].health != BalancerState::Health::InSync || next[i].revision < top || !m_tracked[i].link)
            continue;
        sets[i] = m_tracked[i].sortedLive;
        ++groups[sets[i]];
        compared << i;
    }
    int largest = 0;
    int largestGroups = 0;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        if (it.value() > largest) {
            largest = it.value();
            largestGroups = 1;
        } else if (it.value() == largest) {
            ++largestGroups;
        }
    }
    for (int i = 0; i < next.size(); ++i) {
        Tracked& t = m_tracked[i];
        // In the majority (a unique largest group): not in disagreement; a tie flags everyone.
        const bool odd = compared.contains(i) && groups.size() > 1 &&
                         (largestGroups > 1 || groups.value(sets[i]) != largest);
        if (!odd) {
            t.disagreeSince = {};
            continue;
        }
        if (!t.disagreeSince.isValid())
            t.disagreeSince = now;
        if (t.disagreeSince.msecsTo(now) < m_grace.count())
            continue;
        QStringList others;
        for (int j : std::as_const(compared)) {
            if (j != i && sets[j] != sets[i])
                others << tr("%1 serves %2").arg(next[j].name).arg(next[j].servers);
        }
        next[i].health = BalancerState::Health::Disagreeing;
        next[i].detail =
            tr("serves %1 servers at revision %2; %3 (since %4)")
                .arg(next[i].servers)
                .arg(next[i].revision)
                .arg(others.join(u"; "_s), t.disagreeSince.toLocalTime().toString(u"HH:mm:ss"_s));
    }
    if (next == m_states)
        return;
    const QList<BalancerState> before = std::exchange(m_states, next);
    for (int i = 0; i < m_states.size(); ++i) {
        const BalancerState::Health was =
            i < before.size() ? before[i].health : BalancerState::Health::Waiting;
        const BalancerState::Health is = m_states[i].health;
        const bool quietStart = was == BalancerState::Health::Waiting && is == BalancerState::Health::InSync;
        if (was != is && !quietStart && is != BalancerState::Health::Waiting)
            Q_EMIT healthChanged(m_states[i].name, is, m_states[i].detail);
    }
    Q_EMIT changed();
}

bool BalancerFleet::allInSync() const
{
    return std::all_of(m_states.cbegin(), m_states.cend(),
                       [](const BalancerState& s) { return s.health == BalancerState::Health::InSync; });
}

QString BalancerFleet::summary() const
{
    if (m_states.isEmpty())
        return tr("No load balancer's engine is configured in this profile.");
    if (allInSync()) {
        const BalancerState& s = m_states.first();
        if (m_states.size() == 1)
            return tr("%1 serves %2 servers (revision %3, config %4).")
                .arg(s.name)
                .arg(s.servers)
                .arg(s.revision)
                .arg(s.configHash.left(12));
        return tr("All %1 load balancers serve the same %2 servers (revision %3, config %4).")
            .arg(m_states.size())
            .arg(s.servers)
            .arg(s.revision)
            .arg(s.configHash.left(12));
    }
    QStringList parts;
    for (const BalancerState& s : m_states) {
        if (s.health == BalancerState::Health::InSync)
            continue;
        parts << (s.detail.isEmpty() ? tr("%1 %2").arg(s.name, healthName(s.health))
                                     : tr("%1 %2: %3").arg(s.name, healthName(s.health), s.detail));
    }
    return parts.join(u"\n"_s);
}

} // namespace lbdeck
