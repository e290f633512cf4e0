// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/docker/DockerTypes.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace lbdeck {

class DockerEventStream;
class NodeConnection;

// A backend container as a node's Docker engine reports it.
struct BackendContainer
{
    QString node;
    QString name;
    QString state; // running, exited, created, ...
    bool running = false;
    QString published; // host ip:port
    QString image;
    QByteArray key; // io.lbdeck.key
    bool operator==(const BackendContainer&) const = default;
};

// What runs on each node (the seed's `fleetctl list-units` and `docker ps`): every container, and
// the lbdeck backends among them by their key. Kept current from each node's event stream, with a
// slow full refresh as a safety net.
class NodeInventory : public QObject
{
    Q_OBJECT
public:
    explicit NodeInventory(QObject* parent = nullptr);
    void setNodes(const QList<NodeConnection*>& nodes); // Not owned.
    void refresh();

    // key -> container, for labelled backends on every node.
    const QHash<QByteArray, BackendContainer>& backends() const { return m_backends; }
    int containerCount(const QString& node) const { return m_counts.value(node); }
    int runningCount(const QString& node) const { return m_running.value(node); }

Q_SIGNALS:
    // Keys whose container appeared, changed or went.
    void backendsChanged(const QList<QByteArray>& keys);
    void nodeChanged(const QString& node);
    // Every container event of a node's Docker stream, as Docker sent it (for the event log).
    void containerEvent(const QString& node, const QJsonObject& event);

private:
    void refreshNode(NodeConnection* node);
    void watchEvents(NodeConnection* node);

    QList<QPointer<NodeConnection>> m_nodes;
    QHash<QString, DockerEventStream*> m_streams; // Owned (children).
    QHash<QString, QTimer*> m_debounce;           // Owned (children).
    QHash<QByteArray, BackendContainer> m_backends;
    QHash<QString, int> m_counts;
    QHash<QString, int> m_running;
    QTimer m_safetyNet;
};

} // namespace lbdeck
