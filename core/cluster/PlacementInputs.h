// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Placement.h"

#include <QHash>

namespace lbdeck {

class NodeConnection;
class NodeInventory;

// What placement needs from an open session: every node with its link state and its profile's
// constraints, the backends each one runs now (by the inventory of its Docker engine), and the
// CPU its containers use when known (node -> percent, from the stats stream).
QList<PlacementCandidate> placementCandidates(const QList<NodeConnection*>& nodes,
                                              const NodeInventory& inventory,
                                              const QHash<QString, double>& cpuByNode = {});
// node -> the published ports of its running backends.
QMap<QString, QList<quint16>> runningBackends(const NodeInventory& inventory);
// Every port a backend's key or container holds, anywhere (ports are unique across the cluster).
QSet<quint16> usedBackendPorts(const NodeInventory& inventory, const QList<quint16>& registeredPorts);

} // namespace lbdeck
