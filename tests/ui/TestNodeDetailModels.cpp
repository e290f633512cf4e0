// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Node detail's models under QAbstractItemModelTester, fed as the view feeds them: containers
// that come, change and go, stats samples, and the unit rows (UNIT MACHINE ACTIVE SUB) derived
// from container labels and states. The same models against a real dockerd: TestNodeDetail.
#include "ui/models/NodeContainersModel.h"
#include "ui/models/NodeUnitsModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace lbdeck;
using namespace Qt::StringLiterals;

namespace {

ContainerSummary container(const QString& id, const QString& name, const QString& state,
                           const QString& status = {})
{
    ContainerSummary c;
    c.id = id;
    c.names = {name};
    c.image = u"lbdeck/backend:test"_s;
    c.state = state;
    c.status = status.isEmpty() ? (state == u"running"_s ? u"Up 2 minutes"_s : u"Exited (0) 1 minute ago"_s)
                                : status;
    return c;
}

ContainerSummary backend(const QString& id, quint16 port, const QString& node, const QString& state,
                         const QString& status = {})
{
    ContainerSummary c = container(id, u"apache-%1"_s.arg(port), state, status);
    c.labels = {{u"io.lbdeck.key"_s, u"/test/apache-%1"_s.arg(port)},
                {u"io.lbdeck.node"_s, node},
                {u"io.lbdeck.address"_s, u"127.0.1.2:%1"_s.arg(port)}};
    if (state == u"running"_s)
        c.ports = {PortBinding{u"127.0.1.2"_s, port, 80, u"tcp"_s}};
    return c;
}

StatsSample sample(double cpu, qint64 memory)
{
    StatsSample s;
    s.read = QDateTime::currentDateTimeUtc();
    s.cpuPercent = cpu;
    s.memoryUsage = memory;
    s.memoryLimit = 1LL << 30;
    s.onlineCpus = 2;
    return s;
}

} // namespace

class TestNodeDetailModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void containersUpdateInPlace();
    void samplesFillCpuAndMemory();
    void activeSub_data();
    void activeSub();
    void unitsFromLabels();
};

void TestNodeDetailModels::containersUpdateInPlace()
{
    NodeContainersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setContainers(
        {container(u"a"_s, u"one"_s, u"running"_s), container(u"b"_s, u"two"_s, u"running"_s)});
    QCOMPARE(model.rowCount(), 2);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    // Same list: nothing moves.
    model.setContainers(
        {container(u"a"_s, u"one"_s, u"running"_s), container(u"b"_s, u"two"_s, u"running"_s)});
    QCOMPARE(changed.size(), 0);
    // "two" stops, "one" goes, "three" comes: one change, one removal, one insert, no reset.
    model.setContainers(
        {container(u"b"_s, u"two"_s, u"exited"_s), container(u"c"_s, u"three"_s, u"created"_s)});
    QCOMPARE(reset.size(), 0);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, NodeContainersModel::Name).data().toString(), u"two"_s);
    QCOMPARE(model.index(0, NodeContainersModel::State).data().toString(), u"exited"_s);
    QCOMPARE(model.index(1, NodeContainersModel::Name).data().toString(), u"three"_s);
    QCOMPARE(model.rowOfName(u"three"_s), 1);
    QCOMPARE(model.rowOf(u"a"_s), -1);
}

void TestNodeDetailModels::samplesFillCpuAndMemory()
{
    NodeContainersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ContainerSummary web = container(u"a"_s, u"web"_s, u"running"_s);
    web.ports = {PortBinding{u"127.0.1.2"_s, 8001, 80, u"tcp"_s},
                 PortBinding{u"127.0.1.2"_s, 8001, 80, u"tcp"_s}, PortBinding{{}, 0, 443, u"tcp"_s}};
    model.setContainers({web});
    QCOMPARE(model.index(0, NodeContainersModel::Ports).data().toString(), u"127.0.1.2:8001->80/tcp"_s);
    QVERIFY(!model.index(0, NodeContainersModel::Cpu).data(NodeContainersModel::CpuRole).isValid());
    QCOMPARE(model.index(0, NodeContainersModel::Cpu).data().toString(), QString()); // no figure made up
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setSample(u"a"_s, sample(87.25, 3 * 1024 * 1024));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().column(), int(NodeContainersModel::Cpu));
    QCOMPARE(changed.first().at(1).toModelIndex().column(), int(NodeContainersModel::Memory));
    QCOMPARE(model.index(0, NodeContainersModel::Cpu).data().toString(), u"87.3 %"_s);
    QCOMPARE(model.index(0, NodeContainersModel::Memory).data().toString(), u"3.0 MB"_s);
    QCOMPARE(model.index(0, 0).data(NodeContainersModel::SamplesRole).toInt(), 1);
    // A sample with no read time (the container stopped meanwhile) is not a figure.
    model.setSample(u"a"_s, StatsSample{});
    QCOMPARE(model.index(0, 0).data(NodeContainersModel::SamplesRole).toInt(), 1);
    model.setSample(u"nobody"_s, sample(1, 1)); // not a row: ignored
    // It stops: the old figures go with it.
    model.setContainers({container(u"a"_s, u"web"_s, u"exited"_s)});
    QCOMPARE(model.index(0, NodeContainersModel::Cpu).data().toString(), u"—"_s);
    QVERIFY(!model.index(0, NodeContainersModel::Cpu).data(NodeContainersModel::CpuRole).isValid());
    model.setSample(u"a"_s, sample(50, 1));
    QVERIFY(!model.index(0, NodeContainersModel::Cpu).data(NodeContainersModel::CpuRole).isValid());
}

