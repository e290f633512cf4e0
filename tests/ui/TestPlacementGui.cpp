// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Placement in the window, fleet's job in the seed: Start backend… offers "Automatic" with its
// choice and reason, and Scale to N… spreads backends across two nodes with their own dockerds.
#include "GuiCluster.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/NodeConnection.h"
#include "core/cluster/NodeInventory.h"
#include "core/cluster/PlacementInputs.h"
#include "ui/Dialogs.h"
#include "ui/MainWindow.h"
#include "ui/dialogs/StartBackendDialog.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

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

private:
    bool waitIdle(int timeoutMs = 60000);
    QMap<QString, int> counts() const;
    void startOn(const QString& node, quint16 port);

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

QTEST_MAIN(TestPlacementGui)
#include "TestPlacementGui.moc"
