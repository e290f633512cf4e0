// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The Traffic view against the real thing: lbdeck-engine counting on the load balancer, nginx,
// backends started by click on a node over ssh://, Export capture read back by Debian's tcpdump.
#include "GuiCluster.h"
#include "core/cluster/BackendOperation.h"
#include "core/cluster/BackendService.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/EngineLink.h"
#include "core/cluster/NodeConnection.h"
#include "tests/support/Await.h"
#include "tests/testbed/TestProcess.h"
#include "tests/traffic/TcpdumpTool.h"
#include "ui/Dialogs.h"
#include "ui/MainWindow.h"
#include "ui/dialogs/StartBackendDialog.h"
#include "ui/models/TrafficModel.h"
#include "ui/views/CaptureExport.h"
#include "ui/views/TrafficChart.h"
#include "ui/views/TrafficView.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTimer>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

class TestTrafficGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void countsRequestsAndMarksReloadsAndStarts();
    void exportCaptureSavesWhatTcpdumpReads();

private:
    qint64 cell(const QString& address, int column) const
    {
        TrafficModel* m = m_view->model();
        const int row = m->rowOf(address);
        return row < 0 ? -1 : m->index(row, column).data(TrafficModel::ValueRole).toLongLong();
    }
    void get(int n) const
    {
        for (int i = 0; i < n; ++i)
            QCOMPARE(httpGet(u"127.0.0.1"_s, m_c.f.balancer.port(), "/", nullptr, 3000), 200);
    }

    GuiCluster m_c;
    TestProcess m_engine;
    quint16 m_status = 0; // the engine's status port
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<MainWindow> m_window;
    TrafficView* m_view = nullptr;
};

void TestTrafficGui::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd and packet capture need root; CI runs this as root");
    QStandardPaths::setTestModeEnabled(true);
    QCOMPARE(m_c.start(), QString());
    // lbdeck-engine as on a load balancer: its own process, counting traffic, status over HTTP.
    const EngineConfig e = m_c.f.engineConfig();
    const quint16 status = m_status = freePort();
    const QString toml = m_c.dir.filePath(u"traffic-engine.toml"_s);
    QFile f(toml);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        u"[etcd]\nendpoints = [\"%1\"]\n[engine]\nstatus_listen = \"127.0.0.1:%2\"\nquiet_ms = 5\n"
        u"[nginx]\ndest = \"%3\"\nprefix = \"%4\"\npid_file = \"%5\"\ntemp_dir = \"%6\"\nlisten = \"%7\"\n"
        u"status_listen = \"%8\"\nuser = \"root\"\n[traffic]\ninterface = \"lo\"\naccess_log_socket = \"%9\"\n"_s
            .arg(m_c.f.etcd.clientUrl())
            .arg(status)
            .arg(e.nginx.dest, e.nginx.prefix, e.nginx.pidFile, e.nginx.tempDir, e.nginx.listen,
                 e.nginx.statusListen, m_c.dir.filePath(u"access.sock"_s))
            .toUtf8());
    f.close();
    QVERIFY(m_engine.start(qEnvironmentVariable("LBDECK_BINARY_DIR") + u"/app/lbdeck-engine"_s,
                           {u"-c"_s, toml}, m_c.dir.filePath(u"engine.log"_s)));
    ClusterProfile p = m_c.profile(u"traffic"_s);
    p.balancer().engine = BalancerProfile::Engine::Remote;
    p.balancer().engineStatusUrl = u"http://127.0.0.1:%1"_s.arg(status);
    p.balancer().nginxUrl = u"http://127.0.0.1:%1"_s.arg(m_c.f.balancer.port());
    m_session = std::make_unique<ClusterSession>(p);
    m_session->setSshOptions(m_c.sshOptions());
    m_window = std::make_unique<MainWindow>();
    m_window->setSession(m_session.get());
    m_window->show();
    m_session->open();
    auto* unexpected = new QTimer(this);
    connect(unexpected, &QTimer::timeout, this, [] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            qWarning("unexpected dialog: %s", qPrintable(box->text()));
            box->reject();
        }
    });
    unexpected->start(500);
    m_view = m_window->findChild<TrafficView*>();
    QVERIFY(m_view);
    m_window->findChild<QTabWidget*>(u"tabs"_s)->setCurrentWidget(m_view);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->nodes().size(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->node(u"node-b"_s)->state(), NodeConnection::State::Ready, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->isAvailable(), 20000);
}

void TestTrafficGui::cleanupTestCase()
{
    m_window.reset();
    m_session.reset();
    m_engine.stop();
}

