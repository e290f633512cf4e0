// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "FenceGuard.h"

#include "BackendService.h"
#include "ClusterSession.h"
#include "FenceRecord.h"
#include "NodeConnection.h"
#include "NodeInventory.h"
#include "core/docker/DockerClient.h"
#include "core/etcd/EtcdKv.h"
#include "core/util/Logging.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace lbdeck {

FenceGuard::FenceGuard(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
{
    if (!session)
        return;
    for (NodeConnection* n : session->nodes()) {
        const QString name = n->profile().name;
        connect(n, &NodeConnection::stateChanged, this,
                [this, name](NodeConnection::State state, const QString&) {
                    // A check in flight across a reconnect may never be answered (its client is gone).
                    m_busy.remove(name);
                    m_again.remove(name);
                    if (state == NodeConnection::State::Ready)
                        check(name, true);
                });
        if (n->state() == NodeConnection::State::Ready)
            check(name);
    }
    // Docker says when a container starts (a restart policy, an operator's docker start): look then.
    if (NodeInventory* inventory = session->inventory()) {
        connect(inventory, &NodeInventory::containerEvent, this,
                [this](const QString& node, const QJsonObject& event) {
                    const QString action =
                        event.value(u"Action"_s).toString(event.value(u"status"_s).toString());
                    if (action == u"start"_s || action == u"restart"_s || action == u"unpause"_s)
                        check(node);
                });
    }
    // And now and then, for the nodes that have fenced containers, in case an event was missed.
    m_safetyNet.setInterval(10000);
    connect(&m_safetyNet, &QTimer::timeout, this, [this] {
        for (const QString& n : QSet<QString>(m_fenced))
            check(n);
    });
    m_safetyNet.start();
}

void FenceGuard::finished(const QString& node, quint64 serial)
{
    if (m_busy.value(node) != serial)
        return; // a check from before a reconnect: the current one is someone else's
    m_busy.remove(node);
    if (const auto again = m_again.constFind(node); again != m_again.cend()) {
        const bool cameBack = *again;
        m_again.erase(again);
        check(node, cameBack);
    }
}

void FenceGuard::check(const QString& nodeName, bool cameBack)
{
    NodeConnection* node = m_session ? m_session->node(nodeName) : nullptr;
    if (!node || node->state() != NodeConnection::State::Ready || !node->docker() || !m_session->etcd())
        return;
    if (m_busy.contains(nodeName)) {
        m_again[nodeName] = m_again.value(nodeName) || cameBack;
        return;
    }
    const Result<QByteArray> prefix = fencePrefix(m_session->prefix());
    if (!prefix)
        return;
    const quint64 serial = ++m_serial;
    m_busy.insert(nodeName, serial);
    qCDebug(lcCluster).noquote() << "fence check of" << nodeName;
    QPointer<FenceGuard> self(this);
    m_session->etcd()->getPrefix(
        *prefix + nodeName.toUtf8() + '/', this,
        [self, nodeName, serial, cameBack](const Result<KvSnapshot>& snap) {
            if (!self)
                return;
            if (!snap) {
                if (snap.error().code != ErrorCode::NotFound)
                    qCWarning(lcCluster).noquote()
                        << "fence records of" << nodeName << "unreadable:" << snap.error().toString();
                return self->finished(nodeName, serial);
            }
            QHash<QString, FenceRecord> records;
            for (const KeyValue& kv : snap->kvs) {
                if (const Result<FenceRecord> r = FenceRecord::fromJson(kv.value); r && r->node == nodeName)
                    records.insert(r->container, *r);
            }
            if (records.isEmpty())
                self->m_fenced.remove(nodeName);
            else
                self->m_fenced.insert(nodeName);
            NodeConnection* now = self->m_session ? self->m_session->node(nodeName) : nullptr;
            if (records.isEmpty() || !now || now->state() != NodeConnection::State::Ready || !now->docker())
                return self->finished(nodeName, serial);
            QPointer<NodeConnection> n(now);
            now->docker()->listContainers(
                true, {QString::fromLatin1(BackendService::LabelBackend)}, self,
                [self, n, nodeName, serial, cameBack, records](const Result<QList<ContainerSummary>>& list) {
                    if (!self)
                        return;
                    if (!list || !n || !n->docker())
                        return self->finished(nodeName, serial);
                    QList<FenceRecord> toStop;
                    for (const ContainerSummary& c : *list) {
                        const auto r = records.constFind(c.names.value(0));
                        if (r != records.cend() && c.state == u"running"_s)
                            toStop << *r;
                    }
                    qCDebug(lcCluster).noquote() << "fence check of" << nodeName << ":" << records.size()
                                                 << "fenced," << toStop.size() << "running";
                    if (toStop.isEmpty())
                        return self->finished(nodeName, serial);
                    auto waiting = std::make_shared<int>(int(toStop.size()));
                    for (const FenceRecord& r : std::as_const(toStop)) {
                        n->docker()->stopContainer(
                            r.container, 3, self,
                            [self, nodeName, serial, cameBack, r, waiting](const Result<void>& s) {
                                if (!self)
                                    return;
                                const bool ok =
                                    s || s.error().code == ErrorCode::NotFound || s.error().status == 304;
                                const QString what =
                                    (cameBack ? u"%1 came back: fenced %2 (moved to %3)"_s
                                              : u"%1: fenced %2 (moved to %3) was started again"_s)
                                        .arg(nodeName, r.container, r.movedTo());
                                Q_EMIT self->logMessage(
                                    ok ? what + u", stopped"_s
                                       : what + u", but stopping it failed: %1"_s.arg(s.error().toString()),
                                    !ok);
                                if (ok)
                                    Q_EMIT self->stopped(nodeName, r.container);
                                if (--*waiting == 0)
                                    self->finished(nodeName, serial);
                            });
                    }
                });
        });
}

} // namespace lbdeck
