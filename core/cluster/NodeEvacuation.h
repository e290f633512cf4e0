// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "StopImpact.h"
#include "core/util/Callback.h"

#include <QObject>
#include <QPointer>

namespace lbdeck {

class BackendOperation;
class ClusterSession;

// One backend of a lost node and the one that takes its place.
struct EvacuationMove
{
    QByteArray lostKey;
    QString lostContainer;
    QString lostAddress;
    qint64 modRevision = 0; // the lost key's, as the plan read it: it is deleted only if unchanged
    QString targetNode;
    quint16 port = 0; // the replacement's (a new one: ports, hence names, are unique across the cluster)
    QString newName;
    QString newAddress;
};

struct EvacuationPlan
{
    QString node;
    QString nodeDetail; // why it is unreachable
    QList<EvacuationMove> moves;
    QString placementReason; // placement's reason for the first replacement
    StopImpact impact;       // of unregistering the lost ones (their replacements come first)
    // For the confirmation: one line per move, then the impact.
    QString describe() const;
};

// "Move its backends" for a node that stays unreachable: every key in etcd that points at the
// node's publish address gets a replacement on another node (placement's policy and free ports,
// never a cordoned, "no backends" or unreachable node). Executing a move starts the replacement
// through BackendService (registered once it answers), records the lost container as fenced
// (FenceRecord, in etcd beside the prefix), and only then deletes the lost key, on the mod
// revision the plan read. When the node comes back, FenceGuard stops what it brings back.
class NodeEvacuation : public QObject
{
    Q_OBJECT
public:
    explicit NodeEvacuation(ClusterSession* session, QObject* parent = nullptr); // Not owned.

    // Reads etcd (the prefix and the fence records) and plans; calls back on the event loop,
    // never after this object or context is gone.
    void plan(const QString& node, QObject* context, Callback<EvacuationPlan> callback);
    // A running operation (parent: this); a failed move leaves the moves before it done.
    BackendOperation* execute(const EvacuationPlan& plan);

private:
    QPointer<ClusterSession> m_session;
};

} // namespace lbdeck
