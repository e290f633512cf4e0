// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Starting and stopping a backend by click, against the whole test bed: etcd, an engine inside the
// app driving a real nginx, and a node reached over ssh:// (sshd + dockerd).
#include "GuiCluster.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/NodeConnection.h"
#include "tests/support/Await.h"
#include "ui/Dialogs.h"
#include "ui/MainWindow.h"
#include "ui/dialogs/StartBackendDialog.h"
#include "ui/models/BackendsModel.h"
#include "ui/models/NodesModel.h"
#include "ui/models/UpstreamsModel.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTimer>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

class TestBackendsGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void startByClickReachesNginxThenStopRemovesIt();
    void unknownHostKeyShowsFingerprintAndNoWritesNothing();

private:
    GuiCluster m_c;
};

void TestBackendsGui::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root");
    QStandardPaths::setTestModeEnabled(true);
    QCOMPARE(m_c.start(), QString());
}

void TestBackendsGui::startByClickReachesNginxThenStopRemovesIt()
{
    ClusterSession session(m_c.profile(u"gui"_s));
    session.setSshOptions(m_c.sshOptions());
    MainWindow window;
    window.setSession(&session);
    window.show();
    session.open();

    auto* nodes = window.findChild<QTableView*>(u"nodesView"_s);
    QTRY_COMPARE(nodes->model()->rowCount(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(nodes->model()->index(0, 0).data(NodesModel::ReadyRole).toBool(), 20000);
    QVERIFY(nodes->model()->index(0, NodesModel::Connection).data().toString().contains(u"SSH"_s));
    auto* backends = window.findChild<QTableView*>(u"backendsView"_s);
    QTRY_COMPARE(backends->model()->rowCount(), 2); // the seed's two

    // Start: the dialog comes up modal; answer it like an operator would.
    QTimer::singleShot(0, this, [] {
        auto* dialog = qobject_cast<StartBackendDialog*>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        dialog->findChild<QLineEdit*>(u"startPort"_s)->setText(u"8003"_s);
        // Automatic, by default: the only node that can take one.
        QCOMPARE(dialog->findChild<QComboBox*>(u"startNode"_s)->currentText(), u"Automatic (node-b)"_s);
        QCOMPARE(dialog->node(), u"node-b"_s);
        dialog->accept();
    });
    auto* start = window.findChild<QAction*>(u"actionStartBackend"_s);
    QTRY_VERIFY(start->isEnabled());
    start->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(backends->model()->rowCount(), 3, 20000);
    // The view shows the model through its filter: rows are the model's, mapped for the view.
    BackendsModel* model = window.backendsModel();
    const int row = model->rowOf("/test/apache-8003");
    QVERIFY(row >= 0);
    QTRY_VERIFY_WITH_TIMEOUT(model->index(row, 0).data(BackendsModel::ConsistentRole).toBool(), 30000);
    QCOMPARE(model->index(row, BackendsModel::Container).data().toString(), u"running"_s);
    QCOMPARE(model->index(row, BackendsModel::Registered).data().toString(), u"registered"_s);
    QCOMPARE(model->index(row, BackendsModel::Live).data().toString(), u"✔"_s);
    // And an HTTP request through nginx reaches it.
    QTRY_VERIFY_WITH_TIMEOUT(m_c.f.spread(9).contains("<h1>Running from Docker on lbdeck: apache-8003</h1>"),
                             10000);

    // Stop: select the row, press Stop; it disappears everywhere.
    auto* shown = qobject_cast<QSortFilterProxyModel*>(backends->model());
    QVERIFY(shown);
    backends->selectRow(shown->mapFromSource(model->index(model->rowOf("/test/apache-8003"), 0)).row());
    auto* stop = window.findChild<QAction*>(u"actionStopBackend"_s);
    QTRY_VERIFY(stop->isEnabled());
    dialogs::transcript().clear();
    dialogs::setNextAnswer(QMessageBox::Yes); // the confirmation, with its impact
    stop->trigger();
    QVERIFY(!dialogs::transcript().isEmpty());
    QVERIFY2(dialogs::transcript().last().contains(u"2 of 3 servers remain"_s),
             qPrintable(dialogs::transcript().last()));
    QTRY_COMPARE_WITH_TIMEOUT(backends->model()->rowCount(), 2, 30000);
    QVERIFY(window.upstreamsModel());
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (int r = 0; r < window.upstreamsModel()->rowCount(); ++r) {
                if (window.upstreamsModel()->index(r, 0).data().toString() == u"127.0.1.4:8003"_s)
                    return false;
            }
            return true;
        }(),
        20000);
    QByteArray names;
    m_c.docker.docker({u"ps"_s, u"-a"_s, u"--format"_s, u"{{.Names}}"_s}, &names);
    QVERIFY(!names.contains("apache-8003"));
    QCOMPARE(m_c.f.spread(10).keys(), (QList<QByteArray>{"backend 8001", "backend 8002"}));
}

void TestBackendsGui::unknownHostKeyShowsFingerprintAndNoWritesNothing()
{
    const QString fresh = m_c.dir.filePath(u"fresh_known_hosts"_s);
    ClusterProfile p = m_c.profile(u"untrusted"_s);
    p.balancer().engine = BalancerProfile::Engine::Remote; // no engine needed here
    p.balancer().engineConfigFile.clear();
    ClusterSession session(p);
    session.setSshOptions(m_c.sshOptions(fresh));
    MainWindow window;
    window.setSession(&session);
    window.show();
    dialogs::transcript().clear();
    dialogs::setNextAnswer(QMessageBox::No);
    session.open();
    QTRY_VERIFY_WITH_TIMEOUT(!dialogs::transcript().isEmpty(), 20000);
    QVERIFY2(dialogs::transcript().last().contains(m_c.ssh.hostKeyFingerprint()),
             qPrintable(dialogs::transcript().last()));
    QTRY_COMPARE(session.nodes().first()->state(), NodeConnection::State::Failed);
    QVERIFY(!QFile::exists(fresh) || QFileInfo(fresh).size() == 0);
}

QTEST_MAIN(TestBackendsGui)
#include "TestBackendsGui.moc"
