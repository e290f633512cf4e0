// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/util/LineDiff.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

using namespace lbdeck;

using namespace Qt::StringLiterals;

class TestLineDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void diffs_data();
    void diffs();
    void hugeRewriteIsSummarized();
    void randomDiffsAreMinimalAndReplay();
    void burstWithRemovalsUsesFullDiff();
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

namespace {

int lcsLength(const QList<QByteArray>& a, const QList<QByteArray>& b)
{
    std::vector<std::vector<int>> t(size_t(a.size() + 1), std::vector<int>(size_t(b.size() + 1), 0));
    for (qsizetype i = a.size() - 1; i >= 0; --i) {
        for (qsizetype j = b.size() - 1; j >= 0; --j) {
            t[size_t(i)][size_t(j)] = a[i] == b[j]
                                          ? t[size_t(i + 1)][size_t(j + 1)] + 1
                                          : qMax(t[size_t(i + 1)][size_t(j)], t[size_t(i)][size_t(j + 1)]);
        }
    }
    return t[0][0];
}

QByteArray joinLines(const QList<QByteArray>& lines)
{
    QByteArray out;
    for (const QByteArray& l : lines)
        out += l + '\n';
    return out;
}

} // namespace

// Against a brute-force LCS: with all context in one hunk, the ' '/'-' lines must give back the old
// text, the ' '/'+' lines the new one, and the number of changed lines must be the least possible.
void TestLineDiff::randomDiffsAreMinimalAndReplay()
{
    QRandomGenerator rng(7);
    for (int round = 0; round < 500; ++round) {
        QList<QByteArray> a, b;
        const int alphabet = 2 + int(rng.bounded(8));
        for (int i = int(rng.bounded(40)); i > 0; --i)
            a << QByteArray(1, char('a' + rng.bounded(alphabet)));
        for (int i = int(rng.bounded(40)); i > 0; --i)
            b << QByteArray(1, char('a' + rng.bounded(alphabet)));
        const QString d = unifiedDiff(joinLines(a), joinLines(b), u"live"_s, u"new"_s, 1000000);
        if (a == b) {
            QCOMPARE(d, QString());
            continue;
        }
        QList<QByteArray> before, after;
        int changed = 0;
        const QStringList lines = d.split(u'\n', Qt::SkipEmptyParts);
        for (const QString& line : lines.mid(3)) { // after ---, +++ and the one @@ line
            const QByteArray text = line.mid(1).toUtf8();
            if (line.startsWith(u' ') || line.startsWith(u'-'))
                before << text;
            if (line.startsWith(u' ') || line.startsWith(u'+'))
                after << text;
            changed += line.startsWith(u' ') ? 0 : 1;
        }
        QCOMPARE(before, a);
        QCOMPARE(after, b);
        QCOMPARE(changed, int(a.size() + b.size()) - 2 * lcsLength(a, b));
    }
}

// 1,000 servers join while two of the ten old ones leave: not insertions only, so the full diff
// runs on 1,000 edits — and must still be exact.
void TestLineDiff::burstWithRemovalsUsesFullDiff()
{
    QByteArray before = "upstream {\n";
    for (int i = 0; i < 10; ++i)
        before += "    server 10.4.0." + QByteArray::number(i * 100) + ":80;\n";
    before += "}\n";
    QByteArray after = "upstream {\n";
    for (int i = 0; i < 1000; ++i) {
        if (i != 300 && i != 700)
            after += "    server 10.4.0." + QByteArray::number(i) + ":80;\n";
    }
    after += "}\n";
    const QString d = unifiedDiff(before, after);
    QCOMPARE(d.count(u"\n-    server"_s), 2);
    QCOMPARE(d.count(u"\n+    server"_s), 998 - 8);
    QVERIFY(d.contains(u"\n-    server 10.4.0.300:80;\n"_s));
    QVERIFY(!d.contains(u"more than"_s));
}

QTEST_GUILESS_MAIN(TestLineDiff)
#include "TestLineDiff.moc"
