// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// No click destroys a healthy backend, hides an outage or leaves a lie behind: the operator's acts
// on the real test bed (etcd, an embedded engine driving nginx, dockerd over ssh:// and unix://).
#include "GuiCluster.h"
#include "core/cluster/BackendOperation.h"
#include "core/cluster/BackendService.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/EngineLink.h"
#include "core/cluster/NodeConnection.h"
#include "tests/support/Await.h"
#include "ui/Dialogs.h"
#include "ui/MainWindow.h"
#include "ui/dialogs/ResyncDialog.h"
#include "ui/dialogs/StartBackendDialog.h"
#include "ui/models/BackendsModel.h"
#include "ui/models/UpstreamsModel.h"

#include <QAbstractProxyModel>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

class TestSafeByClick : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void startIsRefusedWhereTheBackendOrThePortIsHeld();
    void portFieldRefusesAndNodesSayWhyTheyCannot();
    void aStartThatNeverAnswersIsNeverRouted();
    void twoDeletesAfterOneConfirmationStopOnlyOne();
    void stoppingTheLastBackendIsConfirmedAndTheOutageShown();
    void etcdDownMarksWhatCameFromItStaleUntilItIsBack();
    void bulkStopHasOneImpactPreview();
    void resyncRepairsAreChosenOneByOne();
    void anExitedUnregisteredContainerCanBeRemoved();

private:
    // Opens Start backend…, fills it in and presses Start; the operation runs to its end.
    void startByDialog(const QString& node, quint16 port, const QString& image = {});
    bool waitIdle(int timeoutMs = 40000);
    int row(const QByteArray& key) const { return m_window->backendsModel()->rowOf(key); }
    QByteArray inspect(const QString& container, const QString& format) const;
    std::optional<KeyValue> etcdKey(const QByteArray& key) const;
    Result<void> startDirectly(const QString& node, quint16 port);
    void select(const QList<QByteArray>& keys);

    GuiCluster m_c;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<MainWindow> m_window;
    QTableView* m_backends = nullptr;
};

void TestSafeByClick::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root");
    QStandardPaths::setTestModeEnabled(true);
    QCOMPARE(m_c.start(), QString());
    ClusterProfile p = m_c.profile(u"safe"_s);
    p.nodes.append(m_c.unixNode(u"node-c"_s, u"127.0.1.5"_s));
    p.nodes.append({u"node-x"_s, u"127.0.1.6"_s, u"unix:///nonexistent/lbdeck-test/docker.sock"_s});
    m_session = std::make_unique<ClusterSession>(p);
    m_session->setSshOptions(m_c.sshOptions());
    m_window = std::make_unique<MainWindow>();
    m_window->setSession(m_session.get());
    m_window->show();
    m_session->open();
    // A message box that no test hook answered would block the run: say what it asked, close it.
    auto* unexpected = new QTimer(this);
    connect(unexpected, &QTimer::timeout, this, [] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            qWarning("unexpected dialog: %s", qPrintable(box->text()));
            box->reject();
        }
    });
    unexpected->start(500);
    m_backends = m_window->findChild<QTableView*>(u"backendsView"_s);
    // The Backends tab in front (the Overview is the first tab): its banners are what is checked.
    auto* tabs = m_window->findChild<QTabWidget*>(u"tabs"_s);
    for (int i = 0; tabs && i < tabs->count(); ++i) {
        if (tabs->widget(i)->isAncestorOf(m_backends))
            tabs->setCurrentIndex(i);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_session->nodes().size(), 3, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->node(u"node-b"_s)->state(), NodeConnection::State::Ready, 20000);
    QTRY_COMPARE(m_session->node(u"node-c"_s)->state(), NodeConnection::State::Ready);
    QTRY_COMPARE(m_session->node(u"node-x"_s)->state(), NodeConnection::State::Failed);
    QTRY_COMPARE(m_window->backendsModel()->rowCount(), 2);
}

void TestSafeByClick::cleanupTestCase()
{
    m_window.reset();
    m_session.reset();
}

