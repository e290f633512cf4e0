// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DriftDetector.h"

#include "BackendAddress.h"
#include "BackendService.h"
#include "FenceRecord.h"
#include "NodeConnection.h"
#include "core/docker/DockerClient.h"
#include "core/etcd/EtcdKv.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString publishedAddress(const ContainerSummary& c)
{
    for (const PortBinding& p : c.ports) {
        if (p.hostPort != 0)
            return BackendAddress::join(p.hostIp, p.hostPort);
    }
    return QString();
}

} // namespace

QString DriftItem::describe() const
{
    switch (kind) {
    case Kind::MissingKey:
        return u"%1 on %2 runs, but %3 is not in etcd: nginx never sends it traffic"_s.arg(
            container, node, QString::fromUtf8(key));
    case Kind::NotRunning:
        return u"%1 = %2 is in etcd, but no container runs for it on %3: nginx sends traffic to a dead backend"_s
            .arg(QString::fromUtf8(key), registered, node);
    case Kind::AddressMismatch:
        return u"%1 says %2, but %3 publishes %4"_s.arg(QString::fromUtf8(key), registered, container,
                                                        published);
    case Kind::InterruptedStop:
        return u"stopping %1 on %2 was interrupted"_s.arg(container, node);
    case Kind::Fenced:
        return u"%1 on %2 is fenced: its backend was moved to %3 while %2 was unreachable, and lbdeck never "
               u"registers it again"_s.arg(container, node, movedTo);
    }
    return QString();
}

QList<DriftItem::Repair> DriftItem::repairs() const
{
    switch (kind) {
    case Kind::MissingKey:
    case Kind::AddressMismatch:
        return {Repair::Register};
    case Kind::NotRunning:
        // Restart only where an exited container is there to start.
        return container.isEmpty() ? QList<Repair>{Repair::Unregister}
                                   : QList<Repair>{Repair::Restart, Repair::Unregister};
    case Kind::InterruptedStop:
    case Kind::Fenced:
        return {Repair::FinishStop};
    }
    return {};
}

QString DriftItem::repairDescription(Repair repair) const
{
    switch (repair) {
    case Repair::Register:
        return u"register %1 = %2"_s.arg(QString::fromUtf8(key), published);
    case Repair::Unregister:
        return u"unregister %1"_s.arg(QString::fromUtf8(key));
    case Repair::Restart:
        return u"restart %1 on %2"_s.arg(container, node);
    case Repair::FinishStop:
        if (kind == Kind::Fenced)
            return u"stop and remove the fenced %1 on %2 (its logs go with it)"_s.arg(container, node);
        return u"finish the stop: stop and remove %1 on %2"_s.arg(container, node);
    }
    return QString();
}

DriftDetector::DriftDetector(EtcdKv* etcd, QByteArray prefix, OperationJournal journal, QObject* parent)
    : QObject(parent)
    , m_etcd(etcd)
    , m_prefix(std::move(prefix))
    , m_journal(std::move(journal))
{}

