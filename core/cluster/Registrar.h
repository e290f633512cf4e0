// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/etcd/EtcdKv.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <chrono>

namespace lbdeck {

class DockerClient;
class DockerEventStream;
class EtcdV3Client;

// The registrator role, for nodes whose backends are started outside lbdeck (docker run, compose,
// systemd): every running local container labelled io.lbdeck.key / io.lbdeck.address has
// `key = address` in etcd, and all those keys hang on ONE lease this process keeps alive. When the
// process (or its node) dies, the lease expires and the node's backends leave the load balancer
// within the TTL, with nobody left to delete them.
//
// Docker is the truth, events only say when to look: the running containers are listed whenever
// the event stream (re)connects and again when an event raced with a listing; single start / die /
// stop / destroy events are applied at once in between. etcd follows with at most one request per
// key in flight, so a put and a delete of the same key never overtake each other. A lost lease
// (keepalive says expired or not found, e.g. etcd lost it) is replaced by a new one and everything
// is written again.
class Registrar : public QObject
{
    Q_OBJECT
public:
    // Both Not owned; they must outlive the registrar. Only keys under prefix (a clean absolute
    // path; see cleanPrefix) are ever written: a label naming any other key is refused and logged.
    Registrar(DockerClient* docker, EtcdV3Client* etcd, const QByteArray& prefix,
              std::chrono::seconds ttl = std::chrono::seconds(15), QObject* parent = nullptr);
    ~Registrar() override;

    void start();
    // Stops watching, then revokes the lease so the keys go at once rather than after the TTL.
    // Calls back once (after the revoke, or at once when there is no lease); an error means the
    // keys stay until the lease expires.
    void stop(QObject* context, Callback<void> done);

    // "/test" or "/test/" -> "/test/"; an error when it is not a clean absolute path ("", "/",
    // "test/", "/a/../b", "/a//b").
    static Result<QByteArray> cleanPrefix(const QByteArray& prefix);
    // Why a label's key may not be written under prefix (a cleanPrefix result), or "" when it may.
    static QString refusal(const QByteArray& key, const QByteArray& prefix);

    QByteArray prefix() const { return m_prefix; }
    std::chrono::seconds ttl() const { return m_ttl; }
    qint64 leaseId() const { return m_lease; } // 0 while none is granted
    int keyCount() const { return int(m_written.size()); }
    // key -> address, as written with the current lease.
    const QMap<QByteArray, QByteArray>& keys() const { return m_written; }
    QString describe() const; // "3 keys on lease 7587869542 (TTL 15 s)"

Q_SIGNALS:
    // The set of keys held or the lease changed; for status lines, not for control.
    void statusChanged(int keys, qint64 lease);

private:
    struct Wanted
    {
        QByteArray key;
        QByteArray value;
        QString fence; // "node/container": how a fence record (FenceRecord.h) names it
    };

    void onEvent(const QJsonObject& event);
    void list();
    void setRunning(const QString& id, const QMap<QString, QString>& labels, const QString& name);
    void grant();
    void keepAlive();
    void leaseLost(const QString& why);
    void reconcile();
    void putKey(const QByteArray& key, const QByteArray& value);
    void written(const QByteArray& key, const QByteArray& value, qint64 lease, const Result<qint64>& r);
    QString fenceOf(const QByteArray& key) const; // "node/container" of the container desired() picks
    void removeKey(const QByteArray& key);
    QMap<QByteArray, QByteArray> desired() const;
    void announce();
    void readFences();

    QPointer<DockerClient> m_docker; // Not owned.
    QPointer<EtcdV3Client> m_etcd;   // Not owned.
    QByteArray m_prefix;             // ends with '/'; empty when the one given was refused
    std::chrono::seconds m_ttl;
    DockerEventStream* m_events = nullptr; // Owned (child).
    QTimer m_keepAlive;
    QTimer m_retry; // a failed grant, put or delete: try again shortly
    QTimer m_retryList;
    bool m_running = false;
    bool m_listing = false;
    bool m_relist = false; // an event arrived while listing: the listing may already be stale
    bool m_granting = false;
    bool m_keepAliveInFlight = false;
    bool m_keepAliveFailing = false;
    int m_discardedListings = 0;
    qint64 m_lease = 0;
    QMap<QString, Wanted> m_containers;     // running labelled containers by id
    QMap<QByteArray, QByteArray> m_written; // what etcd holds on m_lease
    QSet<QByteArray> m_inFlight;            // keys with a request on the wire
    QSet<QString> m_rejected;               // containers already warned about (bad label values)
    // Containers whose backends were moved off a lost node ("node/container"): never registered
    // again. Nothing is written before the first read, so a container that comes back with its
    // node cannot slip into the upstream in between; read again every few seconds.
    QSet<QString> m_fenced;
    bool m_fencesRead = false;
    bool m_readingFences = false;
    QTimer m_fenceTimer;
    mutable QSet<QString> m_fenceWarned;
    int m_announcedKeys = -1;
    qint64 m_announcedLease = -1;
    QObject* m_requests = nullptr; // Owned (child): context of every request, deleted by stop()
};

} // namespace lbdeck
