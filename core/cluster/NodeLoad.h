// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include <chrono>

namespace lbdeck {

class DockerClient;
class NodeConnection;

// How busy each node is, for placement's "least loaded": the CPU of every running container as
// `docker stats` computes it (of one CPU: two busy cores are 200 %), summed per node. refresh()
// takes one sample: each ready node lists its running containers, opens Docker's stats stream to
// each and keeps its second sample (the first has nothing to compare with), then closes it. The
// result replaces the last one when every node has answered or the deadline has passed, and
// sampled() says so, from the event loop. A node that did not answer (not ready, an error, its
// client destroyed meanwhile, a container silent until the deadline) is left out: its load is
// unknown. Destroying this aborts the sample under way; nothing calls back.
class NodeLoad : public QObject
{
    Q_OBJECT
public:
    explicit NodeLoad(QObject* parent = nullptr);
    ~NodeLoad() override;

    void setDeadline(std::chrono::milliseconds deadline) { m_deadline = deadline; }
    // Starts a sample of these nodes; while one is under way, that one goes on.
    void refresh(const QList<NodeConnection*>& nodes);
    bool isSampling() const { return m_round != nullptr; }

    // The last complete sample: node -> percent; a node that is not in it has an unknown load.
    const QHash<QString, double>& cpuByNode() const { return m_cpu; }
    // Why a node of the last sample has no load: "not connected", Docker's error, ...
    const QHash<QString, QString>& unknown() const { return m_unknown; }
    const QDateTime& sampledAt() const { return m_sampledAt; }

Q_SIGNALS:
    void sampled();

private:
    struct Node
    {
        QString name;
        QPointer<DockerClient> client;
        QObject* scope = nullptr; // Owned (child of the round): its requests and streams
        int pending = -1;         // containers without their sample yet; -1: not listed yet
        double cpu = 0;
        bool done = false;
        QString error;
    };
    void sampleNode(int index);
    void containerDone(int index, double cpu);
    void nodeFailed(int index, const QString& why);
    void finishIfDone();
    void finish();

    std::chrono::milliseconds m_deadline{10000};
    QObject* m_round = nullptr; // Owned (child): the sample under way and everything it waits for
    QList<Node> m_nodes;
    QHash<QString, double> m_cpu;
    QHash<QString, QString> m_unknown;
    QDateTime m_sampledAt;
};

} // namespace lbdeck
