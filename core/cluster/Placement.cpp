// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Placement.h"

#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString whyNot(const PlacementCandidate& c)
{
    if (c.noBackends)
        return u"%1 runs no backends (the load balancer)"_s.arg(c.node);
    if (c.cordoned)
        return u"%1 is cordoned"_s.arg(c.node);
    if (!c.reachable)
        return c.unreachableReason.isEmpty() ? u"%1 is unreachable"_s.arg(c.node)
                                             : u"%1 is unreachable (%2)"_s.arg(c.node, c.unreachableReason);
    return {};
}

QString backendsText(int n)
{
    return n == 1 ? u"1 backend"_s : u"%1 backends"_s.arg(n);
}

QString cpuText(const std::optional<double>& cpu)
{
    // An idle node says 0.3 %, not 0 %: a tenth where it matters.
    return cpu ? u"%1 % CPU"_s.arg(*cpu, 0, 'f', *cpu < 10 ? 1 : 0) : u"CPU unknown"_s;
}

// Fewest backends, then least CPU (unknown counts as busy), then the name: a total order.
bool better(const PlacementCandidate& a, const PlacementCandidate& b)
{
    if (a.backends != b.backends)
        return a.backends < b.backends;
    const double ca = a.cpuPercent.value_or(1e9);
    const double cb = b.cpuPercent.value_or(1e9);
    if (ca != cb)
        return ca < cb;
    return a.node < b.node;
}

} // namespace

Result<PlacementChoice> choosePlacement(const QList<PlacementCandidate>& nodes)
{
    QList<PlacementCandidate> eligible;
    QStringList refused;
    for (const PlacementCandidate& c : nodes) {
        if (const QString why = whyNot(c); !why.isEmpty())
            refused << why;
        else
            eligible << c;
    }
    if (eligible.isEmpty())
        return makeError(ErrorCode::Unavailable,
                         nodes.isEmpty() ? u"the profile names no node"_s
                                         : u"no node can take a backend: "_s + refused.join(u"; "_s));
    std::sort(eligible.begin(), eligible.end(), better);
    const PlacementCandidate& best = eligible.first();
    PlacementChoice choice{best.node, {}};
    if (eligible.size() == 1) {
        choice.reason = u"%1: the only node that can take a backend"_s.arg(best.node);
    } else {
        const PlacementCandidate& next = eligible.at(1);
        if (best.backends < next.backends) {
            choice.reason = u"%1: fewest backends (%2; %3 has %4)"_s.arg(best.node)
                                .arg(best.backends)
                                .arg(next.node, QString::number(next.backends));
        } else if (best.cpuPercent.value_or(1e9) < next.cpuPercent.value_or(1e9)) {
            choice.reason = u"%1: %2 like %3, and less loaded (%4 against %5)"_s.arg(
                best.node, backendsText(best.backends), next.node, cpuText(best.cpuPercent),
                cpuText(next.cpuPercent));
        } else {
            choice.reason = u"%1: %2 like %3, equally loaded; first by name"_s.arg(
                best.node, backendsText(best.backends), next.node);
        }
    }
    if (!refused.isEmpty())
        choice.reason += u" — not "_s + refused.join(u", "_s);
    return choice;
}

Result<ScalePlan> planScale(const QList<PlacementCandidate>& nodes,
                            const QMap<QString, QList<quint16>>& running, int target,
                            const QSet<quint16>& usedPorts, quint16 firstPort)
{
    if (target < 0)
        return makeError(ErrorCode::InvalidArgument, u"cannot scale to a negative number of backends"_s);
    QList<PlacementCandidate> state = nodes;
    int total = 0;
    for (PlacementCandidate& c : state) {
        c.backends = int(running.value(c.node).size());
        total += c.backends;
    }
    ScalePlan plan;
    QSet<quint16> used = usedPorts;
    for (const QList<quint16>& ports : running)
        for (quint16 p : ports)
            used.insert(p);
    quint16 nextPort = firstPort;
    QStringList placed;
    while (total + int(plan.starts.size()) < target) {
        Result<PlacementChoice> choice = choosePlacement(state);
        if (!choice)
            return choice.error();
        while (used.contains(nextPort)) {
            if (nextPort == 65535)
                return makeError(ErrorCode::Unavailable, u"no free port left from %1"_s.arg(firstPort));
            ++nextPort;
        }
        plan.starts.append({choice->node, nextPort});
        placed << u"%1:%2"_s.arg(choice->node).arg(nextPort);
        used.insert(nextPort);
        for (PlacementCandidate& c : state) {
            if (c.node == choice->node)
                ++c.backends;
        }
    }
    // Down: cordoned and "no backends" nodes give theirs up first, then the fullest node, newest
    // port first; an unreachable node cannot be asked to stop anything.
    QMap<QString, QList<quint16>> left = running;
    for (auto it = left.begin(); it != left.end(); ++it)
        std::sort(it->begin(), it->end());
    while (total - int(plan.stops.size()) > target) {
        const PlacementCandidate* pick = nullptr;
        for (const PlacementCandidate& c : state) {
            if (!c.reachable || left.value(c.node).isEmpty())
                continue;
            const auto rank = [&](const PlacementCandidate& x) {
                return std::tuple((x.cordoned || x.noBackends) ? 0 : 1, -int(left.value(x.node).size()),
                                  x.node);
            };
            if (!pick || rank(c) < rank(*pick))
                pick = &c;
        }
        if (!pick)
            return makeError(ErrorCode::Unavailable,
                             u"cannot reach %1 backends: the others are on unreachable nodes"_s.arg(target));
        const quint16 port = left[pick->node].takeLast();
        plan.stops.append({pick->node, port});
        placed << u"%1:%2"_s.arg(pick->node).arg(port);
    }
    if (!plan.starts.isEmpty())
        plan.summary = u"start %1 (%2); %3 → %4"_s.arg(plan.starts.size())
                           .arg(placed.join(u", "_s))
                           .arg(total)
                           .arg(target);
    else if (!plan.stops.isEmpty())
        plan.summary = u"stop %1 (%2); %3 → %4"_s.arg(plan.stops.size())
                           .arg(placed.join(u", "_s))
                           .arg(total)
                           .arg(target);
    else
        plan.summary = u"already %1: nothing to do"_s.arg(total);
    return plan;
}

} // namespace lbdeck
