// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The window's keyboard, as an operator presses it: Alt+N for every tab there is (also one added
// later), Help → Keyboard shortcuts read from the real actions, and a filter box on every table.
#include "ui/HelpMenu.h"
#include "ui/MainWindow.h"
#include "ui/models/BackendsModel.h"
#include "ui/models/EventLogModel.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace lbdeck;
using namespace Qt::StringLiterals;

namespace {

// The "View › Go to tab" lines of the summary, without their keys.
QStringList tabLines(const QString& summary)
{
    QStringList out;
    for (const QString& line : summary.split(u'\n')) {
        if (line.contains(u"Go to tab"_s))
            out << line;
    }
    return out;
}

} // namespace

class TestWindowKeys : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void altNumberSwitchesToEveryTabAndToTabsAddedLater();
    void shortcutListIsReadFromTheActions();
    void filterBoxHidesRowsAndSlashOrCtrlFFocusesIt();
    void eventLogAndLedgerHaveTheirFilters();
};

void TestWindowKeys::altNumberSwitchesToEveryTabAndToTabsAddedLater()
{
    MainWindow window;
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    auto* tabs = window.findChild<QTabWidget*>(u"tabs"_s);
    QVERIFY(tabs);
    QCOMPARE(tabs->count(), 6); // Overview first
    // Backwards, so that each press really changes the tab.
    for (int i = tabs->count() - 1; i >= 0; --i) {
        QTest::keyClick(&window, Qt::Key(Qt::Key_1 + i), Qt::AltModifier);
        QCOMPARE(tabs->currentIndex(), i);
    }
    // A tab that appears later gets its key; one that goes takes it away.
    tabs->addTab(new QLabel(u"more"_s), u"E&xtra"_s);
    QCOMPARE(tabs->currentIndex(), 0);
    QTest::keyClick(&window, Qt::Key_7, Qt::AltModifier);
    QCOMPARE(tabs->currentIndex(), 6);
    QCOMPARE(tabs->tabText(tabs->currentIndex()), u"E&xtra"_s);
    QTest::keyClick(&window, Qt::Key_2, Qt::AltModifier);
    QCOMPARE(tabs->currentIndex(), 1);
    delete tabs->widget(6);
    QCOMPARE(tabs->count(), 6);
    QVERIFY(!window.findChild<QAction*>(u"actionGoToTab7"_s));
    QTest::keyClick(&window, Qt::Key_7, Qt::AltModifier);
    QCOMPARE(tabs->currentIndex(), 1);
}

void TestWindowKeys::shortcutListIsReadFromTheActions()
{
    MainWindow window;
    auto* tabs = window.findChild<QTabWidget*>(u"tabs"_s);
    QVERIFY(tabs);
    const QString summary = shortcutSummary(&window);
    // Every enabled action's every key is listed.
    int checked = 0;
    for (const QAction* a : window.findChildren<QAction*>()) {
        if (!a->isEnabled())
            continue;
        for (const QKeySequence& key : a->shortcuts()) {
            const QString text = key.toString(QKeySequence::NativeText);
            QVERIFY2(summary.contains(text),
                     qPrintable(u"%1 (%2) missing from:\n%3"_s.arg(text, a->text(), summary)));
            ++checked;
        }
    }
    QVERIFY2(checked >= 10, qPrintable(summary));
    QVERIFY2(summary.contains(QKeySequence(Qt::Key_Slash).toString(QKeySequence::NativeText)),
             qPrintable(summary));
    // One line per tab, with the tab's own name and key; nothing for tabs that do not exist.
    QStringList lines = tabLines(summary);
    QCOMPARE(lines.size(), tabs->count());
    for (int i = 0; i < tabs->count(); ++i) {
        QVERIFY2(lines[i].contains(tabs->tabText(i).remove(u'&')), qPrintable(lines[i]));
        QVERIFY2(lines[i].endsWith(
                     QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)).toString(QKeySequence::NativeText)),
                 qPrintable(lines[i]));
    }
    const QString alt7 = QKeySequence(Qt::ALT | Qt::Key_7).toString(QKeySequence::NativeText);
    QVERIFY2(!summary.contains(alt7), qPrintable(summary));
    tabs->addTab(new QLabel(u"more"_s), u"Extra"_s);
    lines = tabLines(shortcutSummary(&window));
    QCOMPARE(lines.size(), 7);
    QVERIFY2(lines.last().contains(u"Extra"_s) && lines.last().endsWith(alt7), qPrintable(lines.last()));
}

