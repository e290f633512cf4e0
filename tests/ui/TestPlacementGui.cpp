// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Placement in the window, fleet's job in the seed: Start backend… offers "Automatic" with its
// choice and reason, and Scale to N… spreads backends across two nodes with their own dockerds.
#include "GuiCluster.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/NodeConnection.h"
#include "core/cluster/NodeInventory.h"
#include "core/cluster/PlacementInputs.h"
#include "core/cluster/ProfileStore.h"
#include "ui/Dialogs.h"
#include "ui/MainWindow.h"
#include "ui/dialogs/StartBackendDialog.h"
#include "ui/models/EventLogModel.h"
#include "ui/models/OverviewModel.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTimer>

#include <functional>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

class TestPlacementGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void automaticPicksTheEmptierNodeAndSaysWhy();
    void scaleToFourEndsTwoAndTwo();
    void aTieGoesToTheLessLoadedNode();
    void cordonFromTheNodesView();

private:
    bool waitIdle(int timeoutMs = 60000);
    QMap<QString, int> counts() const;
    void startOn(const QString& node, quint16 port);
    // Opens Start backend…, waits until Automatic shows `wanted` (the dialog updates it when a load
    // sample comes in) and the preview satisfies `until`, then cancels; the preview's last text.
    QString automaticPreview(const QString& wanted, const std::function<bool(const QString&)>& until = {});
    int cordonedBackends(const QString& node) const;

    GuiCluster m_c;
    DockerDaemon m_second; // node-c's own engine
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<MainWindow> m_window;
};

void TestPlacementGui::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root");
    QStandardPaths::setTestModeEnabled(true);
    QCOMPARE(m_c.start(), QString());
    QCOMPARE(m_second.start(), QString());
    QCOMPARE(m_second.buildBackendImage(), QString());
    ClusterProfile p = m_c.profile(u"placement"_s);
    NodeProfile c;
    c.name = u"node-c"_s;
    c.publishAddress = u"127.0.1.5"_s;
    c.dockerEndpoint = m_second.host();
    p.nodes = {m_c.unixNode(u"node-b"_s, u"127.0.1.4"_s), c};
    m_session = std::make_unique<ClusterSession>(p);
    m_session->setSshOptions(m_c.sshOptions());
    m_window = std::make_unique<MainWindow>();
    m_window->setSession(m_session.get());
    m_window->show();
    m_session->open();
    QTRY_COMPARE_WITH_TIMEOUT(m_session->nodes().size(), 2, 10000);
    for (const QString& n : {u"node-b"_s, u"node-c"_s})
        QTRY_COMPARE_WITH_TIMEOUT(m_session->node(n)->state(), NodeConnection::State::Ready, 20000);
}

void TestPlacementGui::cleanupTestCase()
{
    if (m_c.docker.isRunning())
        m_c.docker.docker({u"rm"_s, u"-f"_s, u"placement-busy"_s});
    m_window.reset();
    m_session.reset();
}

bool TestPlacementGui::waitIdle(int timeoutMs)
{
    auto* box = m_window->findChild<QWidget*>(u"operationBox"_s);
    return QTest::qWaitFor([box] { return !box->isVisible(); }, timeoutMs);
}

QMap<QString, int> TestPlacementGui::counts() const
{
    QMap<QString, int> out;
    const QMap<QString, QList<quint16>> running = runningBackends(*m_session->inventory());
    for (auto it = running.cbegin(); it != running.cend(); ++it)
        out[it.key()] = int(it->size());
    return out;
}

void TestPlacementGui::startOn(const QString& node, quint16 port)
{
    QTimer::singleShot(0, this, [node, port] {
        auto* dialog = qobject_cast<StartBackendDialog*>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        auto* nodes = dialog->findChild<QComboBox*>(u"startNode"_s);
        // The explicit entry, not "Automatic" (which carries the chosen node too).
        for (int i = 0; i < nodes->count(); ++i) {
            if (nodes->itemData(i, Qt::UserRole).toString() == node &&
                !nodes->itemData(i, Qt::UserRole + 1).toBool())
                nodes->setCurrentIndex(i);
        }
        QVERIFY(!dialog->isAutomatic());
        dialog->findChild<QLineEdit*>(u"startPort"_s)->setText(QString::number(port));
        QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                          Qt::LeftButton);
    });
    auto* start = m_window->findChild<QAction*>(u"actionStartBackend"_s);
    QTRY_VERIFY(start->isEnabled());
    start->trigger();
    QVERIFY(waitIdle());
}