QByteArray TestSafeByClick::inspect(const QString& container, const QString& format) const
{
    QByteArray out;
    if (!m_c.docker.docker({u"inspect"_s, u"-f"_s, format, container}, &out).isEmpty())
        return {};
    return out.trimmed();
}

std::optional<KeyValue> TestSafeByClick::etcdKey(const QByteArray& key) const
{
    auto snap = await<KvSnapshot>(
        [&](QObject* ctx, Callback<KvSnapshot> cb) { m_session->etcd()->getPrefix(key, ctx, cb); });
    if (snap) {
        for (const KeyValue& kv : snap->kvs) {
            if (kv.key == key)
                return kv;
        }
    }
    return std::nullopt;
}

bool TestSafeByClick::waitIdle(int timeoutMs)
{
    auto* box = m_window->findChild<QWidget*>(u"operationBox"_s);
    return QTest::qWaitFor([box] { return !box->isVisible(); }, timeoutMs);
}

void TestSafeByClick::startByDialog(const QString& node, quint16 port, const QString& image)
{
    QTimer::singleShot(0, this, [node, port, image] {
        auto* dialog = qobject_cast<StartBackendDialog*>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        auto* nodes = dialog->findChild<QComboBox*>(u"startNode"_s);
        nodes->setCurrentIndex(nodes->findData(node, Qt::UserRole));
        dialog->findChild<QLineEdit*>(u"startPort"_s)->setText(QString::number(port));
        if (!image.isEmpty())
            dialog->findChild<QLineEdit*>(u"startImage"_s)->setText(image);
        QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                          Qt::LeftButton);
    });
    auto* start = m_window->findChild<QAction*>(u"actionStartBackend"_s);
    QTRY_VERIFY(start->isEnabled());
    start->trigger();
    QVERIFY(waitIdle());
}

void TestSafeByClick::startIsRefusedWhereTheBackendOrThePortIsHeld()
{
    // apache-8001 runs on node-b, as in the seed (its key moved there from the fixture's server).
    QCOMPARE(m_c.remove("/test/apache-8001"), QString());
    QTRY_VERIFY(row("/test/apache-8001") < 0);
    startByDialog(u"node-b"_s, 8001);
    QTRY_VERIFY_WITH_TIMEOUT(row("/test/apache-8001") >= 0 && m_window->backendsModel()
                                                                  ->index(row("/test/apache-8001"), 0)
                                                                  .data(BackendsModel::ConsistentRole)
                                                                  .toBool(),
                             30000);
    const QByteArray before = inspect(u"apache-8001"_s, u"{{.Id}} {{.State.StartedAt}}"_s);
    const std::optional<KeyValue> key = etcdKey("/test/apache-8001");
    QVERIFY(!before.isEmpty() && key);
    QCOMPARE(key->value, QByteArray("127.0.1.4:8001"));

    // Port 8001 again, on node-b and on node-c: refused, naming the holder; nothing changes.
    for (const QString& node : {u"node-b"_s, u"node-c"_s}) {
        dialogs::transcript().clear();
        dialogs::setNextAnswer(QMessageBox::Ok); // the failure's warning
        startByDialog(node, 8001);
        QTRY_VERIFY(!dialogs::transcript().isEmpty());
        const QString said = dialogs::transcript().last();
        QVERIFY2(said.contains(u"already registered as 127.0.1.4:8001 (apache-8001 on node-b)"_s),
                 qPrintable(said));
        QCOMPARE(inspect(u"apache-8001"_s, u"{{.Id}} {{.State.StartedAt}}"_s), before);
        QCOMPARE(etcdKey("/test/apache-8001")->value, key->value);
        QCOMPARE(etcdKey("/test/apache-8001")->modRevision, key->modRevision);
    }
    QVERIFY(inspect(u"apache-8001"_s, u"{{index .Config.Labels \"io.lbdeck.node\"}}"_s) == "node-b");

    // A listener that is not lbdeck's holds a port on node-c: refused the same way.
    QTcpServer foreign;
    QVERIFY(foreign.listen(QHostAddress(u"127.0.1.5"_s), 0));
    dialogs::transcript().clear();
    dialogs::setNextAnswer(QMessageBox::Ok);
    startByDialog(u"node-c"_s, foreign.serverPort());
    QTRY_VERIFY(!dialogs::transcript().isEmpty());
    QVERIFY2(dialogs::transcript().last().contains(u"already accepts connections"_s),
             qPrintable(dialogs::transcript().last()));
    QVERIFY(!etcdKey("/test/apache-" + QByteArray::number(foreign.serverPort())));
}

