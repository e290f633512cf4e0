// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QList>
#include <QMap>
#include <QSet>
#include <QString>

#include <optional>

namespace lbdeck {

// One node as placement sees it (what fleet decided in the seed).
struct PlacementCandidate
{
    QString node;
    bool reachable = true;
    QString unreachableReason;        // when not reachable: what the link says
    bool cordoned = false;            // takes no new backend; its running ones stay
    bool noBackends = false;          // never runs backends (the load balancer)
    int backends = 0;                 // backends of this service on the node now
    std::optional<double> cpuPercent; // from the Docker stats stream, summed; unknown: nullopt
};

struct PlacementChoice
{
    QString node;
    QString reason; // shown before the start: "core-c: fewest backends (0; core-b has 2)"
};

// The stated policy: never a node that is cordoned, marked "no backends" or unreachable; among the
// rest the fewest backends of this service, then the least CPU by Docker's stats, then the name.
// The error names every node and why it cannot take one.
Result<PlacementChoice> choosePlacement(const QList<PlacementCandidate>& nodes);

struct ScaleStep
{
    QString node;
    quint16 port = 0;
};

struct ScalePlan
{
    QList<ScaleStep> starts; // new backends, each on a free port
    QList<ScaleStep> stops;  // backends to stop, the newest port first
    QString summary;         // "start 2 (apache on core-c:8003, core-c:8004); 2 → 4"
};

// Scale to N: starts (placed one by one by choosePlacement, on the lowest free ports from
// firstPort, ports being unique across the cluster as the seed's keys are) or stops (from the
// nodes that hold the most, cordoned ones first; an unreachable node's backends are not counted on
// to be stoppable). running: node -> its backends' ports. usedPorts: every port any key or
// container holds.
Result<ScalePlan> planScale(const QList<PlacementCandidate>& nodes,
                            const QMap<QString, QList<quint16>>& running, int target,
                            const QSet<quint16>& usedPorts, quint16 firstPort = 8001);

} // namespace lbdeck
