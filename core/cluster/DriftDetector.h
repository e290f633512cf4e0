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
        InterruptedStop, // a stop was begun and not finished: the key is gone, the container is not
        Fenced // left on a node whose backends were moved while it was unreachable: never registered
    };
    // What can be done about it, each on its own; only those that fit the live state are offered.
    enum class Repair
    {
        Register,   // write the key with the container's published address
        Unregister, // delete the key (only if nobody changed it since the resync read it)
        Restart,    // start the exited container again (it is registered already)
        FinishStop  // stop and remove the container whose key is already gone
    };
    Kind kind = Kind::MissingKey;
    QString node;
    QString container;
    QByteArray key;
    QString registered;     // the key's value, if any
    QString published;      // the container's address, if any
    qint64 modRevision = 0; // the key's, when it is in etcd
    QString movedTo;        // Fenced: where its replacement runs ("core-b:8003")
    QString describe() const;
    QList<Repair> repairs() const;
    QString repairDescription(Repair repair) const;
    QString fixDescription() const { return repairDescription(repairs().value(0)); }
    bool operator==(const DriftItem&) const = default;
};

// One resync: every node's labelled containers (Docker list) against the backend prefix (etcd
// range), plus the stops the journal says were never finished — only those whose live state shows
// a half-done stop; a journal entry that no longer matches what Docker and etcd hold is dropped.
// A container a fence record names (FenceRecord) is reported as Fenced, never as one to register;
// a fence record whose container is gone from its node is dropped.
// fix() applies one repair of one item, against the state the resync read (conditional writes).
class DriftDetector : public QObject
{
    Q_OBJECT
public:
    DriftDetector(EtcdKv* etcd, QByteArray prefix, OperationJournal journal,
                  QObject* parent = nullptr); // etcd: Not owned.

    // Nodes that do not answer are left out (see skipped()), with every key that points at them.
    void resync(const QList<NodeConnection*>& nodes, QObject* context, Callback<QList<DriftItem>> callback);
    // The nodes the last resync could not check, with the reason.
    const QStringList& skipped() const { return m_skipped; }
    void fix(const DriftItem& item, DriftItem::Repair repair, NodeConnection* node, QObject* context,
             Callback<void> callback);
    // The first repair offered.
    void fix(const DriftItem& item, NodeConnection* node, QObject* context, Callback<void> callback)
    {
        fix(item, item.repairs().value(0), node, context, std::move(callback));
    }

Q_SIGNALS:
    void wroteKey(const QByteArray& key, qint64 revision);

private:
    QPointer<EtcdKv> m_etcd;
    QByteArray m_prefix;
    OperationJournal m_journal;
    QStringList m_skipped;
};

} // namespace lbdeck