void TestNodeDetailModels::activeSub_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("active");
    QTest::addColumn<QString>("sub");
    QTest::newRow("running") << u"running"_s << u"Up 3 minutes"_s << u"active"_s << u"running"_s;
    QTest::newRow("paused") << u"paused"_s << u"Up 3 minutes (Paused)"_s << u"active"_s << u"paused"_s;
    QTest::newRow("clean exit") << u"exited"_s << u"Exited (0) 2 minutes ago"_s << u"inactive"_s << u"dead"_s;
    QTest::newRow("killed") << u"exited"_s << u"Exited (137) 5 seconds ago"_s << u"failed"_s << u"failed"_s;
    QTest::newRow("created") << u"created"_s << u"Created"_s << u"inactive"_s << u"dead"_s;
    QTest::newRow("restarting") << u"restarting"_s << u"Restarting (1) 1 second ago"_s << u"activating"_s
                                << u"auto-restart"_s;
    QTest::newRow("dead") << u"dead"_s << u"Dead"_s << u"failed"_s << u"failed"_s;
}

void TestNodeDetailModels::activeSub()
{
    QFETCH(QString, state);
    QFETCH(QString, status);
    QFETCH(QString, active);
    QFETCH(QString, sub);
    const auto [a, s] = NodeUnitsModel::activeSub(state, status);
    QCOMPARE(a, active);
    QCOMPARE(s, sub);
}

void TestNodeDetailModels::unitsFromLabels()
{
    NodeUnitsModel model(u"core-b"_s, u"127.0.1.2"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setContainers({backend(u"1"_s, 8002, u"core-b"_s, u"running"_s),
                         container(u"2"_s, u"not-a-backend"_s, u"running"_s),
                         backend(u"3"_s, 8001, u"core-c"_s, u"running"_s), // another node's, same engine
                         backend(u"4"_s, 8003, u"core-b"_s, u"exited"_s, u"Exited (0) 1 hour ago"_s)});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), u"UNIT"_s);
    QCOMPARE(model.index(0, NodeUnitsModel::Unit).data().toString(), u"apache@8002.service"_s);
    QCOMPARE(model.index(0, NodeUnitsModel::Machine).data().toString(), u"core-b/127.0.1.2"_s);
    QCOMPARE(model.index(0, NodeUnitsModel::Active).data().toString(), u"active"_s);
    QCOMPARE(model.index(0, NodeUnitsModel::Sub).data().toString(), u"running"_s);
    QCOMPARE(model.index(1, NodeUnitsModel::Unit).data().toString(), u"apache@8003.service"_s);
    QCOMPARE(model.index(1, NodeUnitsModel::Active).data().toString(), u"inactive"_s);
    QCOMPARE(model.index(0, 0).data(NodeUnitsModel::ContainerRole).toString(), u"apache-8002"_s);
    // 8002 stops, 8003 is replaced by a running container of the same unit: rows change in place.
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setContainers({backend(u"1"_s, 8002, u"core-b"_s, u"exited"_s, u"Exited (137) now"_s),
                         backend(u"4"_s, 8003, u"core-b"_s, u"exited"_s, u"Exited (0) 1 hour ago"_s),
                         backend(u"5"_s, 8003, u"core-b"_s, u"running"_s)});
    QCOMPARE(reset.size(), 0);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, NodeUnitsModel::Active).data().toString(), u"failed"_s);
    QCOMPARE(model.index(1, NodeUnitsModel::Sub).data().toString(), u"running"_s);
    // A pattern of the profile's own gives the unit's name.
    const ContainerSummary web = backend(u"6"_s, 9000, u"core-b"_s, u"running"_s);
    QCOMPARE(NodeUnitsModel::unitFor(web, u"core-b"_s, {}, u"web_%1"_s).unit, u"web@9000.service"_s);
    QCOMPARE(NodeUnitsModel::unitFor(web, u"core-b"_s, {}, u"web_%1"_s).machine, u"core-b"_s);
    model.setContainers({});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(TestNodeDetailModels)
#include "TestNodeDetailModels.moc"
