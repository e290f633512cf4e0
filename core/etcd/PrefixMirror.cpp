// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "PrefixMirror.h"

#include "core/util/Logging.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

PrefixMirror::PrefixMirror(EtcdKv* kv, QByteArray prefix, QObject* parent)
    : QObject(parent)
    , m_kv(kv)
    , m_prefix(std::move(prefix))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, [this] { load(u"retry after a failed read"_s); });
    // A watch stays with the endpoint it was opened on: when the client moves on, so does it.
    // Queued: the signal can come from inside the watch's own reply handler, which must not see its
    // watch deleted under it.
    if (kv)
        connect(
            kv, &EtcdKv::endpointChanged, this,
            [this](const QString& endpoint) { reconnect(u"etcd endpoint is now %1"_s.arg(endpoint)); },
            Qt::QueuedConnection);
}

PrefixMirror::~PrefixMirror()
{
    stop();
}

void PrefixMirror::start()
{
    if (m_running)
        return;
    m_running = true;
    load(u"initial read"_s);
}

void PrefixMirror::stop()
{
    m_running = false;
    m_retry.stop();
    delete std::exchange(m_watch, nullptr);
    delete std::exchange(m_loadContext, nullptr);
    if (m_state != State::Idle)
        setState(State::Idle, QString());
}

void PrefixMirror::setState(State state, const QString& detail)
{
    if (m_state == state && detail == m_lastError)
        return;
    m_state = state;
    if (!detail.isEmpty())
        m_lastError = detail;
    Q_EMIT stateChanged(state, detail);
}

void PrefixMirror::load(const QString& reason)
{
    if (!m_running || !m_kv)
        return;
    delete std::exchange(m_watch, nullptr);
    delete m_loadContext;
    m_loadContext = new QObject(this);
    setState(m_loaded ? State::Reconnecting : State::Loading, QString());
    m_kv->getPrefix(m_prefix, m_loadContext, [this, reason](const Result<KvSnapshot>& snap) {
        delete std::exchange(m_loadContext, nullptr);
        if (!snap) {
            // Keep what we have: a cluster we cannot read is not a cluster with no backends.
            m_backoffMs = m_backoffMs == 0 ? 100 : qMin(3000, m_backoffMs * 2);
            setState(State::Reconnecting, snap.error().toString());
            m_retry.start(m_backoffMs);
            return;
        }
        m_backoffMs = 0;
        applySnapshot(*snap, reason);
        startWatch(snap->revision + 1);
    });
}

void PrefixMirror::applySnapshot(const KvSnapshot& snapshot, const QString& reason)
{
    QMap<QByteArray, KeyValue> fresh;
    for (const KeyValue& kv : snapshot.kvs)
        fresh.insert(kv.key, kv);
    QList<KvChange> changes;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        const auto now = fresh.constFind(it.key());
        if (now == fresh.cend())
            changes.append({it.key(), it->value, std::nullopt});
        else if (now->value != it->value)
            changes.append({it.key(), it->value, now->value});
    }
    for (auto it = fresh.cbegin(); it != fresh.cend(); ++it) {
        if (!m_entries.contains(it.key()))
            changes.append({it.key(), std::nullopt, it->value});
    }
    m_entries = std::move(fresh);
    m_revision = snapshot.revision;
    m_seenRevision = snapshot.revision;
    // A store whose revision went back (restored from a backup, replaced) starts the count again.
    if (snapshot.revision < m_lastChangeRevision)
        m_lastChangeRevision = 0;
    for (const KeyValue& kv : std::as_const(m_entries))
        m_lastChangeRevision = qMax(m_lastChangeRevision, kv.modRevision);
    m_loaded = true;
    ++m_loads;
    qCDebug(lcEtcd) << "read" << m_entries.size() << "keys under" << m_prefix << "at revision" << m_revision
                    << "(" << reason << ")";
    if (!changes.isEmpty())
        Q_EMIT changed(changes, m_revision);
    Q_EMIT resynced(reason, m_revision);
}

void PrefixMirror::reconnect(const QString& reason)
{
    // Only a watch that believes it is connected: one that is reconnecting, and a read in flight
    // or its retry, go to the client's current endpoint by themselves.
    if (!m_running || !m_kv || !m_watch || m_state != State::Live)
        return;
    qCInfo(lcEtcd).noquote() << u"watching %1 again from revision %2: %3"_s.arg(QString::fromUtf8(m_prefix))
                                    .arg(m_seenRevision + 1)
                                    .arg(reason);
    delete std::exchange(m_watch, nullptr);
    setState(State::Reconnecting, QString());
    startWatch(m_seenRevision + 1);
}

void PrefixMirror::startWatch(qint64 fromRevision)
{
    m_watch = m_kv->watchPrefix(m_prefix, fromRevision, this);
    connect(m_watch, &EtcdWatch::eventsReceived, this, &PrefixMirror::applyEvents);
    connect(m_watch, &EtcdWatch::historyLost, this, [this](qint64 compactRevision) {
        load(u"history compacted at revision %1"_s.arg(compactRevision));
    });
    connect(m_watch, &EtcdWatch::connectionChanged, this, [this](bool connected, const QString& error) {
        setState(connected ? State::Live : State::Reconnecting, error);
    });
}

void PrefixMirror::applyEvents(const QList<WatchEvent>& events, qint64 revision)
{
    QList<KvChange> changes;
    for (const WatchEvent& e : events) {
        m_lastChangeRevision = qMax(m_lastChangeRevision, e.kv.modRevision);
        m_seenRevision = qMax(m_seenRevision, e.kv.modRevision);
        if (e.type == WatchEvent::Type::Put) {
            auto it = m_entries.find(e.kv.key);
            if (it == m_entries.end()) {
                m_entries.insert(e.kv.key, e.kv);
                changes.append({e.kv.key, std::nullopt, e.kv.value});
            } else {
                const QByteArray before = it->value;
                *it = e.kv;
                if (before != e.kv.value)
                    changes.append({e.kv.key, before, e.kv.value});
            }
            continue;
        }
        if (auto it = m_entries.find(e.kv.key); it != m_entries.end()) {
            changes.append({it.key(), it->value, std::nullopt});
            m_entries.erase(it);
        }
        // A delete of a v2 directory takes everything below it too.
        const QByteArray dir = e.kv.key + '/';
        for (auto it = m_entries.lowerBound(dir); it != m_entries.end() && it.key().startsWith(dir);) {
            changes.append({it.key(), it->value, std::nullopt});
            it = m_entries.erase(it);
        }
    }
    m_revision = qMax(m_revision, qMax(revision, events.isEmpty() ? 0 : events.last().kv.modRevision));
    if (!changes.isEmpty())
        Q_EMIT changed(changes, m_revision);
}

} // namespace lbdeck
