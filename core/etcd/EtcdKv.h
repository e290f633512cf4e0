// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EtcdTypes.h"
#include "core/util/Callback.h"

#include <QObject>

#include <functional>

namespace lbdeck {

// A watch on a key prefix. Emits events in revision order; after a dropped connection it resumes
// from the revision after the last one it delivered, so nothing is lost or repeated. When the
// server no longer has that history (v3 compaction, v2 "event index cleared") it says so with
// historyLost() and stops: the owner re-reads the prefix (PrefixMirror does).
class EtcdWatch : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    // The first revision (v2: index) this watch has not delivered yet.
    qint64 nextRevision() const { return m_nextRevision; }
    bool isConnected() const { return m_connected; }

Q_SIGNALS:
    void eventsReceived(const QList<lbdeck::WatchEvent>& events, qint64 revision);
    void historyLost(qint64 compactRevision);
    void connectionChanged(bool connected, const QString& error);

protected:
    void setConnected(bool connected, const QString& error)
    {
        if (m_connected == connected && connected)
            return;
        m_connected = connected;
        Q_EMIT connectionChanged(connected, error);
    }
    qint64 m_nextRevision = 0;

private:
    bool m_connected = false;
};

// What the engine, the cluster services and the views need from etcd, whichever API the cluster
// speaks (v3 JSON gateway, or v2 keys for legacy clusters). Keys are flat byte strings; for v2 a
// directory tree is flattened to its leaf keys.
class EtcdKv : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual EtcdApi api() const = 0;
    virtual QString describe() const = 0; // "etcd v3 at http://127.0.0.1:2379"
    virtual void getPrefix(const QByteArray& prefix, QObject* context, Callback<KvSnapshot> callback) = 0;
    // ttlSeconds > 0: the key expires unless written again (v3: through a lease).
    virtual void put(const QByteArray& key, const QByteArray& value, int ttlSeconds, QObject* context,
                     Callback<qint64> callback) = 0;
    // Succeeds with the number of keys deleted (0 when the key was already gone).
    virtual void remove(const QByteArray& key, QObject* context, Callback<qint64> callback) = 0;
    // Conditional writes, atomic against every other writer (v3: a transaction on the key's mod
    // revision; v2: prevExist=false / prevIndex). expectedModRevision 0 means "only if the key does
    // not exist". When the condition fails: Conflict, with a message naming what the key holds now
    // (or NotFound when the key is gone). Both succeed with the revision of the write.
    virtual void putIf(const QByteArray& key, const QByteArray& value, qint64 expectedModRevision,
                       QObject* context, Callback<qint64> callback) = 0;
    virtual void removeIf(const QByteArray& key, qint64 expectedModRevision, QObject* context,
                          Callback<qint64> callback) = 0;
    virtual void members(QObject* context, Callback<QList<EtcdMember>> callback) = 0;
    // fromRevision 0: from now on. The watch is a child of parent.
    virtual EtcdWatch* watchPrefix(const QByteArray& prefix, qint64 fromRevision, QObject* parent) = 0;
    // Leaves the endpoint in use for the next one of the cluster (after it stopped answering while
    // its connections stay open): false when there is no other. endpointChanged() says where to.
    virtual bool moveToNextEndpoint() { return false; }

Q_SIGNALS:
    // Requests, and watches made from now on, go to this endpoint (PrefixMirror watches again).
    void endpointChanged(const QString& endpoint);
};

} // namespace lbdeck
