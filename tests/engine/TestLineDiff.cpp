// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/util/LineDiff.h"

#include <QElapsedTimer>
#include <QTest>

using namespace lbdeck;

class TestLineDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void diffs_data();
    void diffs();
    void hugeRewriteIsSummarized();
};

void TestLineDiff::diffs_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<QString>("expected");
    QTest::newRow("equal") << QByteArray("a\nb\n") << QByteArray("a\nb\n") << QString();
    QTest::newRow("one server removed")
        << QByteArray("upstream backend {\n    server 127.0.1.2:8002;\n    server 127.0.1.3:8001;\n}\n")
        << QByteArray("upstream backend {\n    server 127.0.1.3:8001;\n}\n")
        << QStringLiteral(
               "--- live\n+++ new\n@@ -1,4 +1,3 @@\n upstream backend {\n-    server 127.0.1.2:8002;\n"
               "     server 127.0.1.3:8001;\n }\n");
    QTest::newRow("added at end") << QByteArray("a\n") << QByteArray("a\nb\n")
                                  << QStringLiteral("--- live\n+++ new\n@@ -1,1 +1,2 @@\n a\n+b\n");
    QTest::newRow("from empty") << QByteArray() << QByteArray("x\n")
                                << QStringLiteral("--- live\n+++ new\n@@ -0,0 +1,1 @@\n+x\n");
    QByteArray longBefore, longAfter;
    for (int i = 0; i < 20; ++i) {
        longBefore += QByteArray::number(i) + '\n';
        longAfter += (i == 2 || i == 17 ? QByteArray("changed") : QByteArray::number(i)) + '\n';
    }
    QTest::newRow("two hunks") << longBefore << longAfter
                               << QStringLiteral(
                                      "--- live\n+++ new\n@@ -1,6 +1,6 @@\n 0\n 1\n-2\n+changed\n 3\n 4\n 5\n"
                                      "@@ -15,6 +15,6 @@\n 14\n 15\n 16\n-17\n+changed\n 18\n 19\n");
}

void TestLineDiff::diffs()
{
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, after);
    QFETCH(QString, expected);
    QCOMPARE(unifiedDiff(before, after), expected);
}

void TestLineDiff::hugeRewriteIsSummarized()
{
    QByteArray a, b;
    for (int i = 0; i < 10000; ++i) {
        a += "server 10.0." + QByteArray::number(i) + ";\n";
        b += "server 10.1." + QByteArray::number(i) + ";\n";
    }
    QElapsedTimer t;
    t.start();
    const QString d = unifiedDiff(a, b);
    QVERIFY(d.contains(QStringLiteral("10000 lines before, 10000 after")));
    qInfo("summarized a 10,000-line rewrite in %lld ms", t.elapsed());
}

QTEST_GUILESS_MAIN(TestLineDiff)
#include "TestLineDiff.moc"