void TestSafeByClick::portFieldRefusesAndNodesSayWhyTheyCannot()
{
    const int rows = m_window->backendsModel()->rowCount();
    bool checked = false;
    QTimer::singleShot(0, this, [this, &checked] {
        auto* dialog = qobject_cast<StartBackendDialog*>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        auto* port = dialog->findChild<QLineEdit*>(u"startPort"_s);
        auto* error = dialog->findChild<QLabel*>(u"startPortError"_s);
        auto* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        for (const QString& bad : {u"0"_s, u"70000"_s, u"abc"_s, QString()}) {
            port->setText(bad);
            QVERIFY2(error->isVisible() && !error->text().isEmpty(), qPrintable(bad));
            QVERIFY(!ok->isEnabled());
            QTest::mouseClick(ok, Qt::LeftButton);
            dialog->accept(); // even a direct accept is refused
            QVERIFY2(dialog->isVisible(), qPrintable(bad));
            QCOMPARE(port->text(), bad); // never corrected
        }
        port->setText(u"8009"_s);
        QVERIFY(!error->isVisible());
        QVERIFY(ok->isEnabled());
        // Every node is listed, after "Automatic" (placement's choice); the unreachable one is
        // disabled and says why.
        auto* nodes = dialog->findChild<QComboBox*>(u"startNode"_s);
        QCOMPARE(nodes->count(), 4);
        QVERIFY(nodes->itemText(0).startsWith(u"Automatic"_s));
        auto* model = qobject_cast<QStandardItemModel*>(nodes->model());
        QVERIFY(model);
        const QStandardItem* x = model->item(nodes->findData(u"node-x"_s, Qt::UserRole));
        QVERIFY(x);
        QVERIFY(!(x->flags() & Qt::ItemIsEnabled));
        QVERIFY2(x->text().contains(u"node-x — "_s) && x->text().size() > 12, qPrintable(x->text()));
        QVERIFY(model->item(nodes->findData(u"node-b"_s, Qt::UserRole))->isEnabled());
        checked = true;
        dialog->reject();
    });
    m_window->findChild<QAction*>(u"actionStartBackend"_s)->trigger();
    QVERIFY(checked);
    QVERIFY(waitIdle());
    QCOMPARE(m_window->backendsModel()->rowCount(), rows);
    QVERIFY(inspect(u"apache-8009"_s, u"{{.Id}}"_s).isEmpty());
}

