// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Node detail against a real dockerd (root; skipped otherwise), reached the way the app reaches
// it, through a ClusterSession: every container with CPU and memory from its stats stream (a busy
// loop above 50 %, a sleeper below 5 %), a backend's log followed while requests hit it, with
// search, pause and copy, its inspect JSON, and the seed's UNIT MACHINE ACTIVE SUB table.
#include "core/cluster/ClusterSession.h"
#include "core/cluster/NodeConnection.h"
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/EtcdServer.h"
#include "ui/models/NodeContainersModel.h"
#include "ui/models/NodeUnitsModel.h"
#include "ui/views/NodeDetailInspect.h"
#include "ui/views/NodeDetailLogs.h"
#include "ui/views/NodeDetailView.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {
const QString Node = u"core-b"_s;
const QString NodeIp = u"127.0.1.71"_s;
} // namespace

class TestNodeDetail : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void containersWithCpuAndMemory();
    void followsABackendsLogWhileRequestsHitIt();
    void inspectShowsTheContainersJson();
    void unitsAreTheSeedsListUnits();
    void aRemovedContainerLeavesTheTable();

private:
    int rowOf(const QString& name) const { return m_view->containersModel()->rowOfName(name); }
    QVariant cell(const QString& name, int column, int role = Qt::DisplayRole) const
    {
        const int row = rowOf(name);
        return row < 0 ? QVariant() : m_view->containersModel()->index(row, column).data(role);
    }
    QString run(const QStringList& args);
    QString visibleLog() const { return m_view->logs()->visibleText(); }

    EtcdServer m_etcd;
    DockerDaemon m_docker;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<NodeDetailView> m_view;
    std::unique_ptr<QAbstractItemModelTester> m_containersTester;
    std::unique_ptr<QAbstractItemModelTester> m_unitsTester;
    QString m_runLabel;
    quint16 m_port = 0;
    quint16 m_stoppedPort = 0;
};

QString TestNodeDetail::run(const QStringList& args)
{
    return m_docker.docker(args);
}

