// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodeEvacuation.h"

#include "BackendAddress.h"
#include "BackendOperation.h"
#include "BackendService.h"
#include "ClusterSession.h"
#include "EngineLink.h"
#include "FenceRecord.h"
#include "NodeConnection.h"
#include "NodeInventory.h"
#include "Placement.h"
#include "PlacementInputs.h"
#include "core/etcd/EtcdKv.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

quint16 portOf(const QByteArray& value)
{
    const qsizetype colon = value.lastIndexOf(':');
    return colon < 0 ? 0 : quint16(value.mid(colon + 1).toUInt());
}

Error gone()
{
    return makeError(ErrorCode::Unavailable, u"the cluster session was closed"_s);
}

} // namespace

QString EvacuationPlan::describe() const
{
    QStringList lines;
    for (const EvacuationMove& m : moves)
        lines << u"• %1 (%2) → %3 on %4 (%5)"_s.arg(m.lostContainer, m.lostAddress, m.newName, m.targetNode,
                                                    m.newAddress);
    return u"%1 is unreachable (%2).\n\nEach replacement starts and is registered first; then the lost "
           u"backend is recorded as fenced and unregistered:\n%3\n\nPlacement: %4\n\nWhile the move runs: "
           u"%5 Then %6 replacement(s) join.\n\nWhen %1 comes back, lbdeck stops these containers there "
           u"(their logs stay) and never registers them again."_s
               .arg(node, nodeDetail, lines.join(u'\n'), placementReason, impact.summary())
               .arg(moves.size());
}