void TestSafeByClick::aStartThatNeverAnswersIsNeverRouted()
{
    QCOMPARE(m_c.docker.buildSilentImage(), QString());
    m_session->backendService()->setAdmissionTimeout(std::chrono::seconds(3));
    const QString address = u"127.0.1.5:8021"_s;

    // Everything nginx is told, and everything etcd holds, from before the start to after it.
    bool routed = false;
    EngineLink* engine = m_session->engine();
    QMetaObject::Connection sample = connect(engine, &EngineLink::updated, this, [&] {
        routed =
            routed || engine->liveValues().contains(address) || engine->acceptedValues().contains(address);
    });
    auto snap = await<KvSnapshot>(
        [&](QObject* ctx, Callback<KvSnapshot> cb) { m_session->etcd()->getPrefix("/test/", ctx, cb); });
    VERIFY_OK(snap);
    QList<WatchEvent> history;
    EtcdWatch* watch = m_session->etcd()->watchPrefix("/test/", snap->revision + 1, this);
    connect(watch, &EtcdWatch::eventsReceived, this,
            [&history](const QList<WatchEvent>& e, qint64) { history += e; });
    auto poll = new QTimer(this);
    connect(poll, &QTimer::timeout, engine, &EngineLink::refresh);
    poll->start(50);

    dialogs::transcript().clear();
    dialogs::setNextAnswer(QMessageBox::Ok); // the failure's warning
    startByDialog(u"node-c"_s, 8021, DockerDaemon::silentImage());
    QTRY_VERIFY_WITH_TIMEOUT(!dialogs::transcript().isEmpty(), 20000);
    QVERIFY2(dialogs::transcript().last().contains(u"did not answer within 3 s"_s),
             qPrintable(dialogs::transcript().last()));
    QTRY_VERIFY(inspect(u"apache-8021"_s, u"{{.Id}}"_s).isEmpty()); // rolled back

    // A put written afterwards: once the watch has it, it has delivered all before it.
    QCOMPARE(m_c.put("/test/apache-8002", "127.0.1.2:8002"), QString());
    QTRY_VERIFY(std::any_of(history.cbegin(), history.cend(),
                            [](const WatchEvent& e) { return e.kv.key == "/test/apache-8002"; }));
    for (const WatchEvent& e : std::as_const(history))
        QVERIFY2(e.kv.value != address.toUtf8(), e.kv.key.constData());
    QVERIFY(!routed);

    // And nginx sends nothing there: a listener on the address sees no connection while requests
    // go through the balancer.
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress(u"127.0.1.5"_s), 8021));
    int connections = 0;
    connect(&listener, &QTcpServer::newConnection, this, [&connections] { ++connections; });
    const QMap<QByteArray, int> spread = m_c.f.spread(20);
    QVERIFY2(!spread.contains("error"), qPrintable(QString::number(spread.value("error"))));
    // spread() returns after its requests: any connection nginx made to the address is in the
    // listener's backlog by now, so look there at once instead of waiting.
    QVERIFY(!listener.waitForNewConnection(0));
    QCOMPARE(connections, 0);
    disconnect(sample);
    delete poll;
    delete watch;
    m_session->backendService()->setAdmissionTimeout(std::chrono::seconds(15));
}

void TestSafeByClick::twoDeletesAfterOneConfirmationStopOnlyOne()
{
    startByDialog(u"node-c"_s, 8005);
    QTRY_VERIFY_WITH_TIMEOUT(row("/test/apache-8005") >= 0, 30000);
    const QByteArray other = inspect(u"apache-8005"_s, u"{{.Id}} {{.State.StartedAt}}"_s);
    QVERIFY(!other.isEmpty());
    // Select apache-8001 (node-b); the next row is apache-8002, then apache-8005.
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    auto* tabs = m_window->findChild<QTabWidget*>(u"tabs"_s);
    for (int i = 0; i < tabs->count(); ++i) {
        if (tabs->widget(i)->isAncestorOf(m_backends))
            tabs->setCurrentIndex(i); // the Backends tab, wherever the Overview put it
    }
    const int r = row("/test/apache-8001");
    QVERIFY(r >= 0);
    const QModelIndex source = m_window->backendsModel()->index(r, 0);
    auto* proxy = qobject_cast<QAbstractProxyModel*>(m_backends->model());
    m_backends->setFocus();
    m_backends->selectRow(proxy ? proxy->mapFromSource(source).row() : r);
    dialogs::transcript().clear();
    dialogs::setNextAnswer(QMessageBox::Yes);
    QTest::keyClick(m_backends, Qt::Key_Delete);
    QTest::keyClick(m_backends, Qt::Key_Delete);
    QVERIFY(waitIdle());
    QTest::keyClick(m_backends, Qt::Key_Delete); // and once more, after the stop
    QTRY_VERIFY_WITH_TIMEOUT(row("/test/apache-8001") < 0, 20000);
    QCOMPARE(dialogs::transcript().size(), 1); // one confirmation, nothing else asked or done
    QVERIFY2(dialogs::transcript().first().contains(u"apache-8001 on node-b"_s),
             qPrintable(dialogs::transcript().first()));
    QVERIFY(etcdKey("/test/apache-8002"));
    QVERIFY(etcdKey("/test/apache-8005"));
    QCOMPARE(inspect(u"apache-8005"_s, u"{{.Id}} {{.State.StartedAt}}"_s), other);
    QVERIFY(m_backends->selectionModel()->selectedRows().isEmpty());
}

