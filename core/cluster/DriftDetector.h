// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "OperationJournal.h"
#include "core/docker/DockerTypes.h"

#include <QObject>
#include <QPointer>

namespace lbdeck {

class EtcdKv;
class NodeConnection;

// Where Docker and etcd disagree about a backend — the invariant is "registered <=> running at
// the registered address".
struct DriftItem
{
    enum class Kind
    {
        MissingKey,      // a backend container runs, its key is not in etcd
        NotRunning,      // a key points at a backend on a managed node, no container runs for it
        AddressMismatch, // the key's address is not what the container publishes
        InterruptedStop  // a stop was begun and not finished (lbdeck was closed or crashed)
    };
    Kind kind = Kind::MissingKey;
    QString node;
    QString container;
    QByteArray key;
    QString registered; // the key's value, if any
    QString published;  // the container's address, if any
    QString describe() const;
    QString fixDescription() const;
    bool operator==(const DriftItem&) const = default;
};

// One resync: every node's labelled containers (Docker list) against the backend prefix (etcd
// range), plus the stops the journal says were never finished. fix() restores the invariant for
// one item in one call.
class DriftDetector : public QObject
{
    Q_OBJECT
public:
    DriftDetector(EtcdKv* etcd, QByteArray prefix, OperationJournal journal,
                  QObject* parent = nullptr); // etcd: Not owned.

    void resync(const QList<NodeConnection*>& nodes, QObject* context, Callback<QList<DriftItem>> callback);
    void fix(const DriftItem& item, NodeConnection* node, QObject* context, Callback<void> callback);

private:
    QPointer<EtcdKv> m_etcd;
    QByteArray m_prefix;
    OperationJournal m_journal;
};

} // namespace lbdeck