void DriftDetector::resync(const QList<NodeConnection*>& nodes, QObject* context,
                           Callback<QList<DriftItem>> callback)
{
    if (!m_etcd) {
        callback(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
        return;
    }
    struct State
    {
        QMap<QByteArray, QPair<QByteArray, qint64>> keys;  // key -> (value, mod revision)
        QMap<QString, QList<ContainerSummary>> containers; // node -> labelled containers
        QMap<QString, QString> nodeAddress;                // node -> publish address (nodes that answer)
        QStringList skippedNodes;                          // nodes that do not answer now
        QStringList skippedAddresses;
        QList<QPair<FenceRecord, KeyValue>> fences; // record, and the key holding it
        int waiting = 0;
        std::optional<Error> error;
    };
    auto state = std::make_shared<State>();
    m_skipped.clear();
    auto finish = [this, state, callback]() {
        if (--state->waiting > 0)
            return;
        if (state->error) {
            callback(*state->error);
            return;
        }
        QList<DriftItem> drift;
        QMap<QByteArray, QPair<QString, ContainerSummary>> running; // key -> (node, container)
        QMap<QPair<QString, QByteArray>, QString> present;          // (node, key) -> container, any state
        QMap<QPair<QString, QString>, FenceRecord> fenced;          // (node, container) -> its record
        for (const auto& [record, kv] : std::as_const(state->fences)) {
            if (state->skippedNodes.contains(record.node) || !state->nodeAddress.contains(record.node))
                continue; // judged once its node answers
            bool there = false;
            for (const ContainerSummary& c : state->containers.value(record.node))
                there = there || c.names.value(0) == record.container;
            if (there)
                fenced.insert({record.node, record.container}, record);
            else if (m_etcd) // the container is gone: nothing left to fence
                m_etcd->removeIf(kv.key, kv.modRevision, this, [](const Result<qint64>&) {});
        }
        for (auto it = state->containers.cbegin(); it != state->containers.cend(); ++it) {
            for (const ContainerSummary& c : it.value()) {
                const QByteArray key = c.labels.value(QString::fromLatin1(BackendService::LabelKey)).toUtf8();
                if (key.isEmpty())
                    continue;
                if (const auto f = fenced.constFind({it.key(), c.names.value(0)}); f != fenced.cend()) {
                    drift.append({DriftItem::Kind::Fenced,
                                  it.key(),
                                  f->container,
                                  key,
                                  {},
                                  publishedAddress(c),
                                  0,
                                  f->movedTo()});
                    continue; // never offered for Register, never counted as the key's container
                }
                present.insert({it.key(), key}, c.names.value(0));
                if (c.state == u"running"_s)
                    running.insert(key, {it.key(), c});
            }
        }
        auto pointsAt = [&](const QByteArray& key, const QString& node) {
            const auto kv = state->keys.constFind(key);
            return kv != state->keys.cend() &&
                   BackendAddress::hostOf(kv->first) == state->nodeAddress.value(node);
        };
        // A journal entry is a half-done stop only while the key is gone and the container is not;
        // anything else means the stop never began (a failed unregister) or has finished since.
        QList<QByteArray> interrupted;
        for (const OperationJournal::Entry& e : m_journal.entries()) {
            if (state->skippedNodes.contains(e.node))
                continue;
            if (!pointsAt(e.key, e.node) && present.contains({e.node, e.key})) {
                drift.append({DriftItem::Kind::InterruptedStop, e.node, e.container, e.key, {}, {}, 0, {}});
                interrupted.append(e.key);
            } else {
                (void)m_journal.remove(e);
            }
        }
        for (auto it = running.cbegin(); it != running.cend(); ++it) {
            if (interrupted.contains(it.key()))
                continue;
            const QString published = publishedAddress(it->second);
            const QString name = it->second.names.value(0);
            const auto kv = state->keys.constFind(it.key());
            if (kv == state->keys.cend())
                drift.append({DriftItem::Kind::MissingKey, it->first, name, it.key(), {}, published, 0, {}});
            else if (QString::fromUtf8(kv->first) != published)
                drift.append({DriftItem::Kind::AddressMismatch,
                              it->first,
                              name,
                              it.key(),
                              QString::fromUtf8(kv->first),
                              published,
                              kv->second,
                              {}});
        }
        for (auto it = state->keys.cbegin(); it != state->keys.cend(); ++it) {
            if (running.contains(it.key()) || interrupted.contains(it.key()))
                continue;
            // Only keys that point at one of our nodes are ours to judge.
            const QString host = BackendAddress::hostOf(it->first);
            for (auto n = state->nodeAddress.cbegin(); n != state->nodeAddress.cend(); ++n) {
                if (!n.value().isEmpty() && n.value() == host)
                    drift.append({DriftItem::Kind::NotRunning,
                                  n.key(),
                                  present.value({n.key(), it.key()}),
                                  it.key(),
                                  QString::fromUtf8(it->first),
                                  {},
                                  it->second,
                                  {}});
            }
        }
        callback(drift);
    };
    const Result<QByteArray> fences = fencePrefix(m_prefix);
    state->waiting = 1 + int(nodes.size()) + (fences ? 1 : 0);
    m_etcd->getPrefix(m_prefix, context, [state, finish](const Result<KvSnapshot>& snap) {
        if (!snap)
            state->error = snap.error(); // an unreadable etcd is never "no keys"
        else
            for (const KeyValue& kv : snap->kvs)
                state->keys.insert(kv.key, {kv.value, kv.modRevision});
        finish();
    });
    if (fences) {
        m_etcd->getPrefix(*fences, context, [state, finish](const Result<KvSnapshot>& snap) {
            if (!snap && snap.error().code != ErrorCode::NotFound)
                state->error = snap.error(); // unread fences would offer to register a fenced container
            else if (snap)
                for (const KeyValue& kv : snap->kvs) {
                    if (const Result<FenceRecord> r = FenceRecord::fromJson(kv.value))
                        state->fences.append({*r, kv});
                }
            finish();
        });
    }
    for (NodeConnection* node : nodes) {
        const QString name = node->profile().name;
        if (node->state() != NodeConnection::State::Ready || !node->docker()) {
            // Not judged at all: its keys and journal entries wait until it answers again.
            m_skipped << u"%1 (%2)"_s.arg(name, node->detail());
            state->skippedAddresses << node->profile().publishAddress;
            state->skippedNodes << name;
            QMetaObject::invokeMethod(context, finish, Qt::QueuedConnection);
            continue;
        }
        state->nodeAddress.insert(name, node->profile().publishAddress);
        node->docker()->listContainers(true, {QString::fromLatin1(BackendService::LabelBackend)}, context,
                                       [state, finish, name](const Result<QList<ContainerSummary>>& list) {
                                           if (!list)
                                               state->error = list.error();
                                           else
                                               state->containers.insert(name, *list);
                                           finish();
                                       });
    }
}

void DriftDetector::fix(const DriftItem& item, DriftItem::Repair repair, NodeConnection* node,
                        QObject* context, Callback<void> callback)
{
    if (!item.repairs().contains(repair)) {
        callback(makeError(ErrorCode::InvalidArgument, u"%1 is not a repair for: %2"_s.arg(
                                                           item.repairDescription(repair), item.describe())));
        return;
    }
    if (!m_etcd) {
        callback(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
        return;
    }
    QPointer<DriftDetector> self(this);
    auto wrote = [self, key = item.key, callback](const Result<qint64>& r) {
        if (r && self)
            Q_EMIT self->wroteKey(key, *r);
        callback(toVoid(r));
    };
    switch (repair) {
    case DriftItem::Repair::Register:
        // Against what the resync read: absent stays absent, a wrong value is still that value.
        m_etcd->putIf(item.key, item.published.toUtf8(), item.modRevision, context, wrote);
        return;
    case DriftItem::Repair::Unregister:
        m_etcd->removeIf(item.key, item.modRevision, context, wrote);
        return;
    case DriftItem::Repair::Restart:
    case DriftItem::Repair::FinishStop:
        break;
    }
    if (!node || node->state() != NodeConnection::State::Ready || !node->docker()) {
        callback(makeError(ErrorCode::Unavailable, u"node %1 is not connected"_s.arg(item.node)));
        return;
    }
    if (repair == DriftItem::Repair::Restart) {
        node->docker()->startContainer(item.container, context, callback);
        return;
    }
    QPointer<NodeConnection> n(node);
    QPointer<QObject> ctx(context);
    node->docker()->stopContainer(
        item.container, 3, context, [self, n, ctx, item, callback](const Result<void>& stopped) {
            if (!stopped && stopped.error().code != ErrorCode::NotFound && stopped.error().status != 304)
                return callback(stopped.error());
            if (!n || !n->docker() || !ctx)
                return callback(makeError(ErrorCode::Unavailable, u"node went away"_s));
            n->docker()->removeContainer(
                item.container, false, false, ctx, [self, item, callback](const Result<void>& removed) {
                    if (!removed && removed.error().code != ErrorCode::NotFound)
                        return callback(removed.error());
                    if (self)
                        (void)self->m_journal.remove({item.node, item.container, item.key});
                    if (self && self->m_etcd && item.kind == DriftItem::Kind::Fenced) {
                        if (const Result<QByteArray> key =
                                fenceKey(self->m_prefix, item.node, item.container))
                            self->m_etcd->remove(*key, self, [](const Result<qint64>&) {});
                    }
                    callback({});
                });
        });
}

} // namespace lbdeck
