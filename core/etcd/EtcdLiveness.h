// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

namespace lbdeck {

class EtcdKv;

// Whether what we hold from etcd is current: a cheap linearizable read (it fails without a leader,
// and a frozen member never answers it) every interval, each with its own timeout; `misses`
// failures in a row make the source stale, "since" the first of them. A watch connection that
// stays open to a frozen or partitioned member says nothing; this does. One model for the engine
// and the GUI: every 1 s, 1 s timeout, stale after 3 misses.
class EtcdLiveness : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds interval{1000};
        std::chrono::milliseconds timeout{1000};
        int misses = 3;
        // While stale, every `misses` misses move the client to its next endpoint (its watches
        // follow: PrefixMirror). Off for a client that another owner moves.
        bool failover = true;
    };

    EtcdLiveness(EtcdKv* kv, Options options, QObject* parent = nullptr); // kv: Not owned.
    void start();
    void stop();

    bool isStale() const { return m_stale; }
    // When the first of the misses that made it stale happened (invalid while live).
    const QDateTime& staleSince() const { return m_staleSince; }
    const QString& lastError() const { return m_lastError; }
    int missesInARow() const { return m_missed; }
    int answered() const { return m_answered; } // probes etcd answered, since start
    int failovers() const { return m_failovers; }
    const Options& options() const { return m_options; }
    // "etcd stale since 12:00:01 (3 probes missed: connection refused)", or empty while live.
    QString describe() const;

Q_SIGNALS:
    void staleChanged(bool stale);
    // It moved the client on: `from` had missed `misses` probes in a row.
    void failedOver(const QString& from, const QString& to);

private:
    void probe();
    void answered(quint64 generation, bool ok, const QString& error);

    QPointer<EtcdKv> m_kv;
    Options m_options;
    QTimer m_timer;
    QObject* m_inFlight = nullptr; // Owned; deleting it abandons the probe.
    quint64 m_generation = 0;
    int m_missed = 0;
    int m_answered = 0;
    int m_failovers = 0;
    bool m_stale = false;
    QDateTime m_firstMiss;
    QDateTime m_staleSince;
    QString m_lastError;
};

} // namespace lbdeck
