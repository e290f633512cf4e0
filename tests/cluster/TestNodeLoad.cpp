// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Least-loaded placement from Docker's stats: two nodes with their own dockerds and the same number
// of backends, one spinning a CPU, the other idle. The sampled load says which is which, and
// Automatic placement picks the idle one and says why.
#include "core/cluster/NodeConnection.h"
#include "core/cluster/NodeInventory.h"
#include "core/cluster/NodeLoad.h"
#include "core/cluster/PlacementInputs.h"
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/TestProcess.h"

#include <QSignalSpy>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

class TestNodeLoad : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void busyNodeIsBusyIdleNodeIsIdle();
    void automaticPicksTheIdleNodeAndSaysWhy();
    void aClosedConnectionLeavesItsNodeUnknown();
    void destroyedMidSampleNeverCallsBack();

private:
    NodeConnection* connectNode(const QString& name, const DockerDaemon& daemon);
    bool sample(NodeLoad& load);

    DockerDaemon m_busyDaemon; // core-b
    DockerDaemon m_idleDaemon; // core-c
    QList<NodeConnection*> m_nodes;
    std::unique_ptr<NodeInventory> m_inventory;
};

NodeConnection* TestNodeLoad::connectNode(const QString& name, const DockerDaemon& daemon)
{
    NodeProfile p;
    p.name = name;
    p.dockerEndpoint = daemon.host();
    auto* n = new NodeConnection(p, {}, this);
    n->start();
    return n;
}

bool TestNodeLoad::sample(NodeLoad& load)
{
    QSignalSpy done(&load, &NodeLoad::sampled);
    load.refresh(m_nodes);
    return load.isSampling() && done.wait(20000) && done.size() == 1 && !load.isSampling();
}

void TestNodeLoad::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root");
    for (DockerDaemon* d : {&m_busyDaemon, &m_idleDaemon}) {
        QCOMPARE(d->start(), QString());
        QCOMPARE(d->buildBackendImage(), QString());
    }
    const QString image = DockerDaemon::backendImage();
    // Two spinning shells: well above 50 % of one CPU even while the machine builds beside us.
    QCOMPARE(m_busyDaemon.docker({u"run"_s, u"-d"_s, u"--name"_s, u"load-busy"_s, image, u"/bin/busybox"_s,
                                  u"sh"_s, u"-c"_s, u"while :; do :; done & while :; do :; done"_s}),
             QString());
    QCOMPARE(m_idleDaemon.docker({u"run"_s, u"-d"_s, u"--name"_s, u"load-idle"_s, image, u"/bin/busybox"_s,
                                  u"sleep"_s, u"3600"_s}),
             QString());
    m_nodes = {connectNode(u"core-b"_s, m_busyDaemon), connectNode(u"core-c"_s, m_idleDaemon)};
    for (NodeConnection* n : std::as_const(m_nodes))
        QTRY_COMPARE_WITH_TIMEOUT(n->state(), NodeConnection::State::Ready, 20000);
    m_inventory = std::make_unique<NodeInventory>();
    m_inventory->setNodes(m_nodes);
    QTRY_COMPARE_WITH_TIMEOUT(m_inventory->runningCount(u"core-b"_s), 1, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(m_inventory->runningCount(u"core-c"_s), 1, 20000);
}

void TestNodeLoad::cleanupTestCase()
{
    m_inventory.reset();
    qDeleteAll(std::exchange(m_nodes, {}));
    m_busyDaemon.docker({u"rm"_s, u"-f"_s, u"load-busy"_s});
    m_idleDaemon.docker({u"rm"_s, u"-f"_s, u"load-idle"_s});
}