void TestPlacementGui::automaticPicksTheEmptierNodeAndSaysWhy()
{
    startOn(u"node-b"_s, 8011);
    startOn(u"node-b"_s, 8012);
    QTRY_COMPARE_WITH_TIMEOUT(counts(), (QMap<QString, int>{{u"node-b"_s, 2}}), 20000);
    QString shown;
    QString preview;
    bool automatic = false;
    QTimer::singleShot(0, this, [&] {
        auto* dialog = qobject_cast<StartBackendDialog*>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        auto* nodes = dialog->findChild<QComboBox*>(u"startNode"_s);
        shown = nodes->currentText();
        automatic = dialog->isAutomatic();
        preview = dialog->findChild<QLabel*>(u"startPreview"_s)->text();
        dialog->reject();
    });
    m_window->findChild<QAction*>(u"actionStartBackend"_s)->trigger();
    QTRY_VERIFY(!shown.isEmpty());
    QVERIFY(automatic); // the default
    QCOMPARE(shown, u"Automatic (node-c)"_s);
    QVERIFY2(preview.contains(u"node-c: fewest backends (0; node-b has 2)"_s), qPrintable(preview));
}

void TestPlacementGui::scaleToFourEndsTwoAndTwo()
{
    QTimer::singleShot(0, this, [] {
        auto* input = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
        QVERIFY(input);
        input->setIntValue(4);
        input->accept();
    });
    dialogs::transcript().clear();
    // "Scale to 4: start 2 (...)?": the lowest free ports; 8001 and 8002 are the fixture's keys.
    dialogs::setNextAnswer(QMessageBox::Yes);
    m_window->findChild<QAction*>(u"actionScaleBackends"_s)->trigger();
    QVERIFY(QTest::qWaitFor([this] { return m_window->findChild<QWidget*>(u"operationBox"_s)->isVisible(); },
                            10000));
    QVERIFY(waitIdle(120000));
    QVERIFY2(!dialogs::transcript().isEmpty() &&
                 dialogs::transcript().first().contains(u"start 2 (node-c:8003, node-c:8004); 2 → 4"_s),
             qPrintable(dialogs::transcript().join(u'\n')));
    QTRY_COMPARE_WITH_TIMEOUT(counts(), (QMap<QString, int>{{u"node-b"_s, 2}, {u"node-c"_s, 2}}), 20000);
}

QString TestPlacementGui::automaticPreview(const QString& wanted,
                                           const std::function<bool(const QString&)>& until)
{
    QString preview;
    bool done = false;
    QTimer::singleShot(0, this, [&] {
        auto* dialog = qobject_cast<StartBackendDialog*>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        auto* nodes = dialog->findChild<QComboBox*>(u"startNode"_s);
        auto* label = dialog->findChild<QLabel*>(u"startPreview"_s);
        const bool shown = QTest::qWaitFor(
            [&] {
                preview = label->text();
                return dialog->isAutomatic() && nodes->currentText() == wanted && (!until || until(preview));
            },
            20000);
        if (!shown)
            qWarning() << "Automatic shows" << nodes->currentText() << "not" << wanted;
        done = true;
        dialog->reject();
    });
    m_window->findChild<QAction*>(u"actionStartBackend"_s)->trigger();
    if (!QTest::qWaitFor([&] { return done; }, 30000))
        qWarning() << "Start backend… did not open";
    return preview;
}

int TestPlacementGui::cordonedBackends(const QString& node) const
{
    OverviewModel* overview = m_window->overviewModel();
    overview->flush();
    const QVariantList counts = overview->indexOfNode(node).data(OverviewModel::StateCountsRole).toList();
    return counts.size() > int(OverviewModel::State::Cordoned)
               ? counts.at(int(OverviewModel::State::Cordoned)).toInt()
               : -1;
}

void TestPlacementGui::aTieGoesToTheLessLoadedNode()
{
    QCOMPARE(counts(), (QMap<QString, int>{{u"node-b"_s, 2}, {u"node-c"_s, 2}}));
    // node-b spins two CPUs (until the end of the next test); without a load sample the tie would
    // go to it, first by name.
    QCOMPARE(m_c.docker.docker({u"run"_s, u"-d"_s, u"--name"_s, u"placement-busy"_s,
                                DockerDaemon::backendImage(), u"/bin/busybox"_s, u"sh"_s, u"-c"_s,
                                u"while :; do :; done & while :; do :; done"_s}),
             QString());
    static const QRegularExpression cpu(uR"(less loaded \(([0-9.]+) % CPU against ([0-9.]+) % CPU\))"_s);
    // The dialog opens with the last sample (taken before node-b got busy) and updates itself
    // when the one it asked for comes in.
    const QString preview = automaticPreview(u"Automatic (node-c)"_s, [](const QString& text) {
        const QRegularExpressionMatch m = cpu.match(text);
        return m.hasMatch() && m.captured(2).toDouble() > 50.0;
    });
    // "node-c: 2 backends like node-b, and less loaded (0.2 % CPU against 104 % CPU)"
    QVERIFY2(preview.contains(u"node-c: 2 backends like node-b, and less loaded ("_s), qPrintable(preview));
    const QRegularExpressionMatch m = cpu.match(preview);
    QVERIFY2(m.hasMatch(), qPrintable(preview));
    QVERIFY2(m.captured(2).toDouble() > 50.0, qPrintable(preview));
    QVERIFY2(m.captured(1).toDouble() < 5.0, qPrintable(preview));
}

