// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QStringList>

#include "core/util/Result.h"

#include <functional>

namespace lbdeck {

// What the reconciliation engine says about itself (its /status and /config), whether it runs on
// the load-balancer node (reached over HTTP, through an SSH tunnel when remote) or inside the app.
class EngineLink : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual QString describe() const = 0;
    virtual void refresh() = 0;

    bool isReachable() const { return m_reachable; }
    const QString& lastError() const { return m_lastError; }
    // When the link stopped answering (invalid while reachable).
    const QDateTime& unreachableSince() const { return m_unreachableSince; }
    const QJsonObject& status() const { return m_status; }
    // The config the engine last put live, as nginx runs it.
    const QByteArray& config() const { return m_config; }
    // The engine's last render for the current etcd state; differs from config() while a change
    // is on its way or was refused (a failed check, too few backends).
    const QByteArray& rendered() const { return m_rendered; }
    QString configHash() const;
    // Values in the config nginx runs (the engine confirmed it), and values the engine accepted from
    // etcd for the next render (sorted). Read once per status, not per question: a table of 10,000
    // backends asks for every cell it paints.
    const QStringList& liveValues() const { return m_live; }
    const QStringList& acceptedValues() const { return m_accepted; }
    bool isLive(const QString& value) const { return m_liveSet.contains(value); }
    bool isAccepted(const QString& value) const { return m_acceptedSet.contains(value); }
    qint64 reloads() const;
    // Servers nginx still runs although etcd no longer gives them: the engine kept the last good
    // config (an empty upstream, too few backends, a failed check). Empty while nginx follows etcd.
    const QStringList& servedButUnregistered() const { return m_servedButUnregistered; }
    // The engine's newest error (it says why it kept the last good config), if any.
    QString lastEngineError() const;
    // Values that reach a confd template verbatim although nginx may read them as syntax
    // ("key: reason"), from /status; reported, never changed.
    QStringList valueWarnings() const;

    // The engine's traffic counters (its GET /traffic, see core/traffic/TrafficService.h) and its
    // tcpdump line feed. Fetched only while somebody wants them (the Traffic view while shown): a
    // 1,000-backend document is large. Empty, with trafficError() saying why, when unavailable.
    void setTrafficWanted(bool wanted);
    // Besides the view: each hold (a drain waiting on the meter) keeps traffic fetched until released.
    void holdTraffic(bool hold);
    bool isTrafficWanted() const { return m_trafficWanted || m_trafficHolds > 0; }
    const QJsonObject& traffic() const { return m_traffic; }
    const QString& trafficError() const { return m_trafficError; }
    // Export capture: the engine records `seconds` of what its meter sees; `done` gets the pcap file
    // and how many packets it holds (or why not), on `context`'s thread, unless context is gone.
    using CaptureDone = std::function<void(const Result<QByteArray>& file, quint64 packets)>;
    virtual void recordCapture(int seconds, QObject* context, CaptureDone done);

Q_SIGNALS:
    void updated();
    void reachabilityChanged(bool reachable, const QString& error);
    void trafficUpdated();
    // tcpdump -q lines the engine captured since the last ones (markers "[N lines not shown]").
    void trafficLines(const QStringList& lines);

protected:
    void setStatus(QJsonObject status);
    void setConfig(QByteArray config) { m_config = std::move(config); }
    void setRendered(QByteArray rendered) { m_rendered = std::move(rendered); }
    void setUnreachable(const QString& error);
    void setTraffic(QJsonObject traffic);
    void setTrafficError(const QString& error);
    // Called when wanted changes; a link that polls starts or stops fetching.
    virtual void trafficWantedChanged() {}

private:
    QJsonObject m_status;
    QStringList m_live;
    QStringList m_accepted;
    QSet<QString> m_liveSet;
    QSet<QString> m_acceptedSet;
    QStringList m_servedButUnregistered;
    QByteArray m_config;
    QByteArray m_rendered;
    bool m_reachable = false;
    QDateTime m_unreachableSince;
    QString m_lastError;
    bool m_trafficWanted = false;
    int m_trafficHolds = 0;
    QJsonObject m_traffic;
    QString m_trafficError;
};

} // namespace lbdeck
