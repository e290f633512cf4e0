// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "PlacementInputs.h"

#include "NodeConnection.h"
#include "NodeInventory.h"

namespace lbdeck {

namespace {

quint16 portOf(const QString& published)
{
    return quint16(published.section(u':', -1).toUInt());
}

} // namespace

QList<PlacementCandidate> placementCandidates(const QList<NodeConnection*>& nodes,
                                              const NodeInventory& inventory,
                                              const QHash<QString, double>& cpuByNode)
{
    const QMap<QString, QList<quint16>> running = runningBackends(inventory);
    QList<PlacementCandidate> out;
    for (const NodeConnection* n : nodes) {
        PlacementCandidate c;
        c.node = n->profile().name;
        c.reachable = n->state() == NodeConnection::State::Ready;
        if (!c.reachable)
            c.unreachableReason = n->detail();
        c.cordoned = n->profile().cordoned;
        c.noBackends = n->profile().noBackends;
        c.backends = int(running.value(c.node).size());
        if (const auto it = cpuByNode.constFind(c.node); it != cpuByNode.cend())
            c.cpuPercent = *it;
        out << c;
    }
    return out;
}

QMap<QString, QList<quint16>> runningBackends(const NodeInventory& inventory)
{
    QMap<QString, QList<quint16>> out;
    for (const BackendContainer& b : inventory.backends()) {
        if (b.running && portOf(b.published) != 0)
            out[b.node] << portOf(b.published);
    }
    for (auto it = out.begin(); it != out.end(); ++it)
        std::sort(it->begin(), it->end());
    return out;
}

QSet<quint16> usedBackendPorts(const NodeInventory& inventory, const QList<quint16>& registeredPorts)
{
    QSet<quint16> out(registeredPorts.cbegin(), registeredPorts.cend());
    for (const BackendContainer& b : inventory.backends()) {
        if (const quint16 p = portOf(b.published); p != 0)
            out.insert(p);
    }
    return out;
}

} // namespace lbdeck