void TestSafeByClick::stoppingTheLastBackendIsConfirmedAndTheOutageShown()
{
    // Only apache-8005 is left in the upstream.
    QCOMPARE(m_c.remove("/test/apache-8002"), QString());
    EngineLink* engine = m_session->engine();
    QTRY_VERIFY_WITH_TIMEOUT(engine->liveValues() == QStringList{u"127.0.1.5:8005"_s}, 20000);
    const int r = row("/test/apache-8005");
    QVERIFY(r >= 0);
    auto* proxy = qobject_cast<QAbstractProxyModel*>(m_backends->model());
    m_backends->selectRow(proxy ? proxy->mapFromSource(m_window->backendsModel()->index(r, 0)).row() : r);
    dialogs::transcript().clear();
    dialogs::setNextAnswer(QMessageBox::Yes);
    m_window->findChild<QAction*>(u"actionStopBackend"_s)->trigger();
    QVERIFY(!dialogs::transcript().isEmpty());
    QVERIFY2(dialogs::transcript().first().contains(u"EMPTIES the upstream: nginx will answer 502"_s),
             qPrintable(dialogs::transcript().first()));
    QCOMPARE(dialogs::lastDefaultButton(), QMessageBox::Cancel); // Enter does not cause the outage
    QVERIFY(waitIdle());
    QTRY_VERIFY_WITH_TIMEOUT(row("/test/apache-8005") < 0, 20000);

    // nginx keeps the old address (the engine refuses an empty upstream), and every view says so.
    QTRY_VERIFY_WITH_TIMEOUT(engine->acceptedValues().isEmpty(), 10000);
    QCOMPARE(engine->liveValues(), QStringList{u"127.0.1.5:8005"_s});
    auto* banner = m_window->findChild<QLabel*>(u"servingBanner"_s);
    QVERIFY(banner);
    QTRY_VERIFY(banner->isVisible());
    QVERIFY2(banner->text().contains(u"nginx still serves 127.0.1.5:8005"_s), qPrintable(banner->text()));
    UpstreamsModel* upstreams = m_window->upstreamsModel();
    QTRY_VERIFY([&] {
        for (int i = 0; i < upstreams->rowCount(); ++i) {
            if (upstreams->index(i, UpstreamsModel::Server).data().toString() == u"127.0.1.5:8005"_s)
                return upstreams->index(i, UpstreamsModel::Wanted)
                    .data()
                    .toString()
                    .contains(u"still serves"_s);
        }
        return false;
    }());
    auto* status = m_window->findChild<QLabel*>(u"engineStatus"_s);
    QTRY_VERIFY2(status->text().contains(u"still serves 127.0.1.5:8005"_s), qPrintable(status->text()));
    // And the Config view does not say "nothing is waiting".
    auto* configBanner = m_window->findChild<QLabel*>(u"configServingBanner"_s);
    QVERIFY(configBanner);
    QVERIFY2(configBanner->text().contains(u"127.0.1.5:8005"_s), qPrintable(configBanner->text()));

    // Registering a backend again clears the warning.
    QCOMPARE(m_c.put("/test/apache-8002", "127.0.1.2:8002"), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 20000);
    QCOMPARE(m_c.put("/test/apache-8001", "127.0.1.3:8001"), QString());
}

