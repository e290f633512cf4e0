// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EtcdKv.h"

#include <QMap>
#include <QPointer>
#include <QTimer>

#include <optional>

namespace lbdeck {

struct KvChange
{
    QByteArray key;
    std::optional<QByteArray> before; // absent: the key is new
    std::optional<QByteArray> after;  // absent: the key is gone
};

// A live local copy of everything under a key prefix: read once, then kept current by a watch
// from the revision after the read. When the server lost the history the watch needs (compaction,
// v2's cleared index), it reads the prefix again, reports the difference as ordinary changes and
// says so with resynced(). A failed read never empties the copy: an error is not an empty prefix.
class PrefixMirror : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        Loading,
        Live,
        Reconnecting
    };
    Q_ENUM(State)

    PrefixMirror(EtcdKv* kv, QByteArray prefix, QObject* parent = nullptr);
    ~PrefixMirror() override;

    void start();
    void stop();
    // Drops the watch and watches again on the client's current endpoint (after a failover: done on
    // the client's endpointChanged()), from
    // the revision after the last one it saw; a compacted history there means a full read, as
    // always. Nothing is lost and nothing is reported twice. Before the first read: nothing to do.
    void reconnect(const QString& reason);

    const QByteArray& prefix() const { return m_prefix; }
    const QMap<QByteArray, KeyValue>& entries() const { return m_entries; }
    qint64 revision() const { return m_revision; }
    // The newest revision at which a key under the prefix is known to have changed (a put's or a
    // delete's own revision; at a read, the newest mod revision of what it holds). Unlike revision(),
    // which follows the whole store, a reader that has seen this revision has seen every change.
    qint64 lastChangeRevision() const { return m_lastChangeRevision; }
    bool isLoaded() const { return m_loaded; }
    State state() const { return m_state; }
    QString lastError() const { return m_lastError; }
    int loads() const { return m_loads; }

Q_SIGNALS:
    void changed(const QList<lbdeck::KvChange>& changes, qint64 revision);
    // The whole prefix was (re)read; reason says why: "initial read", "history compacted at 42".
    void resynced(const QString& reason, qint64 revision);
    void stateChanged(lbdeck::PrefixMirror::State state, const QString& detail);

private:
    void load(const QString& reason);
    void applySnapshot(const KvSnapshot& snapshot, const QString& reason);
    void applyEvents(const QList<WatchEvent>& events, qint64 revision);
    void setState(State state, const QString& detail);
    void startWatch(qint64 fromRevision);

    QPointer<EtcdKv> m_kv;
    QByteArray m_prefix;
    QMap<QByteArray, KeyValue> m_entries;
    qint64 m_revision = 0;
    qint64 m_lastChangeRevision = 0;
    qint64 m_seenRevision = 0; // every change up to it has been applied: the resume point
    bool m_loaded = false;
    bool m_running = false;
    int m_loads = 0;
    State m_state = State::Idle;
    QString m_lastError;
    EtcdWatch* m_watch = nullptr; // Owned (child).
    QTimer m_retry;
    int m_backoffMs = 0;
    QObject* m_loadContext = nullptr; // Owned; deleting it cancels an outstanding read.
};

} // namespace lbdeck