void TestWindowKeys::filterBoxHidesRowsAndSlashOrCtrlFFocusesIt()
{
    MainWindow window;
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    window.backendsModel()->applyChanges({{"/test/apache-8001", std::nullopt, QByteArray("127.0.1.3:8001")},
                                          {"/test/apache-8002", std::nullopt, QByteArray("127.0.1.2:8002")},
                                          {"/test/web-9000", std::nullopt, QByteArray("127.0.1.4:9000")}},
                                         3);
    auto* view = window.findChild<QTableView*>(u"backendsView"_s);
    auto* filter = window.findChild<QLineEdit*>(u"backendsFilter"_s);
    QVERIFY(view && filter);
    auto* tabs = window.findChild<QTabWidget*>(u"tabs"_s);
    tabs->setCurrentIndex(2); // Backends (after Overview and Nodes)
    view->setFocus();
    QTRY_VERIFY(view->hasFocus());

    QTest::keyClick(view, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(filter->hasFocus());
    QTest::keyClicks(filter, u"APACHE"_s); // any case
    QCOMPARE(view->model()->rowCount(), 2);
    QTest::keyClick(filter, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(filter, u"8002"_s); // matches the name and the address column
    QCOMPARE(filter->text(), u"8002"_s);
    QCOMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->model()->index(0, BackendsModel::Address).data().toString(), u"127.0.1.2:8002"_s);
    // Rows of the shown table map back to the model's own.
    auto* proxy = qobject_cast<QSortFilterProxyModel*>(view->model());
    QVERIFY(proxy);
    QCOMPARE(proxy->mapToSource(view->model()->index(0, 0)).row(),
             window.backendsModel()->rowOf("/test/apache-8002"));
    QTest::keyClicks(filter, u"-nothing"_s);
    QCOMPARE(view->model()->rowCount(), 0);
    QCOMPARE(window.backendsModel()->rowCount(), 3); // the model keeps every row

    // Esc clears the box; a second Esc goes back to the table.
    QTest::keyClick(filter, Qt::Key_Escape);
    QCOMPARE(filter->text(), QString());
    QCOMPARE(view->model()->rowCount(), 3);
    QTest::keyClick(filter, Qt::Key_Escape);
    QTRY_VERIFY(view->hasFocus());

    // `/` from the table does the same as Ctrl+F, and a `/` typed in the box is text.
    QTest::keyClick(view, Qt::Key_Slash);
    QTRY_VERIFY(filter->hasFocus());
    QTest::keyClicks(filter, u"/test/web"_s);
    QCOMPARE(filter->text(), u"/test/web"_s);
    QCOMPARE(view->model()->rowCount(), 1);

    // Every table has one.
    for (const QString& name : {u"nodesFilter"_s, u"backendsFilter"_s, u"upstreamsFilter"_s,
                                u"eventLogFilter"_s, u"ledgerFilter"_s})
        QVERIFY2(window.findChild<QLineEdit*>(name), qPrintable(name));
    // Ctrl+F on another tab focuses that tab's filter.
    QTest::keyClick(&window, Qt::Key_4, Qt::AltModifier);
    QWidget* focused = QApplication::focusWidget();
    QTest::keyClick(focused ? focused : &window, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(window.findChild<QLineEdit*>(u"upstreamsFilter"_s)->hasFocus());
}

void TestWindowKeys::eventLogAndLedgerHaveTheirFilters()
{
    MainWindow window;
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    for (int i = 0; i < 10; ++i)
        window.eventLog()->append(i % 3 ? u"Node b: ready %1"_s.arg(i)
                                        : u"Engine: applied config %1"_s.arg(i));
    auto* log = window.findChild<QTableView*>(u"eventLog"_s);
    auto* logFilter = window.findChild<QLineEdit*>(u"eventLogFilter"_s);
    QVERIFY(log && logFilter);
    log->setFocus();
    QTRY_VERIFY(log->hasFocus());
    QTest::keyClick(log, Qt::Key_F, Qt::ControlModifier); // in the log: the log's filter
    QTRY_VERIFY(logFilter->hasFocus());
    QTest::keyClicks(logFilter, u"engine"_s);
    QCOMPARE(log->model()->rowCount(), 4);
    QVERIFY(log->model()->index(0, EventLogModel::Message).data().toString().startsWith(u"Engine"_s));
    QCOMPARE(window.eventLog()->rowCount(), 10);

    // On the Config tab, the ledger's filter, its sub-tab brought forward.
    auto* tabs = window.findChild<QTabWidget*>(u"tabs"_s);
    tabs->setCurrentWidget(window.findChild<QWidget*>(u"configView"_s));
    auto* configTabs = window.findChild<QTabWidget*>(u"configTabs"_s);
    configTabs->setCurrentIndex(0);
    tabs->currentWidget()->setFocus();
    QTest::keyClick(tabs->currentWidget(), Qt::Key_F, Qt::ControlModifier);
    auto* ledgerFilter = window.findChild<QLineEdit*>(u"ledgerFilter"_s);
    QTRY_VERIFY(ledgerFilter->hasFocus());
    QCOMPARE(configTabs->currentIndex(), configTabs->count() - 1);
}

QTEST_MAIN(TestWindowKeys)
#include "TestWindowKeys.moc"