void TestNodeLoad::busyNodeIsBusyIdleNodeIsIdle()
{
    NodeLoad load;
    QVERIFY(!load.sampledAt().isValid());
    QVERIFY(sample(load));
    QVERIFY2(load.unknown().isEmpty(), qPrintable(load.unknown().keys().join(u", "_s)));
    QVERIFY(load.sampledAt().isValid());
    QVERIFY(load.cpuByNode().contains(u"core-b"_s));
    QVERIFY(load.cpuByNode().contains(u"core-c"_s));
    const double busy = load.cpuByNode().value(u"core-b"_s);
    const double idle = load.cpuByNode().value(u"core-c"_s);
    QVERIFY2(busy > 50.0, qPrintable(u"busy node: %1 %"_s.arg(busy)));
    QVERIFY2(idle < 5.0, qPrintable(u"idle node: %1 %"_s.arg(idle)));
    qInfo("busy node %.1f %%, idle node %.1f %%", busy, idle);
}

void TestNodeLoad::automaticPicksTheIdleNodeAndSaysWhy()
{
    NodeLoad load;
    QVERIFY(sample(load));
    const QList<PlacementCandidate> candidates = placementCandidates(m_nodes, *m_inventory, load.cpuByNode());
    QCOMPARE(candidates.size(), 2);
    QCOMPARE(candidates.at(0).backends, candidates.at(1).backends); // a tie on backends
    const Result<PlacementChoice> choice = choosePlacement(candidates);
    QVERIFY(choice);
    QCOMPARE(choice->node, u"core-c"_s);
    // "core-c: 0 backends like core-b, and less loaded (0.1 % CPU against 187 % CPU)"
    QVERIFY2(choice->reason.startsWith(u"core-c: 0 backends like core-b, and less loaded ("_s),
             qPrintable(choice->reason));
    const QString idle = u"%1 % CPU"_s.arg(load.cpuByNode().value(u"core-c"_s), 0, 'f', 1);
    QVERIFY2(choice->reason.contains(idle + u" against "_s), qPrintable(choice->reason));
    // Without a sample the tie goes by name, to the busy node: the sample is what decided it.
    QCOMPARE(choosePlacement(placementCandidates(m_nodes, *m_inventory))->node, u"core-b"_s);
}

void TestNodeLoad::aClosedConnectionLeavesItsNodeUnknown()
{
    NodeConnection* idle = m_nodes.at(1);
    NodeLoad load;
    QSignalSpy done(&load, &NodeLoad::sampled);
    load.refresh(m_nodes);
    idle->stop(); // destroys its DockerClient while the sample waits for it
    QVERIFY(done.wait(20000));
    QCOMPARE(done.size(), 1);
    QVERIFY(load.cpuByNode().contains(u"core-b"_s));
    QVERIFY(!load.cpuByNode().contains(u"core-c"_s));
    // Said by whichever notices first: the sample's own guard or the client's shut-down answer.
    const QString why = load.unknown().value(u"core-c"_s);
    QVERIFY2(why == u"its Docker connection closed"_s || why.contains(u"shut down"_s), qPrintable(why));
    // Not connected at all: unknown from the start, and still answered from the event loop.
    QVERIFY(sample(load));
    QVERIFY(load.unknown().value(u"core-c"_s).startsWith(u"not connected"_s));
    QTest::qWait(1500);
    QCOMPARE(done.size(), 2); // once per sample, not once per node
    idle->start();
    QTRY_COMPARE_WITH_TIMEOUT(idle->state(), NodeConnection::State::Ready, 20000);
}

void TestNodeLoad::destroyedMidSampleNeverCallsBack()
{
    auto load = std::make_unique<NodeLoad>();
    int calls = 0;
    connect(load.get(), &NodeLoad::sampled, this, [&calls] { ++calls; });
    load->refresh(m_nodes);
    QVERIFY(load->isSampling());
    QTest::qWait(200); // its requests and streams are out
    load.reset();
    QTest::qWait(3000); // longer than a sample takes
    QCOMPARE(calls, 0);
}

QTEST_GUILESS_MAIN(TestNodeLoad)
#include "TestNodeLoad.moc"