void TestNodeDetail::initTestCase()
{
    if (!isRoot())
        QSKIP("the Docker engine needs root (CI runs these tests as root)");
    for (const QString& e : {m_etcd.start(), m_docker.start(), m_docker.buildBackendImage()})
        QVERIFY2(e.isEmpty(), qPrintable(e));
    m_runLabel = u"lbdeck.test=run-%1"_s.arg(QCoreApplication::applicationPid());
    const QString image = DockerDaemon::backendImage();
    QVERIFY2(run({u"run"_s, u"-d"_s, u"--name"_s, u"nd-busy"_s, u"--label"_s, m_runLabel, image,
                  u"/bin/busybox"_s, u"sh"_s, u"-c"_s, u"while :; do :; done"_s})
                 .isEmpty(),
             "busy container");
    QVERIFY2(run({u"run"_s, u"-d"_s, u"--name"_s, u"nd-idle"_s, u"--label"_s, m_runLabel, image,
                  u"/bin/busybox"_s, u"sleep"_s, u"3600"_s})
                 .isEmpty(),
             "idle container");
    // A backend as lbdeck starts one (its labels), serving with httpd -vv: lines for each request,
    // its URL among them.
    m_port = freePort();
    const QString name = u"apache-%1"_s.arg(m_port);
    const QString address = u"%1:%2"_s.arg(NodeIp).arg(m_port);
    const QString e = run({u"run"_s,
                           u"-d"_s,
                           u"--name"_s,
                           name,
                           u"--label"_s,
                           m_runLabel,
                           u"--label"_s,
                           u"io.lbdeck.backend=1"_s,
                           u"--label"_s,
                           u"io.lbdeck.key=/test/"_s + name,
                           u"--label"_s,
                           u"io.lbdeck.node="_s + Node,
                           u"--label"_s,
                           u"io.lbdeck.address="_s + address,
                           u"-p"_s,
                           address + u":80"_s,
                           image,
                           u"/bin/busybox"_s,
                           u"sh"_s,
                           u"-c"_s,
                           u"echo ok > /www/index.html; exec /bin/busybox httpd -f -vv -p 80 -h /www"_s});
    QVERIFY2(e.isEmpty(), qPrintable(e));
    // One that was made and never started: a unit that is inactive.
    m_stoppedPort = freePort();
    const QString stopped = u"apache-%1"_s.arg(m_stoppedPort);
    QVERIFY(run({u"create"_s, u"--name"_s, stopped, u"--label"_s, m_runLabel, u"--label"_s,
                 u"io.lbdeck.key=/test/"_s + stopped, u"--label"_s, u"io.lbdeck.node="_s + Node, u"--label"_s,
                 u"io.lbdeck.address=%1:%2"_s.arg(NodeIp).arg(m_stoppedPort), image})
                .isEmpty());
    QVERIFY(waitUntil([&] { return httpGet(NodeIp, m_port, "/") == 200; }, std::chrono::seconds(20)));

    ClusterProfile profile;
    profile.etcd.endpoints = {m_etcd.clientUrl()};
    profile.nodes = {{Node, NodeIp, m_docker.host()}};
    m_session = std::make_unique<ClusterSession>(profile);
    QSignalSpy opened(m_session.get(), &ClusterSession::opened);
    m_session->open();
    QVERIFY(opened.wait(20000));
    QTRY_VERIFY_WITH_TIMEOUT(m_session->node(Node)->state() == NodeConnection::State::Ready, 20000);

    m_view = std::make_unique<NodeDetailView>(m_session.get(), Node);
    m_containersTester = std::make_unique<QAbstractItemModelTester>(
        m_view->containersModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_unitsTester = std::make_unique<QAbstractItemModelTester>(
        m_view->unitsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_view->resize(1000, 600);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TestNodeDetail::cleanupTestCase()
{
    m_view.reset();
    m_session.reset();
    if (m_docker.isRunning()) {
        QByteArray ids;
        m_docker.docker({u"ps"_s, u"-aq"_s, u"--filter"_s, u"label="_s + m_runLabel}, &ids);
        const QStringList list = QString::fromUtf8(ids).split(u'\n', Qt::SkipEmptyParts);
        if (!list.isEmpty())
            m_docker.docker(QStringList{u"rm"_s, u"-f"_s} + list);
    }
}

void TestNodeDetail::containersWithCpuAndMemory()
{
    const QString backend = u"apache-%1"_s.arg(m_port);
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(u"nd-busy"_s) >= 0 && rowOf(u"nd-idle"_s) >= 0 && rowOf(backend) >= 0,
                             20000);
    QVERIFY(rowOf(u"apache-%1"_s.arg(m_stoppedPort)) >= 0); // docker ps -a: stopped ones too
    QCOMPARE(cell(u"nd-busy"_s, NodeContainersModel::Image).toString(), DockerDaemon::backendImage());
    QCOMPARE(cell(u"nd-busy"_s, NodeContainersModel::State).toString(), u"running"_s);
    QVERIFY(cell(u"nd-idle"_s, NodeContainersModel::Uptime).toString().startsWith(u"Up "_s));
    QCOMPARE(cell(backend, NodeContainersModel::Ports).toString(),
             u"%1:%2->80/tcp"_s.arg(NodeIp).arg(m_port));
    QCOMPARE(cell(u"apache-%1"_s.arg(m_stoppedPort), NodeContainersModel::State).toString(), u"created"_s);
    QCOMPARE(cell(u"apache-%1"_s.arg(m_stoppedPort), NodeContainersModel::Cpu).toString(), u"—"_s);
    // One stats stream per running container, none for the one that never ran.
    QTRY_COMPARE(m_view->statsStreams(), 3);

    // The busy loop takes a whole CPU (the share is of one CPU, as docker stats shows it).
    QTRY_VERIFY_WITH_TIMEOUT(
        cell(u"nd-busy"_s, NodeContainersModel::Cpu, NodeContainersModel::CpuRole).toDouble() > 50, 30000);
    QVERIFY2(cell(u"nd-busy"_s, NodeContainersModel::Cpu).toString().endsWith(u" %"_s),
             qPrintable(cell(u"nd-busy"_s, NodeContainersModel::Cpu).toString()));
    // The sleeper: a few samples in (the first has no previous one to compare with), still idle.
    QTRY_VERIFY_WITH_TIMEOUT(cell(u"nd-idle"_s, 0, NodeContainersModel::SamplesRole).toInt() >= 3, 30000);
    const double idle = cell(u"nd-idle"_s, NodeContainersModel::Cpu, NodeContainersModel::CpuRole).toDouble();
    QVERIFY2(idle < 5, qPrintable(QString::number(idle)));
    QVERIFY(cell(u"nd-idle"_s, NodeContainersModel::Cpu, NodeContainersModel::CpuRole).isValid());
    // Memory: something, and said in units.
    QVERIFY(cell(u"nd-idle"_s, NodeContainersModel::Memory, NodeContainersModel::MemoryRole).toLongLong() >
            0);
    QVERIFY(cell(u"nd-busy"_s, NodeContainersModel::Memory, NodeContainersModel::MemoryRole).toLongLong() >
            0);
    QVERIFY2(cell(u"nd-idle"_s, NodeContainersModel::Memory).toString().contains(u"B"_s),
             qPrintable(cell(u"nd-idle"_s, NodeContainersModel::Memory).toString()));
    // Sorting by CPU puts the busy one first.
    auto* table = m_view->findChild<QTableView*>(u"nodeContainers"_s);
    QVERIFY(table);
    table->sortByColumn(NodeContainersModel::Cpu, Qt::DescendingOrder);
    QCOMPARE(table->model()->index(0, NodeContainersModel::Name).data().toString(), u"nd-busy"_s);
}

void TestNodeDetail::followsABackendsLogWhileRequestsHitIt()
{
    const QString backend = u"apache-%1"_s.arg(m_port);
    QTRY_VERIFY(rowOf(backend) >= 0);
    QVERIFY(m_view->selectContainer(backend));
    QCOMPARE(m_view->selectedContainer(), backend);
    m_view->tabs()->setCurrentIndex(NodeDetailView::LogsTab);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->logs()->isFollowing(), 20000);

    // Requests while following: each one's line appears, as httpd -v writes it.
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(httpGet(NodeIp, m_port, "/lbdeck-probe-" + QByteArray::number(i)), 404);
    QTRY_VERIFY2_WITH_TIMEOUT(visibleLog().contains(u"/lbdeck-probe-3"_s), qPrintable(visibleLog()), 20000);
    QVERIFY(visibleLog().contains(u"/lbdeck-probe-1"_s));
    QVERIFY(visibleLog().contains(u"err "_s)); // httpd logs to stderr: the stream is told apart

    // Search: only the matching lines, then all lines again with the match highlighted.
    auto* search = m_view->findChild<QLineEdit*>(u"nodeLogSearch"_s);
    auto* only = m_view->findChild<QCheckBox*>(u"nodeLogOnlyMatching"_s);
    QVERIFY(search && only);
    only->setChecked(true);
    QTest::keyClicks(search, u"probe-2"_s);
    QVERIFY(visibleLog().contains(u"/lbdeck-probe-2"_s));
    QVERIFY(!visibleLog().contains(u"/lbdeck-probe-1"_s));
    only->setChecked(false);
    QVERIFY(visibleLog().contains(u"/lbdeck-probe-1"_s));

    // Pause: lines still arrive into the buffer, the view stays as it was until Resume.
    auto* pause = m_view->findChild<QPushButton*>(u"nodeLogPause"_s);
    QVERIFY(pause);
    QTest::mouseClick(pause, Qt::LeftButton);
    QVERIFY(m_view->logs()->isPaused());
    const qsizetype before = m_view->logs()->bufferedLines();
    QCOMPARE(httpGet(NodeIp, m_port, "/lbdeck-probe-paused"), 404);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->logs()->bufferedLines() > before, 20000);
    QVERIFY(!visibleLog().contains(u"/lbdeck-probe-paused"_s));
    QVERIFY2(pause->text().startsWith(u"Resume ("_s), qPrintable(pause->text()));
    QTest::mouseClick(pause, Qt::LeftButton);
    QVERIFY(!m_view->logs()->isPaused());
    QVERIFY(visibleLog().contains(u"/lbdeck-probe-paused"_s));

    // Copy: every line shown, when nothing is selected.
    QTest::mouseClick(m_view->findChild<QPushButton*>(u"nodeLogCopy"_s), Qt::LeftButton);
    QVERIFY(QGuiApplication::clipboard()->text().contains(u"/lbdeck-probe-paused"_s));

    // Bounded: a buffer of 2 lines keeps the newest 2.
    m_view->logs()->setMaxLines(2);
    QCOMPARE(m_view->logs()->bufferedLines(), 2);
    QCOMPARE(httpGet(NodeIp, m_port, "/lbdeck-probe-last"), 404);
    QTRY_VERIFY_WITH_TIMEOUT(visibleLog().contains(u"/lbdeck-probe-last"_s), 20000);
    QVERIFY(m_view->logs()->bufferedLines() <= 2);
    QVERIFY(!visibleLog().contains(u"/lbdeck-probe-1"_s));
    m_view->logs()->setMaxLines(5000);
}