void TestSafeByClick::etcdDownMarksWhatCameFromItStaleUntilItIsBack()
{
    BackendsModel* model = m_window->backendsModel();
    QTRY_VERIFY(model->rowCount() > 0);
    auto stale = [model](int column) {
        for (int r = 0; r < model->rowCount(); ++r) {
            if (!model->index(r, column).data(BackendsModel::StaleRole).toBool())
                return false;
        }
        return true;
    };
    auto* status = m_window->findChild<QLabel*>(u"connectionStatus"_s);
    QVERIFY(!stale(BackendsModel::Registered));
    QVERIFY(!status->text().contains(u"STALE"_s));

    m_c.f.etcd.kill();
    QElapsedTimer clock;
    clock.start();
    // The shared model: a probe a second, 1 s timeout, stale after 3 misses.
    QTRY_VERIFY_WITH_TIMEOUT(stale(BackendsModel::Registered), 8000);
    qInfo("etcd marked stale %lld ms after the kill", clock.elapsed());
    QVERIFY(stale(BackendsModel::Name) && stale(BackendsModel::Revision));
    QVERIFY(!model->index(0, BackendsModel::Container)
                 .data(BackendsModel::StaleRole)
                 .toBool()); // Docker still answers
    QVERIFY(model->index(0, BackendsModel::Registered)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(u"etcd stale since"_s));
    QTRY_VERIFY2(status->text().contains(u"STALE"_s), qPrintable(status->text()));

    QCOMPARE(m_c.f.etcd.start(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!stale(BackendsModel::Registered), 15000);
    QTRY_VERIFY2(!status->text().contains(u"STALE"_s), qPrintable(status->text()));
}

Result<void> TestSafeByClick::startDirectly(const QString& node, quint16 port)
{
    BackendOperation* op = m_session->backendService()->start(m_session->node(node), port);
    if (!QTest::qWaitFor([op] { return op->isFinished(); }, 40000))
        return makeError(ErrorCode::Timeout, u"start did not finish"_s);
    const Result<void> r = op->result();
    delete op;
    return r;
}

void TestSafeByClick::select(const QList<QByteArray>& keys)
{
    m_backends->clearSelection();
    auto* proxy = qobject_cast<QAbstractProxyModel*>(m_backends->model());
    for (const QByteArray& key : keys) {
        const QModelIndex source = m_window->backendsModel()->index(row(key), 0);
        const QModelIndex shown = proxy ? proxy->mapFromSource(source) : source;
        m_backends->selectionModel()->select(shown, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
}

void TestSafeByClick::bulkStopHasOneImpactPreview()
{
    VERIFY_OK(startDirectly(u"node-b"_s, 8011));
    VERIFY_OK(startDirectly(u"node-c"_s, 8012));
    QTRY_VERIFY_WITH_TIMEOUT(row("/test/apache-8011") >= 0 && row("/test/apache-8012") >= 0, 20000);
    EngineLink* engine = m_session->engine();
    QTRY_VERIFY_WITH_TIMEOUT(engine->liveValues().contains(u"127.0.1.4:8011"_s) &&
                                 engine->liveValues().contains(u"127.0.1.5:8012"_s),
                             20000);
    const int serving = int(engine->liveValues().size());
    select({"/test/apache-8011", "/test/apache-8012"});
    QCOMPARE(m_backends->selectionModel()->selectedRows().size(), 2);
    auto* stop = m_window->findChild<QAction*>(u"actionStopBackend"_s);
    QVERIFY(stop->isEnabled());

    // One preview for the set; Cancel does nothing.
    dialogs::transcript().clear();
    dialogs::setNextAnswer(QMessageBox::Cancel);
    stop->trigger();
    QCOMPARE(dialogs::transcript().size(), 1);
    const QString preview = dialogs::transcript().first();
    QVERIFY2(preview.contains(u"Stop 2 backend(s)?"_s) &&
                 preview.contains(u"apache-8011 on node-b (127.0.1.4:8011)"_s) &&
                 preview.contains(u"apache-8012 on node-c (127.0.1.5:8012)"_s) &&
                 preview.contains(u"%1 of %2 servers remain"_s.arg(serving - 2).arg(serving)),
             qPrintable(preview));
    QVERIFY(waitIdle());
    QVERIFY(etcdKey("/test/apache-8011") && etcdKey("/test/apache-8012"));

    // Yes: both go, one after the other, and nothing else.
    dialogs::setNextAnswer(QMessageBox::Yes);
    stop->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(row("/test/apache-8011") < 0 && row("/test/apache-8012") < 0, 40000);
    QVERIFY(waitIdle());
    QCOMPARE(dialogs::transcript().size(), 2);
    QVERIFY(inspect(u"apache-8011"_s, u"{{.Id}}"_s).isEmpty());
    QVERIFY(inspect(u"apache-8012"_s, u"{{.Id}}"_s).isEmpty());
    QVERIFY(etcdKey("/test/apache-8002"));
}

void TestSafeByClick::resyncRepairsAreChosenOneByOne()
{
    VERIFY_OK(startDirectly(u"node-b"_s, 8013));
    VERIFY_OK(startDirectly(u"node-b"_s, 8014));
    QByteArray out;
    // 8013: registered, its container exited. 8014: runs, its key is gone.
    QCOMPARE(m_c.docker.docker({u"stop"_s, u"-t"_s, u"1"_s, u"apache-8013"_s}, &out), QString());
    QCOMPARE(m_c.remove("/test/apache-8014"), QString());
    bool shown = false;
    // The dialog comes up once Docker and etcd have been read: answer it when it is there.
    auto* answer = new QTimer(this);
    answer->start(50);
    connect(answer, &QTimer::timeout, this, [answer, &shown] {
        auto* dialog = qobject_cast<ResyncDialog*>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        answer->deleteLater();
        auto* table = dialog->findChild<QTableWidget*>(u"resyncItems"_s);
        QVERIFY(table);
        int restartRow = -1;
        for (int r = 0; r < dialog->rowCount(); ++r) {
            const QString what = table->item(r, 0)->text();
            auto* combo = qobject_cast<QComboBox*>(table->cellWidget(r, 1));
            QVERIFY(combo);
            QCOMPARE(combo->currentIndex(), 0); // "Leave as is" unless chosen
            if (what.contains(u"/test/apache-8013"_s)) {
                QCOMPARE(combo->count(), 3); // leave, restart, unregister
                QVERIFY(combo->itemText(1).startsWith(u"restart apache-8013"_s));
                QVERIFY(combo->itemText(2).startsWith(u"unregister /test/apache-8013"_s));
                restartRow = r;
            } else if (what.contains(u"apache-8014"_s)) {
                QCOMPARE(combo->count(), 2); // leave, register
            }
        }
        QVERIFY(restartRow >= 0);
        dialog->setChoice(restartRow, 1);
        shown = true;
        dialog->accept();
    });
    m_window->findChild<QAction*>(u"actionResync"_s)->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(shown, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(inspect(u"apache-8013"_s, u"{{.State.Running}}"_s), QByteArray("true"), 20000);
    QVERIFY(etcdKey("/test/apache-8013"));
    QVERIFY(!etcdKey("/test/apache-8014")); // left as is
}

void TestSafeByClick::anExitedUnregisteredContainerCanBeRemoved()
{
    QByteArray out;
    QCOMPARE(m_c.docker.docker({u"stop"_s, u"-t"_s, u"1"_s, u"apache-8014"_s}, &out), QString());
    QTRY_VERIFY_WITH_TIMEOUT(row("/test/apache-8014") >= 0 && !m_window->backendsModel()
                                                                   ->index(row("/test/apache-8014"), 0)
                                                                   .data(BackendsModel::RunningRole)
                                                                   .toBool(),
                             20000);
    select({"/test/apache-8014"});
    auto* remove = m_window->findChild<QAction*>(u"actionRemoveContainer"_s);
    QTRY_VERIFY(remove->isEnabled());
    dialogs::transcript().clear();
    dialogs::setNextAnswer(QMessageBox::Yes);
    remove->trigger();
    QVERIFY(waitIdle());
    QVERIFY2(dialogs::transcript().size() == 1 &&
                 dialogs::transcript().first().contains(u"apache-8014 on node-b"_s),
             qPrintable(dialogs::transcript().join(u" | "_s)));
    QTRY_VERIFY_WITH_TIMEOUT(inspect(u"apache-8014"_s, u"{{.Id}}"_s).isEmpty(), 10000);
    QTRY_VERIFY(row("/test/apache-8014") < 0);
}

QTEST_MAIN(TestSafeByClick)
#include "TestSafeByClick.moc"