void TestPlacementGui::cordonFromTheNodesView()
{
    const QString profile = m_session->profile().name;
    QVERIFY(ProfileStore().save(m_session->profile()));
    const auto stored = [profile](const QString& node) {
        const Result<ClusterProfile> p = ProfileStore().load(profile);
        for (const NodeProfile& n : p ? p->nodes : QList<NodeProfile>{})
            if (n.name == node)
                return n.cordoned;
        return false;
    };
    auto* tabs = m_window->findChild<QTabWidget*>(u"tabs"_s);
    auto* view = m_window->findChild<QTableView*>(u"nodesView"_s);
    tabs->setCurrentWidget(view->parentWidget());
    int row = -1;
    for (int r = 0; r < view->model()->rowCount(); ++r)
        if (view->model()->index(r, 0).data().toString() == u"node-c"_s)
            row = r;
    QVERIFY(row >= 0);
    view->selectRow(row);
    auto* cordon = m_window->findChild<QAction*>(u"actionCordonNode"_s);
    QVERIFY(cordon);
    QVERIFY(view->actions().contains(cordon)); // in the Nodes view's context menu
    QVERIFY(cordon->isEnabled());
    QVERIFY(cordon->isCheckable());
    QVERIFY(!cordon->isChecked());
    QCOMPARE(cordon->text(), u"&Cordon"_s);
    QCOMPARE(cordonedBackends(u"node-c"_s), 0);

    cordon->trigger();
    QVERIFY(cordon->isChecked());
    QCOMPARE(cordon->text(), u"Un&cordon"_s);
    QVERIFY(m_session->node(u"node-c"_s)->profile().cordoned);
    QVERIFY(stored(u"node-c"_s));
    QVERIFY(!stored(u"node-b"_s));
    const QString log = m_window->eventLog()->toText();
    QVERIFY2(log.contains(u"Cordoned node-c: placement gives it no new backend; the 2 it runs stay"_s),
             qPrintable(log));
    QVERIFY2(!log.contains(u"for this session only"_s), qPrintable(log));
    QVERIFY(m_window->overviewModel()->indexOfNode(u"node-c"_s).data(OverviewModel::CordonedRole).toBool());
    QTRY_COMPARE_WITH_TIMEOUT(cordonedBackends(u"node-c"_s), 2, 5000); // both drawn in the cordoned colour
    QCOMPARE(cordonedBackends(u"node-b"_s), 0);
    QVERIFY(m_window->overviewModel()
                ->indexOfNode(u"node-c"_s)
                .data(OverviewModel::DetailRole)
                .toString()
                .contains(u"cordoned: takes no new backend"_s));
    // node-c would win the tie (node-b still spins) but is never picked; the reason says why.
    QString preview = automaticPreview(u"Automatic (node-b)"_s);
    QVERIFY2(preview.contains(u"node-b: the only node that can take a backend — not node-c is cordoned"_s),
             qPrintable(preview));

    cordon->trigger();
    QVERIFY(!cordon->isChecked());
    QCOMPARE(cordon->text(), u"&Cordon"_s);
    QVERIFY(!m_session->node(u"node-c"_s)->profile().cordoned);
    QVERIFY(!stored(u"node-c"_s));
    QVERIFY(!m_window->overviewModel()->indexOfNode(u"node-c"_s).data(OverviewModel::CordonedRole).toBool());
    QTRY_COMPARE_WITH_TIMEOUT(cordonedBackends(u"node-c"_s), 0, 5000);
    preview = automaticPreview(u"Automatic (node-c)"_s);
    m_c.docker.docker({u"rm"_s, u"-f"_s, u"placement-busy"_s});
    QVERIFY2(preview.contains(u"node-c: 2 backends like node-b, and less loaded"_s), qPrintable(preview));
    QVERIFY2(!preview.contains(u"cordoned"_s), qPrintable(preview));
}

QTEST_MAIN(TestPlacementGui)
#include "TestPlacementGui.moc"