NodeEvacuation::NodeEvacuation(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
{}

void NodeEvacuation::plan(const QString& nodeName, QObject* context, Callback<EvacuationPlan> callback)
{
    QPointer<QObject> ctx(context);
    auto reply = [ctx, callback](const Result<EvacuationPlan>& r) {
        if (ctx)
            callback(r);
    };
    NodeConnection* node = m_session ? m_session->node(nodeName) : nullptr;
    auto later = [this, reply](Error e) {
        QMetaObject::invokeMethod(
            this, [reply, e] { reply(e); }, Qt::QueuedConnection);
    };
    if (!m_session || !m_session->etcd() || !m_session->inventory() || !m_session->backendService())
        return later(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
    if (!node)
        return later(makeError(ErrorCode::NotFound, u"no node %1 in this profile"_s.arg(nodeName)));
    if (node->state() == NodeConnection::State::Ready)
        return later(
            makeError(ErrorCode::Conflict,
                      u"%1 answers: stop or drain its backends instead of moving them"_s.arg(nodeName)));
    const Result<QByteArray> fences = fencePrefix(m_session->prefix());
    if (!fences)
        return later(fences.error());
    QPointer<NodeEvacuation> self(this);
    const QString host = node->profile().publishAddress;
    const QString detail =
        u"%1, since %2"_s.arg(node->detail().isEmpty() ? u"not connected"_s : node->detail(),
                              node->stateSince().toLocalTime().toString(u"HH:mm:ss"_s));
    m_session->etcd()->getPrefix(
        m_session->prefix(), this,
        [self, nodeName, host, detail, fences = *fences, reply](const Result<KvSnapshot>& keys) {
            if (!keys)
                return reply(keys.error()); // an unreadable etcd is never "nothing to move"
            if (!self || !self->m_session || !self->m_session->etcd())
                return reply(gone());
            self->m_session->etcd()->getPrefix(
                fences, self,
                [self, nodeName, host, detail, keys = *keys, reply](const Result<KvSnapshot>& fenced) {
                    if (!fenced && fenced.error().code != ErrorCode::NotFound)
                        return reply(fenced.error());
                    ClusterSession* session = self ? self->m_session.data() : nullptr;
                    if (!session)
                        return reply(gone());
                    const NodeInventory& inventory = *session->inventory();
                    BackendService* service = session->backendService();
                    QByteArray prefix = session->prefix();
                    if (!prefix.endsWith('/'))
                        prefix += '/';

                    EvacuationPlan plan;
                    plan.node = nodeName;
                    plan.nodeDetail = detail;
                    QList<quint16> registeredPorts;
                    QStringList registered;
                    QList<KeyValue> lost;
                    for (const KeyValue& kv : keys.kvs) {
                        registeredPorts << portOf(kv.value);
                        registered << QString::fromUtf8(kv.value);
                        if (!host.isEmpty() && BackendAddress::hostOf(kv.value) == host)
                            lost << kv;
                    }
                    if (lost.isEmpty())
                        return reply(makeError(
                            ErrorCode::NotFound,
                            u"no backend in etcd points at %1 (%2): nothing to move"_s.arg(nodeName, host)));
                    QSet<quint16> used = usedBackendPorts(inventory, registeredPorts);
                    if (fenced) {
                        for (const KeyValue& kv : fenced->kvs) {
                            if (const Result<FenceRecord> r = FenceRecord::fromJson(kv.value))
                                used.insert(portOf(r->address.toUtf8()));
                        }
                    }
                    // The lost node's backends are not counted: they are what is being replaced.
                    QMap<QString, QList<quint16>> running = runningBackends(inventory);
                    running.remove(nodeName);
                    int others = 0;
                    for (const QList<quint16>& ports : std::as_const(running))
                        others += int(ports.size());
                    const QList<PlacementCandidate> candidates =
                        placementCandidates(session->nodes(), inventory);
                    const Result<ScalePlan> placed =
                        planScale(candidates, running, others + int(lost.size()), used, quint16(8001));
                    if (!placed)
                        return reply(makeError(
                            placed.error().code,
                            u"cannot place replacements for %1: %2"_s.arg(nodeName, placed.error().message)));
                    if (placed->starts.size() != lost.size())
                        return reply(
                            makeError(ErrorCode::Unknown, u"placement planned %1 start(s) for %2 backend(s)"_s
                                                              .arg(placed->starts.size())
                                                              .arg(lost.size())));
                    if (const Result<PlacementChoice> first = choosePlacement(candidates))
                        plan.placementReason = first->reason;
                    QStringList leaving;
                    for (qsizetype i = 0; i < lost.size(); ++i) {
                        const KeyValue& kv = lost.at(i);
                        const ScaleStep& step = placed->starts.at(i);
                        NodeConnection* target = session->node(step.node);
                        EvacuationMove m;
                        m.lostKey = kv.key;
                        m.lostAddress = QString::fromUtf8(kv.value);
                        m.modRevision = kv.modRevision;
                        const BackendContainer known = inventory.backends().value(kv.key);
                        m.lostContainer =
                            known.node == nodeName && !known.name.isEmpty()
                                ? known.name
                                : QString::fromUtf8(kv.key.startsWith(prefix) ? kv.key.mid(prefix.size())
                                                                              : kv.key);
                        m.targetNode = step.node;
                        m.port = step.port;
                        m.newName = service->containerName(step.port);
                        m.newAddress = BackendAddress::join(
                            target ? target->profile().publishAddress : QString(), step.port);
                        plan.moves << m;
                        leaving << m.lostAddress;
                    }
                    // The upstream as nginx runs it now; without an engine, what etcd registers.
                    EngineLink* engine = session->engine();
                    const QStringList upstream =
                        engine && engine->isReachable() ? engine->liveValues() : registered;
                    plan.impact = StopImpact::of(upstream, leaving, false);
                    reply(plan);
                });
        });
}

BackendOperation* NodeEvacuation::execute(const EvacuationPlan& plan)
{
    auto* op = new BackendOperation(u"Move the backends of %1"_s.arg(plan.node), this);
    QPointer<NodeEvacuation> self(this);
    const QString lostNode = plan.node;
    for (const EvacuationMove& m : plan.moves) {
        op->addStep(u"Starting %1 on %2 in place of %3"_s.arg(m.newName, m.targetNode, m.lostContainer),
                    [self, m, op](BackendOperation::Done done) {
                        ClusterSession* s = self ? self->m_session.data() : nullptr;
                        NodeConnection* target = s ? s->node(m.targetNode) : nullptr;
                        if (!s || !target)
                            return done(gone());
                        BackendOperation* child = s->backendService()->start(target, m.port);
                        QObject::connect(
                            child, &BackendOperation::progress, op,
                            [op](int, int, const QString& text) { Q_EMIT op->progress(0, 0, text); });
                        QObject::connect(child, &BackendOperation::finished, op, [child, done] {
                            child->deleteLater();
                            done(child->result());
                        });
                    });
        // Written down before the key goes: if lbdeck stops between the two, the container is
        // fenced and the key still there — never the other way round.
        FenceRecord record{lostNode,     m.lostContainer, m.lostKey,    m.lostAddress,
                           m.targetNode, m.newName,       m.newAddress, QDateTime::currentDateTimeUtc()};
        auto fenceKeyOf = [self, record]() -> Result<QByteArray> {
            if (!self || !self->m_session)
                return gone();
            return fenceKey(self->m_session->prefix(), record.node, record.container);
        };
        op->addStep(
            u"Fencing %1 on %2"_s.arg(m.lostContainer, lostNode),
            [self, record, fenceKeyOf, op](BackendOperation::Done done) {
                const Result<QByteArray> key = fenceKeyOf();
                if (!key)
                    return done(key.error());
                self->m_session->etcd()->put(*key, record.toJson(), 0, op,
                                             [done](const Result<qint64>& r) { done(toVoid(r)); });
            },
            [self, fenceKeyOf, op](BackendOperation::Done done) {
                const Result<QByteArray> key = fenceKeyOf();
                if (!key || !self->m_session->etcd())
                    return done({});
                self->m_session->etcd()->remove(*key, op,
                                                [done](const Result<qint64>& r) { done(toVoid(r)); });
            });
        op->addStep(
            u"Unregistering %1 (%2)"_s.arg(QString::fromUtf8(m.lostKey), m.lostAddress),
            [self, m, op](BackendOperation::Done done) {
                ClusterSession* s = self ? self->m_session.data() : nullptr;
                if (!s || !s->etcd())
                    return done(gone());
                s->etcd()->removeIf(m.lostKey, m.modRevision, op, [self, m, done](const Result<qint64>& r) {
                    if (!r)
                        return done(makeError(
                            r.error().code,
                            u"%1 changed since the move was planned (%2): it was not unregistered, "
                            u"and %3 on %4 keeps running. Plan the move again."_s.arg(
                                QString::fromUtf8(m.lostKey), r.error().message, m.newName, m.targetNode)));
                    if (self && self->m_session && self->m_session->backendService())
                        Q_EMIT self->m_session->backendService()->wroteKey(m.lostKey, *r);
                    done({});
                });
            });
        // A move that is done stays done when a later one fails.
        op->addPointOfNoReturn();
    }
    op->begin();
    return op;
}

} // namespace lbdeck
