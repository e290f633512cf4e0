// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <chrono>

namespace lbdeck {

class EngineLink;
class PrefixMirror;

// One load balancer as the fleet sees it: what its engine says it runs, and whether that is what
// etcd gives and what the others run.
struct BalancerState
{
    enum class Health
    {
        Waiting,     // no answer yet
        InSync,      // at etcd's newest change, serving what the others serve
        Lagging,     // answers, but behind etcd's newest change (or not following etcd) for the grace
        Disagreeing, // has seen etcd's newest change, as the others, but serves a different set, for the
                     // grace
        Unreachable  // its engine does not answer
    };
    QString name;
    QString engine; // the link's description: "lbdeck-engine at 127.0.0.1:9913"
    Health health = Health::Waiting;
    qint64 revision = 0; // the etcd revision its engine has seen for the profile's prefix
    QString configHash;  // the config nginx runs there
    QString since;       // when that config went live (ISO 8601, as the engine says)
    int servers = 0;     // upstream servers nginx runs there
    QString detail;      // why it is flagged, in words; empty while in sync
    bool operator==(const BalancerState&) const = default;
};

// Every load balancer of a profile, compared: each engine's /status against the window's own etcd
// mirror (lagging: its revision is older than the newest change under the prefix, or its etcd link
// is down) and against each other (disagreeing: both have seen that change and serve different
// servers). Both need to last `grace`, so a change on its way (a poll behind, a reload running) is not a
// flag.
class BalancerFleet : public QObject
{
    Q_OBJECT
public:
    explicit BalancerFleet(QByteArray prefix, QObject* parent = nullptr);

    void setMirror(PrefixMirror* mirror);                    // Not owned.
    void addBalancer(const QString& name, EngineLink* link); // Not owned.
    void setGrace(std::chrono::milliseconds grace) { m_grace = grace; }

    const QList<BalancerState>& states() const { return m_states; }
    int size() const { return int(m_states.size()); }
    // All reachable load balancers serve one set, and none is flagged.
    bool allInSync() const;
    // One line for the views: "2 load balancers serve the same 3 servers (revision 41)".
    QString summary() const;
    static QString healthName(BalancerState::Health health);

Q_SIGNALS:
    void changed();
    // A load balancer became flagged, or its flag cleared (health InSync), for the event log.
    void healthChanged(const QString& name, lbdeck::BalancerState::Health health, const QString& detail);

private:
    struct Tracked
    {
        QString name;
        QPointer<EngineLink> link;
        QDateTime behindSince;   // invalid while it follows etcd
        QDateTime disagreeSince; // invalid while it serves what the others serve
        QStringList sortedLive;  // what nginx serves there, sorted, as of its last status
    };
    void evaluate();
    BalancerState stateOf(Tracked& t, const QDateTime& now) const;
    qint64 revisionOf(const EngineLink& link) const;

    QByteArray m_prefix;
    QPointer<PrefixMirror> m_mirror;
    QList<Tracked> m_tracked;
    QList<BalancerState> m_states;
    std::chrono::milliseconds m_grace{2000};
    QTimer m_tick; // flags that become due while nothing else happens
};

} // namespace lbdeck
