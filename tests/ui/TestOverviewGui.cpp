// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The Overview tab against the whole test bed (etcd, the engine inside the app driving a real
// nginx, a node over ssh://): the seed's backends drawn live, and a click that selects them.
#include "GuiCluster.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/NodeConnection.h"
#include "ui/MainWindow.h"
#include "ui/models/BackendsModel.h"
#include "ui/models/NodesModel.h"
#include "ui/models/OverviewModel.h"
#include "ui/views/NodeDetailView.h"
#include "ui/views/OverviewBackendItem.h"
#include "ui/views/OverviewBadgeItem.h"
#include "ui/views/OverviewBoxItem.h"
#include "ui/views/OverviewView.h"

#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

class TestOverviewGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void drawsTheSeedAndAClickSelectsTheBackend();

private:
    GuiCluster m_c;
};

void TestOverviewGui::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root");
    QStandardPaths::setTestModeEnabled(true);
    QCOMPARE(m_c.start(), QString());
}

void TestOverviewGui::drawsTheSeedAndAClickSelectsTheBackend()
{
    ClusterSession session(m_c.profile(u"overview"_s));
    session.setSshOptions(m_c.sshOptions());
    MainWindow window;
    window.setSession(&session);
    window.resize(1100, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    session.open();

    auto* tabs = window.findChild<QTabWidget*>(u"tabs"_s);
    OverviewView* view = window.overviewView();
    QVERIFY(view);
    QCOMPARE(tabs->widget(0), view); // the first tab
    tabs->setCurrentWidget(view);
    OverviewModel* model = window.overviewModel();

    // The seed's two backends, served by nginx and answering: drawn green, in the group of
    // backends on no node of the profile (node-b publishes on 127.0.1.4).
    QTRY_VERIFY_WITH_TIMEOUT(
        view->backendItem(u"/test/apache-8001"_s) && view->backendItem(u"/test/apache-8002"_s), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(view->backendItem(u"/test/apache-8002"_s)->state(), OverviewModel::State::Ok,
                              20000);
    QTRY_COMPARE_WITH_TIMEOUT(view->badge(u"backends"_s)->value(), u"2 / 2 / 0"_s, 10000);
    QVERIFY(view->badge(u"reloads"_s)->value().toInt() >= 1); // the engine put the seed's config live
    QCOMPARE(model->indexOfBackend("/test/apache-8002").data(OverviewModel::LiveRole).toBool(), true);
    QTRY_VERIFY_WITH_TIMEOUT(view->nodeItem(u"node-b"_s), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(session.node(u"node-b"_s)->state(), NodeConnection::State::Ready, 20000);

    // A click on a backend: the Backends tab, that row selected.
    view->flush();
    OverviewBackendItem* item = view->backendItem(u"/test/apache-8002"_s);
    QVERIFY(item);
    view->ensureVisible(item);
    QSignalSpy activated(view, &OverviewView::backendActivated);
    const QPoint at = view->mapFromScene(item->sceneBoundingRect().center());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.first().first().toString(), u"/test/apache-8002"_s);
    auto* backends = window.findChild<QTableView*>(u"backendsView"_s);
    QTRY_VERIFY(backends->isVisible());
    const QModelIndexList selected = backends->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    auto* proxy = qobject_cast<QSortFilterProxyModel*>(backends->model());
    QVERIFY(proxy);
    QCOMPARE(proxy->mapToSource(selected.first()).data(BackendsModel::KeyRole).toByteArray(),
             QByteArray("/test/apache-8002"));

    // A click on a node: the Nodes tab, that node selected; a double-click asks for its detail.
    tabs->setCurrentWidget(view);
    view->flush();
    OverviewBoxItem* node = view->nodeItem(u"node-b"_s);
    QVERIFY(node);
    view->ensureVisible(node);
    const QPoint title = view->mapFromScene(node->mapToScene(QPointF(20, OverviewBoxItem::TitleHeight / 2)));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, title);
    auto* nodes = window.findChild<QTableView*>(u"nodesView"_s);
    QTRY_VERIFY(nodes->isVisible());
    QCOMPARE(nodes->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(nodes->selectionModel()->selectedRows().first().data().toString(), u"node-b"_s);
    tabs->setCurrentWidget(view);
    QSignalSpy detail(view, &OverviewView::nodeDetailRequested);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, title);
    QCOMPARE(detail.size(), 1);
    QCOMPARE(detail.first().first().toString(), u"node-b"_s);
    // ...and the window opens node-b's detail: its containers, logs, inspect and units.
    NodeDetailView* opened = nullptr;
    QTRY_VERIFY((opened = window.findChild<NodeDetailView*>()) != nullptr);
    QTRY_VERIFY(opened->isVisible());
    QVERIFY2(opened->windowTitle().contains(u"node-b"_s), qPrintable(opened->windowTitle()));
    opened->close();

    // A key removed in etcd leaves the drawing.
    QCOMPARE(m_c.remove("/test/apache-8001"), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!view->backendItem(u"/test/apache-8001"_s), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(view->badge(u"backends"_s)->value(), u"1 / 1 / 0"_s, 10000);
    QCOMPARE(m_c.put("/test/apache-8001", "127.0.1.3:8001"), QString());
    QTRY_VERIFY_WITH_TIMEOUT(view->backendItem(u"/test/apache-8001"_s), 10000);
}

QTEST_MAIN(TestOverviewGui)
#include "TestOverviewGui.moc"
