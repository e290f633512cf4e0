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
    QTest::newRow("interleaved inserts")
        << QByteArray("a\nc\ne\n") << QByteArray("a\nb\nc\nd\ne\nf\n")
        << QStringLiteral("--- live\n+++ new\n@@ -1,3 +1,6 @@\n a\n+b\n c\n+d\n e\n+f\n");
    QTest::newRow("interleaved deletes")
        << QByteArray("a\nb\nc\nd\ne\n") << QByteArray("b\nd\n")
        << QStringLiteral("--- live\n+++ new\n@@ -1,5 +1,2 @@\n-a\n b\n-c\n d\n-e\n");
    QTest::newRow("replace in middle")
        << QByteArray("a\nb\nc\n") << QByteArray("a\nx\nc\n")
        << QStringLiteral("--- live\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+x\n c\n");
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

    // 1,000 servers joining around one that was there: insertions only, no matter how many.
    QByteArray before = "upstream {\n    server 10.3.0.500:80;\n}\n";
    QByteArray after = "upstream {\n";
    for (int i = 0; i < 1000; ++i)
        after += "    server 10.3.0." + QByteArray::number(i) + ":80;\n";
    after += "}\n";
    t.restart();
    const QString burst = unifiedDiff(before, after);
    QCOMPARE(burst.count(u"\n+    server"_qs), 999);
    QCOMPARE(burst.count(u"\n-"_qs), 0);
    qInfo("diffed a 1,000-server burst in %lld ms", t.elapsed());
}

QTEST_GUILESS_MAIN(TestLineDiff)
#include "TestLineDiff.moc"