void TestTrafficGui::countsRequestsAndMarksReloadsAndStarts()
{
    const QString a = u"127.0.1.3:8001"_s, b = u"127.0.1.2:8002"_s;
    QTRY_VERIFY_WITH_TIMEOUT(cell(a, TrafficModel::Status2xx) >= 0 && cell(b, TrafficModel::Status2xx) >= 0,
                             10000);
    const qint64 before = cell(a, TrafficModel::Status2xx) + cell(b, TrafficModel::Status2xx);
    get(40);
    // nginx's own numbers per backend, and the meter's connections, in the table.
    QTRY_COMPARE_WITH_TIMEOUT(cell(a, TrafficModel::Status2xx) + cell(b, TrafficModel::Status2xx),
                              before + 40, 10000);
    QCOMPARE(m_view->model()->index(m_view->model()->rowOf(a), TrafficModel::State).data().toString(),
             u"registered"_s);
    QVERIFY(m_view->banner()->isHidden() || !m_view->banner()->text().contains(u"Packet capture"_s));
    QTRY_VERIFY(m_view->clients()->text().startsWith(u"Top clients: 127.0.0.1"_s));
    // The window's own health probes reach the backends directly: labelled by the meter, and never
    // in nginx's request counts (checked above: exactly the 40 sent).
    const auto probes = [this](const QString& key) {
        for (const QJsonValue& v : m_session->engine()->traffic().value(u"upstreams"_s).toArray())
            if (v.toObject().value(u"address"_s).toString() == key)
                return v.toObject().value(u"probes"_s).toInteger();
        return qint64(-1);
    };
    QTRY_VERIFY_WITH_TIMEOUT(probes(a) >= 1 && probes(b) >= 1, 15000);
    // The engine's first config was a reload: the chart marks it.
    QTRY_VERIFY_WITH_TIMEOUT(m_view->chart()->markerCount() >= 1, 10000);
    QVERIFY(m_view->chart()->markerLabel(0).startsWith(u"reload"_s));

    // A backend started by click appears with its node, and the chart marks the start.
    const int markers = m_view->chart()->markerCount();
    QTimer::singleShot(0, this, [] {
        auto* dialog = qobject_cast<StartBackendDialog*>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        auto* nodes = dialog->findChild<QComboBox*>(u"startNode"_s);
        nodes->setCurrentIndex(nodes->findData(u"node-b"_s, Qt::UserRole));
        dialog->findChild<QLineEdit*>(u"startPort"_s)->setText(u"8005"_s);
        QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                          Qt::LeftButton);
    });
    auto* start = m_window->findChild<QAction*>(u"actionStartBackend"_s);
    QTRY_VERIFY(start->isEnabled());
    start->trigger();
    const QString c = u"127.0.1.4:8005"_s;
    QTRY_VERIFY_WITH_TIMEOUT(m_view->model()->rowOf(c) >= 0, 40000);
    QCOMPARE(m_view->model()->index(m_view->model()->rowOf(c), TrafficModel::Node).data().toString(),
             u"node-b"_s);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->chart()->markerCount() > markers, 10000);
    bool marked = false;
    for (int i = markers; i < m_view->chart()->markerCount(); ++i)
        marked = marked || m_view->chart()->markerLabel(i).contains(u"apache-8005"_s);
    QVERIFY(marked);
    // Round-robin over three: the new one gets its share.
    get(30);
    QTRY_VERIFY_WITH_TIMEOUT(cell(c, TrafficModel::Status2xx) >= 9, 10000);

    auto* op = m_session->backendService()->stop(m_session->node(u"node-b"_s), 8005);
    QTRY_VERIFY_WITH_TIMEOUT(op->isFinished(), 30000);
}

void TestTrafficGui::exportCaptureSavesWhatTcpdumpReads()
{
    const QString path = m_c.dir.filePath(u"export.pcap"_s);
    m_view->captureExport()->setSeconds(2);
    QSignalSpy exported(m_view->captureExport(), &CaptureExport::exported);
    QSignalSpy failed(m_view->captureExport(), &CaptureExport::failed);
    dialogs::setNextFileName(path);
    m_window->findChild<QAction*>(u"actionExportCapture"_s)->trigger();
    QVERIFY(m_view->captureExport()->isRunning());
    QVERIFY(!m_window->findChild<QPushButton*>(u"exportCapture"_s)->isEnabled());
    // Once the engine records (it answers 202 while it does), traffic for it.
    QTRY_COMPARE_WITH_TIMEOUT(httpGet(u"127.0.0.1"_s, m_status, "/traffic/capture"), 202, 5000);
    get(20);
    QTRY_VERIFY_WITH_TIMEOUT(!exported.isEmpty() || !failed.isEmpty(), 20000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    const quint64 packets = exported.first().at(1).toULongLong();
    QVERIFY(packets >= 20 * 8);
    QByteArray lines;
    QCOMPARE(lbdeck::traffic::test::runTcpdump({u"-q"_s, u"-n"_s, u"-r"_s, path}, u"UTC"_s, &lines),
             QString());
    QCOMPARE(quint64(lines.count('\n')), packets);
    QVERIFY(m_window->findChild<QPushButton*>(u"exportCapture"_s)->isEnabled());
    QVERIFY2(m_view->exportNote()->text().contains(path), qPrintable(m_view->exportNote()->text()));
    QVERIFY(!m_view->exportNote()->isHidden());
}

QTEST_MAIN(TestTrafficGui)
#include "TestTrafficGui.moc"
