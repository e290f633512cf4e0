// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Placement (fleet's job in the seed): the stated policy, its reasons, and Scale to N.
#include "core/cluster/Placement.h"

#include <QTest>

using namespace lbdeck;
using namespace Qt::StringLiterals;

namespace {

PlacementCandidate node(const QString& name, int backends = 0, std::optional<double> cpu = std::nullopt)
{
    PlacementCandidate c;
    c.node = name;
    c.backends = backends;
    c.cpuPercent = cpu;
    return c;
}

QMap<QString, int> countByNode(const QMap<QString, QList<quint16>>& running, const ScalePlan& plan)
{
    QMap<QString, int> out;
    for (auto it = running.cbegin(); it != running.cend(); ++it)
        out[it.key()] += int(it->size());
    for (const ScaleStep& s : plan.starts)
        ++out[s.node];
    for (const ScaleStep& s : plan.stops)
        --out[s.node];
    return out;
}

} // namespace

class TestPlacement : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fewestBackendsFirst();
    void leastLoadedBreaksTies();
    void neverCordonedUnreachableOrBalancer();
    void nothingEligibleSaysWhy();
    void scaleUpSpreads();
    void scaleUpSkipsCordonedAndUsedPorts();
    void scaleDownEmptiesCordonedFirst();
};

void TestPlacement::fewestBackendsFirst()
{
    PlacementCandidate a = node(u"core-a"_s);
    a.noBackends = true;
    const Result<PlacementChoice> c =
        choosePlacement({a, node(u"core-b"_s, 2, 1.0), node(u"core-c"_s, 0, 90.0)});
    QVERIFY(c);
    QCOMPARE(c->node, u"core-c"_s); // fewest backends wins over a busy CPU
    QCOMPARE(
        c->reason,
        u"core-c: fewest backends (0; core-b has 2) — not core-a runs no backends (the load balancer)"_s);
}

void TestPlacement::leastLoadedBreaksTies()
{
    const Result<PlacementChoice> c =
        choosePlacement({node(u"core-b"_s, 1, 62.0), node(u"core-c"_s, 1, 4.0), node(u"core-d"_s, 3, 0.0)});
    QVERIFY(c);
    QCOMPARE(c->node, u"core-c"_s);
    QCOMPARE(c->reason, u"core-c: 1 backend like core-b, and less loaded (4.0 % CPU against 62 % CPU)"_s);
    // Unknown load counts as busy; a full tie goes by name.
    QCOMPARE(choosePlacement({node(u"core-c"_s, 1), node(u"core-b"_s, 1, 30.0)})->node, u"core-b"_s);
    QCOMPARE(choosePlacement({node(u"core-c"_s, 1, 5.0), node(u"core-b"_s, 1, 5.0)})->node, u"core-b"_s);
}

void TestPlacement::neverCordonedUnreachableOrBalancer()
{
    PlacementCandidate b = node(u"core-b"_s, 0, 0.0);
    b.cordoned = true;
    PlacementCandidate d = node(u"core-d"_s, 0, 0.0);
    d.reachable = false;
    d.unreachableReason = u"ssh: connection refused"_s;
    const Result<PlacementChoice> c = choosePlacement({b, node(u"core-c"_s, 5, 99.0), d});
    QVERIFY(c);
    QCOMPARE(c->node, u"core-c"_s);
    QCOMPARE(c->reason, u"core-c: the only node that can take a backend — not core-b is cordoned, core-d is "
                        u"unreachable (ssh: connection refused)"_s);
}

void TestPlacement::nothingEligibleSaysWhy()
{
    PlacementCandidate a = node(u"core-a"_s);
    a.noBackends = true;
    PlacementCandidate b = node(u"core-b"_s);
    b.cordoned = true;
    const Result<PlacementChoice> c = choosePlacement({a, b});
    QVERIFY(!c);
    QCOMPARE(
        c.error().message,
        u"no node can take a backend: core-a runs no backends (the load balancer); core-b is cordoned"_s);
    QVERIFY(!choosePlacement({}));
}

void TestPlacement::scaleUpSpreads()
{
    // The seed after a while: core-b holds 2, core-c none. Scale to 4 ends 2 and 2.
    const QMap<QString, QList<quint16>> running{{u"core-b"_s, {8001, 8002}}};
    const Result<ScalePlan> plan =
        planScale({node(u"core-b"_s), node(u"core-c"_s)}, running, 4, {8001, 8002});
    QVERIFY(plan);
    QCOMPARE(plan->starts.size(), 2);
    QCOMPARE(plan->stops.size(), 0);
    QCOMPARE(countByNode(running, *plan), (QMap<QString, int>{{u"core-b"_s, 2}, {u"core-c"_s, 2}}));
    QCOMPARE(plan->starts[0].port, quint16(8003));
    QCOMPARE(plan->starts[1].port, quint16(8004));
    QCOMPARE(plan->summary, u"start 2 (core-c:8003, core-c:8004); 2 → 4"_s);
    // From nothing to 5 over two nodes: 3 and 2, alternating.
    const Result<ScalePlan> five = planScale({node(u"core-b"_s), node(u"core-c"_s)}, {}, 5, {});
    QCOMPARE(countByNode({}, *five), (QMap<QString, int>{{u"core-b"_s, 3}, {u"core-c"_s, 2}}));
}

void TestPlacement::scaleUpSkipsCordonedAndUsedPorts()
{
    PlacementCandidate b = node(u"core-b"_s);
    b.cordoned = true;
    // 8003 is held by a key on another prefix, 8004 by a stray container: both skipped.
    const Result<ScalePlan> plan =
        planScale({b, node(u"core-c"_s)}, {{u"core-b"_s, {8001}}}, 3, {8001, 8003, 8004}, 8002);
    QVERIFY(plan);
    QCOMPARE(plan->starts.size(), 2);
    for (const ScaleStep& s : plan->starts)
        QCOMPARE(s.node, u"core-c"_s); // a cordoned node gets none
    QCOMPARE(plan->starts[0].port, quint16(8002));
    QCOMPARE(plan->starts[1].port, quint16(8005));
}

void TestPlacement::scaleDownEmptiesCordonedFirst()
{
    PlacementCandidate b = node(u"core-b"_s);
    b.cordoned = true;
    PlacementCandidate d = node(u"core-d"_s);
    d.reachable = false;
    const QMap<QString, QList<quint16>> running{
        {u"core-b"_s, {8001}}, {u"core-c"_s, {8002, 8004, 8003}}, {u"core-d"_s, {8005, 8006}}};
    const Result<ScalePlan> plan = planScale({b, node(u"core-c"_s), d}, running, 3, {});
    QVERIFY(plan);
    QCOMPARE(plan->stops.size(), 3);
    QCOMPARE(plan->stops[0].node, u"core-b"_s); // cordoned first
    QCOMPARE(plan->stops[1].node, u"core-c"_s);
    QCOMPARE(plan->stops[1].port, quint16(8004)); // newest port first
    QCOMPARE(plan->stops[2].port, quint16(8003));
    // The unreachable node's two cannot be stopped: 1 is out of reach.
    QVERIFY(!planScale({b, node(u"core-c"_s), d}, running, 1, {}));
}

QTEST_GUILESS_MAIN(TestPlacement)
#include "TestPlacement.moc"
