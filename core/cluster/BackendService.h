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

// The seed's apache@PORT.service, done through the Docker API and etcd:
//   start: remove a stale container of that name, register prefix+name = NODE_IP:PORT in etcd,
//          create and start the container publishing NODE_IP:PORT -> container port;
//   stop:  delete the key first (nginx stops sending traffic), then `stop -t 3`, then remove.
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

    // Each returns a running operation (parent: this); watch progress() and finished().
    BackendOperation* start(NodeConnection* node, quint16 port, const QString& image = {});
    BackendOperation* stop(NodeConnection* node, quint16 port);
    // Unregister, wait until the engine has reloaded nginx without it, optionally wait for open
    // connections to end (bounded), then stop.
    BackendOperation* drainAndStop(NodeConnection* node, quint16 port, EngineLink* engine,
                                   std::chrono::milliseconds reloadTimeout = std::chrono::seconds(30),
                                   std::chrono::milliseconds connectionTimeout = std::chrono::seconds(10));
    BackendOperation* restart(NodeConnection* node, quint16 port, const QString& image = {});

private:
    void addStopSteps(BackendOperation* op, NodeConnection* node, quint16 port);

    QPointer<EtcdKv> m_etcd;
    QByteArray m_prefix;
    BackendDefaults m_defaults;
    OperationJournal m_journal;
};

} // namespace lbdeck