void TestNodeDetail::inspectShowsTheContainersJson()
{
    const QString backend = u"apache-%1"_s.arg(m_port);
    QVERIFY(m_view->selectContainer(backend));
    auto* text = m_view->findChild<QPlainTextEdit*>(u"nodeInspectText"_s);
    QVERIFY(text);
    QVERIFY(text->isReadOnly());
    QTRY_VERIFY_WITH_TIMEOUT(text->toPlainText().contains(u"\"Name\": \"/%1\""_s.arg(backend)), 20000);
    QVERIFY(text->toPlainText().contains(u"\"io.lbdeck.node\": \"core-b\""_s));
    // Another selection shows that container instead.
    QVERIFY(m_view->selectContainer(u"nd-idle"_s));
    QTRY_VERIFY_WITH_TIMEOUT(text->toPlainText().contains(u"\"Name\": \"/nd-idle\""_s), 20000);
    QVERIFY(!text->toPlainText().contains(backend));
}

void TestNodeDetail::unitsAreTheSeedsListUnits()
{
    NodeUnitsModel* units = m_view->unitsModel();
    QTRY_COMPARE(units->rowCount(), 2); // the two lbdeck backends; the others are not units
    QHash<QString, QStringList> rows;
    for (int r = 0; r < units->rowCount(); ++r) {
        QStringList cols;
        for (int c = 0; c < NodeUnitsModel::ColumnCount; ++c)
            cols << units->index(r, c).data().toString();
        rows.insert(cols.first(), cols);
    }
    const QString machine = u"core-b/127.0.1.71"_s;
    const QString running = u"apache@%1.service"_s.arg(m_port);
    const QString inactive = u"apache@%1.service"_s.arg(m_stoppedPort);
    QCOMPARE(rows.value(running), (QStringList{running, machine, u"active"_s, u"running"_s}));
    QCOMPARE(rows.value(inactive), (QStringList{inactive, machine, u"inactive"_s, u"dead"_s}));
    // The backend stops: its unit says so, from the container's state.
    QVERIFY(run({u"kill"_s, u"apache-%1"_s.arg(m_port)}).isEmpty()); // SIGKILL: exit code 137
    const auto activeOf = [units](const QString& unit) {
        for (int r = 0; r < units->rowCount(); ++r) {
            if (units->index(r, NodeUnitsModel::Unit).data().toString() == unit)
                return units->index(r, NodeUnitsModel::Active).data().toString();
        }
        return QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(activeOf(running), u"failed"_s, 20000);
    // Its stats stream is gone.
    QTRY_COMPARE(m_view->statsStreams(), 2);
}

void TestNodeDetail::aRemovedContainerLeavesTheTable()
{
    QTRY_VERIFY(rowOf(u"nd-idle"_s) >= 0);
    QVERIFY(run({u"rm"_s, u"-f"_s, u"nd-idle"_s}).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(u"nd-idle"_s) < 0, 20000);
    QTRY_COMPARE(m_view->statsStreams(), 1);
}

QTEST_MAIN(TestNodeDetail)
#include "TestNodeDetail.moc"
