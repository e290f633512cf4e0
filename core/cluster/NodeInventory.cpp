// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodeInventory.h"

#include "BackendAddress.h"
#include "BackendService.h"
#include "NodeConnection.h"
#include "core/docker/DockerClient.h"
#include "core/docker/DockerEventStream.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

NodeInventory::NodeInventory(QObject* parent)
    : QObject(parent)
{
    m_safetyNet.setInterval(10000);
    connect(&m_safetyNet, &QTimer::timeout, this, &NodeInventory::refresh);
    m_safetyNet.start();
}

void NodeInventory::setNodes(const QList<NodeConnection*>& nodes)
{
    m_nodes.clear();
    for (NodeConnection* n : nodes) {
        m_nodes.append(n);
        connect(n, &NodeConnection::stateChanged, this,
                [this, n](NodeConnection::State state, const QString&) {
                    if (state == NodeConnection::State::Ready) {
                        watchEvents(n);
                        refreshNode(n);
                    }
                    Q_EMIT nodeChanged(n->profile().name);
                });
        if (n->state() == NodeConnection::State::Ready) {
            watchEvents(n);
            refreshNode(n);
        }
    }
}

void NodeInventory::refresh()
{
    for (const QPointer<NodeConnection>& n : std::as_const(m_nodes)) {
        if (n && n->state() == NodeConnection::State::Ready)
            refreshNode(n);
    }
}

void NodeInventory::watchEvents(NodeConnection* node)
{
    const QString name = node->profile().name;
    delete m_streams.take(name);
    if (!node->docker())
        return;
    QTimer*& debounce = m_debounce[name];
    if (!debounce) {
        debounce = new QTimer(this);
        debounce->setSingleShot(true);
        debounce->setInterval(150); // a start is create+start+...: one refresh for the lot
        QPointer<NodeConnection> n(node);
        connect(debounce, &QTimer::timeout, this, [this, n] {
            if (n && n->state() == NodeConnection::State::Ready)
                refreshNode(n);
        });
    }
    DockerEventStream* stream = node->docker()->events({{u"type"_s, {u"container"_s}}}, this);
    connect(stream, &DockerEventStream::eventReceived, debounce, qOverload<>(&QTimer::start));
    connect(stream, &DockerEventStream::eventReceived, this,
            [this, name](const QJsonObject& event) { Q_EMIT containerEvent(name, event); });
    m_streams.insert(name, stream);
}

void NodeInventory::refreshNode(NodeConnection* node)
{
    if (!node->docker())
        return;
    const QString name = node->profile().name;
    node->docker()->listContainers(true, {}, this, [this, name](const Result<QList<ContainerSummary>>& list) {
        if (!list)
            return; // the node's state says why; keep what we knew
        QHash<QByteArray, BackendContainer> fresh;
        int running = 0;
        for (const ContainerSummary& c : *list) {
            if (c.state == u"running"_s)
                ++running;
            const QByteArray key = c.labels.value(QString::fromLatin1(BackendService::LabelKey)).toUtf8();
            if (key.isEmpty())
                continue;
            // One Docker engine may serve several nodes of a profile: each owns what it started.
            const QString owner = c.labels.value(QString::fromLatin1(BackendService::LabelNode));
            if (!owner.isEmpty() && owner != name)
                continue;
            BackendContainer b;
            b.node = name;
            b.name = c.names.value(0);
            b.state = c.state;
            b.running = c.state == u"running"_s;
            b.image = c.image;
            b.key = key;
            for (const PortBinding& p : c.ports) {
                if (p.hostPort)
                    b.published = BackendAddress::join(p.hostIp, p.hostPort);
            }
            // Not running, Docker publishes nothing: the address it was started with says where.
            if (b.published.isEmpty())
                b.published = c.labels.value(QString::fromLatin1(BackendService::LabelAddress));
            // A running container wins over an exited one with the same key.
            if (!fresh.contains(key) || b.running)
                fresh.insert(key, b);
        }
        QList<QByteArray> changed;
        for (auto it = m_backends.begin(); it != m_backends.end();) {
            if (it->node == name && !fresh.contains(it.key())) {
                changed << it.key();
                it = m_backends.erase(it);
            } else {
                ++it;
            }
        }
        for (auto it = fresh.cbegin(); it != fresh.cend(); ++it) {
            if (m_backends.value(it.key()) != it.value()) {
                m_backends.insert(it.key(), it.value());
                changed << it.key();
            }
        }
        const bool countsChanged = m_counts.value(name) != list->size() || m_running.value(name) != running;
        m_counts.insert(name, int(list->size()));
        m_running.insert(name, running);
        if (!changed.isEmpty())
            Q_EMIT backendsChanged(changed);
        if (countsChanged)
            Q_EMIT nodeChanged(name);
    });
}

} // namespace lbdeck
