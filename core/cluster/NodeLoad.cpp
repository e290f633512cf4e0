// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodeLoad.h"

#include "NodeConnection.h"
#include "core/docker/DockerClient.h"
#include "core/docker/DockerStatsStream.h"
#include "core/util/Logging.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {
// A 404 on the stream: the container went away meanwhile, so it uses nothing now.
constexpr int Gone = 404;
} // namespace

NodeLoad::NodeLoad(QObject* parent)
    : QObject(parent)
{}

NodeLoad::~NodeLoad() = default;

void NodeLoad::refresh(const QList<NodeConnection*>& nodes)
{
    if (m_round)
        return;
    m_round = new QObject(this);
    m_nodes.clear();
    for (NodeConnection* n : nodes) {
        Node node;
        node.name = n->profile().name;
        if (n->state() == NodeConnection::State::Ready && n->docker()) {
            node.client = n->docker();
            node.scope = new QObject(m_round);
        } else {
            node.done = true;
            node.error = n->detail().isEmpty() ? u"not connected"_s : u"not connected: %1"_s.arg(n->detail());
        }
        m_nodes.append(node);
    }
    QObject* round = m_round;
    QTimer::singleShot(m_deadline, round, [this, round] {
        if (round != m_round)
            return;
        for (int i = 0; i < m_nodes.size(); ++i) {
            if (!m_nodes.at(i).done)
                nodeFailed(i, u"no stats within %1 s"_s.arg(m_deadline.count() / 1000.0));
        }
        finish();
    });
    for (int i = 0; i < m_nodes.size(); ++i) {
        if (!m_nodes.at(i).done)
            sampleNode(i);
    }
    // Even when nothing was asked: the answer comes from the event loop.
    QTimer::singleShot(0, round, [this, round] {
        if (round == m_round)
            finishIfDone();
    });
}

void NodeLoad::sampleNode(int index)
{
    QObject* round = m_round;
    Node& node = m_nodes[index];
    // The client goes with its connection (stop(), a reconnect): this node's load is then unknown.
    connect(node.client, &QObject::destroyed, round, [this, round, index] {
        if (round == m_round)
            nodeFailed(index, u"its Docker connection closed"_s);
    });
    node.client->listContainers(
        false, {}, node.scope, [this, round, index](const Result<QList<ContainerSummary>>& list) {
            if (round != m_round || m_nodes.at(index).done)
                return;
            if (!list) {
                nodeFailed(index, list.error().toString());
                return;
            }
            Node& n = m_nodes[index];
            if (!n.client) {
                nodeFailed(index, u"its Docker connection closed"_s);
                return;
            }
            n.pending = int(list->size());
            for (const ContainerSummary& c : *list) {
                DockerStatsStream* stream = n.client->stats(c.id, n.scope);
                auto seen = std::make_shared<int>(0);
                connect(stream, &DockerStatsStream::sampleReceived, n.scope,
                        [this, round, index, stream, seen](const StatsSample& s) {
                            if (round != m_round || m_nodes.at(index).done || ++*seen < 2)
                                return;
                            stream->stop();
                            stream->deleteLater();
                            // A container that stopped meanwhile sends an invalid read time.
                            containerDone(index, s.read.isValid() ? s.cpuPercent : 0.0);
                        });
                connect(stream, &DockerStatsStream::failed, n.scope,
                        [this, round, index, stream](const QString& error, int status) {
                            if (round != m_round || m_nodes.at(index).done)
                                return;
                            stream->deleteLater();
                            if (status == Gone)
                                containerDone(index, 0.0);
                            else
                                nodeFailed(index, error);
                        });
            }
            finishIfDone();
        });
}

void NodeLoad::containerDone(int index, double cpu)
{
    Node& n = m_nodes[index];
    n.cpu += cpu;
    --n.pending;
    finishIfDone();
}

void NodeLoad::nodeFailed(int index, const QString& why)
{
    Node& n = m_nodes[index];
    if (n.done)
        return;
    qCDebug(lcCluster) << "load of node" << n.name << "unknown:" << why;
    n.done = true;
    n.error = why;
    // Later, not now: we may be inside one of its callbacks.
    if (n.scope)
        n.scope->deleteLater();
    finishIfDone();
}

void NodeLoad::finishIfDone()
{
    for (Node& n : m_nodes) {
        // Listed, and every container sampled.
        if (!n.done && n.pending == 0)
            n.done = true;
    }
    for (const Node& n : std::as_const(m_nodes)) {
        if (!n.done)
            return;
    }
    finish();
}

void NodeLoad::finish()
{
    if (!m_round)
        return;
    m_cpu.clear();
    m_unknown.clear();
    for (const Node& n : std::as_const(m_nodes)) {
        if (n.error.isEmpty())
            m_cpu.insert(n.name, n.cpu);
        else
            m_unknown.insert(n.name, n.error);
    }
    m_sampledAt = QDateTime::currentDateTimeUtc();
    m_nodes.clear();
    std::exchange(m_round, nullptr)->deleteLater();
    Q_EMIT sampled();
}

} // namespace lbdeck
