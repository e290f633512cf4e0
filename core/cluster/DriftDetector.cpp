// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DriftDetector.h"

#include "BackendService.h"
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
            return u"%1:%2"_s.arg(p.hostIp, QString::number(p.hostPort));
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
    }
    return QString();
}

QString DriftItem::fixDescription() const
{
    switch (kind) {
    case Kind::MissingKey:
        return u"register %1 = %2"_s.arg(QString::fromUtf8(key), published);
    case Kind::NotRunning:
        return u"unregister %1"_s.arg(QString::fromUtf8(key));
    case Kind::AddressMismatch:
        return u"set %1 = %2"_s.arg(QString::fromUtf8(key), published);
    case Kind::InterruptedStop:
        return u"finish the stop: unregister, stop and remove %1"_s.arg(container);
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
        QMap<QByteArray, QByteArray> keys;
        QMap<QString, QList<ContainerSummary>> containers; // node -> labelled containers
        QMap<QString, QString> nodeAddress;                // node -> publish address
        int waiting = 0;
        std::optional<Error> error;
    };
    auto state = std::make_shared<State>();
    auto finish = [this, state, callback]() {
        if (--state->waiting > 0)
            return;
        if (state->error) {
            callback(*state->error);
            return;
        }
        QList<DriftItem> drift;
        QMap<QByteArray, QPair<QString, ContainerSummary>> running; // key -> (node, container)
        for (auto it = state->containers.cbegin(); it != state->containers.cend(); ++it) {
            for (const ContainerSummary& c : it.value()) {
                const QByteArray key = c.labels.value(QString::fromLatin1(BackendService::LabelKey)).toUtf8();
                if (c.state == u"running"_s && !key.isEmpty())
                    running.insert(key, {it.key(), c});
            }
        }
        const QList<OperationJournal::Entry> unfinished = m_journal.entries();
        for (const OperationJournal::Entry& e : unfinished)
            drift.append({DriftItem::Kind::InterruptedStop, e.node, e.container, e.key, {}, {}});
        auto interrupted = [&](const QByteArray& key) {
            return std::any_of(unfinished.cbegin(), unfinished.cend(),
                               [&](const OperationJournal::Entry& e) { return e.key == key; });
        };
        for (auto it = running.cbegin(); it != running.cend(); ++it) {
            if (interrupted(it.key()))
                continue;
            const QString published = publishedAddress(it->second);
            const QString name = it->second.names.value(0);
            if (!state->keys.contains(it.key()))
                drift.append({DriftItem::Kind::MissingKey, it->first, name, it.key(), {}, published});
            else if (QString::fromUtf8(state->keys.value(it.key())) != published)
                drift.append({DriftItem::Kind::AddressMismatch, it->first, name, it.key(),
                              QString::fromUtf8(state->keys.value(it.key())), published});
        }
        for (auto it = state->keys.cbegin(); it != state->keys.cend(); ++it) {
            if (running.contains(it.key()) || interrupted(it.key()))
                continue;
            // Only keys that point at one of our nodes are ours to judge.
            const QString host = QString::fromUtf8(it.value()).section(u':', 0, -2);
            for (auto n = state->nodeAddress.cbegin(); n != state->nodeAddress.cend(); ++n) {
                if (!n.value().isEmpty() && n.value() == host)
                    drift.append({DriftItem::Kind::NotRunning,
                                  n.key(),
                                  QString(),
                                  it.key(),
                                  QString::fromUtf8(it.value()),
                                  {}});
            }
        }
        callback(drift);
    };
    state->waiting = 1 + int(nodes.size());
    m_etcd->getPrefix(m_prefix, context, [state, finish](const Result<KvSnapshot>& snap) {
        if (!snap)
            state->error = snap.error(); // an unreadable etcd is never "no keys"
        else
            for (const KeyValue& kv : snap->kvs)
                state->keys.insert(kv.key, kv.value);
        finish();
    });
    for (NodeConnection* node : nodes) {
        const QString name = node->profile().name;
        state->nodeAddress.insert(name, node->profile().publishAddress);
        if (node->state() != NodeConnection::State::Ready || !node->docker()) {
            state->error = makeError(
                ErrorCode::Unavailable,
                u"node %1 is not connected (%2): a resync needs every node"_s.arg(name, node->detail()));
            QMetaObject::invokeMethod(context, finish, Qt::QueuedConnection);
            continue;
        }
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

void DriftDetector::fix(const DriftItem& item, NodeConnection* node, QObject* context,
                        Callback<void> callback)
{
    if (!m_etcd) {
        callback(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
        return;
    }
    switch (item.kind) {
    case DriftItem::Kind::MissingKey:
    case DriftItem::Kind::AddressMismatch:
        m_etcd->put(item.key, item.published.toUtf8(), 0, context,
                    [callback](const Result<qint64>& r) { callback(toVoid(r)); });
        return;
    case DriftItem::Kind::NotRunning:
        m_etcd->remove(item.key, context, [callback](const Result<qint64>& r) { callback(toVoid(r)); });
        return;
    case DriftItem::Kind::InterruptedStop:
        break;
    }
    if (!node || !node->docker()) {
        callback(makeError(ErrorCode::Unavailable, u"node %1 is not connected"_s.arg(item.node)));
        return;
    }
    QPointer<DriftDetector> self(this);
    QPointer<NodeConnection> n(node);
    QPointer<QObject> ctx(context);
    m_etcd->remove(item.key, context, [self, n, ctx, item, callback](const Result<qint64>& removed) {
        if (!removed)
            return callback(removed.error());
        if (!n || !n->docker() || !ctx)
            return callback(makeError(ErrorCode::Unavailable, u"node went away"_s));
        n->docker()->stopContainer(
            item.container, 3, ctx, [self, n, ctx, item, callback](const Result<void>& stopped) {
                if (!stopped && stopped.error().code != ErrorCode::NotFound && stopped.error().status != 304)
                    return callback(stopped.error());
                if (!n || !n->docker() || !ctx)
                    return callback(makeError(ErrorCode::Unavailable, u"node went away"_s));
                n->docker()->removeContainer(
                    item.container, false, false, ctx, [self, item, callback](const Result<void>& removed2) {
                        if (!removed2 && removed2.error().code != ErrorCode::NotFound)
                            return callback(removed2.error());
                        if (self)
                            (void)self->m_journal.remove({item.node, item.container, item.key});
                        callback({});
                    });
            });
    });
}

} // namespace lbdeck
