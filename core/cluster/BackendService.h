// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ClusterProfile.h"
#include "OperationJournal.h"

#include <QObject>
#include <QPointer>

#include <chrono>

namespace lbdeck {

class BackendOperation;
class EngineLink;
class EtcdKv;
class NodeConnection;

// The seed's apache@PORT.service, done through the Docker API and etcd, safe by construction:
//   start: check before acting (the key is free in etcd, no container on any node holds the name
//          or the address, nothing else listens there) — refused with the holder's name, never
//          replaced; create and start the container publishing NODE_IP:PORT -> container port;
//          wait until it answers HTTP from here; only then register prefix+name = NODE_IP:PORT,
//          atomically (create-only), so nginx never routes to a server that does not answer;
//   stop:  delete the key first (nginx stops sending traffic), only if nobody changed it since it
//          was read, then `stop -t 3`, then remove;
//   replace: the explicit, separate act of stopping whoever holds the port, then starting.
// Containers carry labels (io.lbdeck.*) so that a resync can tell them apart and check them.
class BackendService : public QObject
{
    Q_OBJECT
public:
    static constexpr const char* LabelBackend = "io.lbdeck.backend";
    static constexpr const char* LabelKey = "io.lbdeck.key";
    static constexpr const char* LabelAddress = "io.lbdeck.address";
    static constexpr const char* LabelNode = "io.lbdeck.node";

    BackendService(EtcdKv* etcd, QByteArray prefix, BackendDefaults defaults, OperationJournal journal,
                   QObject* parent = nullptr); // etcd: Not owned.

    QString containerName(quint16 port) const;
    QByteArray keyOf(quint16 port) const;
    const QByteArray& prefix() const { return m_prefix; }
    const BackendDefaults& defaults() const { return m_defaults; }
    OperationJournal& journal() { return m_journal; }
    // Every node of the cluster, to look for holders of a backend's name or address. Not owned.
    void setNodes(const QList<NodeConnection*>& nodes);
    // How long a started container has to answer before the start is rolled back.
    void setAdmissionTimeout(std::chrono::milliseconds timeout) { m_admissionTimeout = timeout; }

    // Each returns a running operation (parent: this); watch progress() and finished().
    BackendOperation* start(NodeConnection* node, quint16 port, const QString& image = {});
    BackendOperation* stop(NodeConnection* node, quint16 port);
    // Unregister, wait until the engine has reloaded nginx without it, optionally wait for open
    // connections to end (bounded), then stop.
    BackendOperation* drainAndStop(NodeConnection* node, quint16 port, EngineLink* engine,
                                   std::chrono::milliseconds reloadTimeout = std::chrono::seconds(30),
                                   std::chrono::milliseconds connectionTimeout = std::chrono::seconds(10));
    BackendOperation* restart(NodeConnection* node, quint16 port, const QString& image = {});
    // Stops the backend on `holder` (unregister, stop, remove), then starts it on `node`.
    BackendOperation* replace(NodeConnection* holder, NodeConnection* node, quint16 port,
                              const QString& image = {});
    // Removes a container that is not running and not registered (refused otherwise).
    BackendOperation* removeExited(NodeConnection* node, const QString& container);

Q_SIGNALS:
    // Every etcd write this service made (put or delete), with the revision etcd gave it, so that
    // the event log can tell the app's own changes from everybody else's.
    void wroteKey(const QByteArray& key, qint64 revision);

private:
    void addStartChecks(BackendOperation* op, NodeConnection* node, quint16 port);
    void addUnregisterStep(BackendOperation* op, NodeConnection* node, quint16 port);
    void addStopSteps(BackendOperation* op, NodeConnection* node, quint16 port);
    void runChild(BackendOperation* parent, BackendOperation* child,
                  std::function<void(const Result<void>&)> done);
    QString holderOf(const QString& address) const;

    QPointer<EtcdKv> m_etcd;
    QByteArray m_prefix;
    BackendDefaults m_defaults;
    OperationJournal m_journal;
    QList<QPointer<NodeConnection>> m_nodes;
    std::chrono::milliseconds m_admissionTimeout = std::chrono::seconds(15);
};

} // namespace lbdeck
