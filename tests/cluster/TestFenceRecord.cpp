// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Where fence records live (beside the backend prefix, never under it), what they hold, and how
// the drift view names a fenced container.
#include "core/cluster/DriftDetector.h"
#include "core/cluster/FenceRecord.h"

#include <QTest>

using namespace lbdeck;
using namespace Qt::StringLiterals;

class TestFenceRecord : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void prefixIsBesideTheBackendPrefix_data();
    void prefixIsBesideTheBackendPrefix();
    void jsonRoundTrip();
    void badJsonIsAnError();
    void fencedDriftIsNeverRegistered();
};

void TestFenceRecord::prefixIsBesideTheBackendPrefix_data()
{
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<QByteArray>("fences"); // empty: refused
    QTest::newRow("seed") << QByteArray("/test/") << QByteArray("/lbdeck-fenced/test/");
    QTest::newRow("no trailing slash") << QByteArray("/test") << QByteArray("/lbdeck-fenced/test/");
    QTest::newRow("nested") << QByteArray("/lb/web/") << QByteArray("/lbdeck-fenced/lb/web/");
    QTest::newRow("root covers everything") << QByteArray("/") << QByteArray();
    QTest::newRow("a prefix of the fences") << QByteArray("/lbdeck") << QByteArray();
}

void TestFenceRecord::prefixIsBesideTheBackendPrefix()
{
    QFETCH(QByteArray, prefix);
    QFETCH(QByteArray, fences);
    const Result<QByteArray> got = fencePrefix(prefix);
    if (fences.isEmpty()) {
        QVERIFY(!got);
        QVERIFY2(got.error().message.contains(QString::fromUtf8(prefix)), qPrintable(got.error().message));
        return;
    }
    QVERIFY(got);
    QCOMPARE(*got, fences);
    QVERIFY(!got->startsWith(prefix)); // the engine, which renders everything under it, never sees one
    const Result<QByteArray> key = fenceKey(prefix, u"core-c"_s, u"apache-8001"_s);
    QVERIFY(key);
    QCOMPARE(*key, fences + "core-c/apache-8001");
}

void TestFenceRecord::jsonRoundTrip()
{
    FenceRecord r{u"core-c"_s,         u"apache-8001"_s,
                  "/test/apache-8001", u"127.0.1.3:8001"_s,
                  u"core-b"_s,         u"apache-8003"_s,
                  u"127.0.1.2:8003"_s, QDateTime(QDate(2026, 12, 1), QTime(17, 0), Qt::UTC)};
    const Result<FenceRecord> back = FenceRecord::fromJson(r.toJson());
    QVERIFY(back);
    QCOMPARE(*back, r);
    QCOMPARE(r.movedTo(), u"core-b:8003"_s);
}

void TestFenceRecord::badJsonIsAnError()
{
    QVERIFY(!FenceRecord::fromJson("not json"));
    QVERIFY(!FenceRecord::fromJson("[1,2]"));
    QVERIFY(!FenceRecord::fromJson(R"({"node":"core-c"})")); // no container
}

void TestFenceRecord::fencedDriftIsNeverRegistered()
{
    DriftItem d;
    d.kind = DriftItem::Kind::Fenced;
    d.node = u"core-c"_s;
    d.container = u"apache-8001"_s;
    d.key = "/test/apache-8001";
    d.published = u"127.0.1.3:8001"_s;
    d.movedTo = u"core-b:8003"_s;
    QCOMPARE(d.repairs(), QList<DriftItem::Repair>{DriftItem::Repair::FinishStop});
    QVERIFY2(d.describe().contains(u"apache-8001 on core-c is fenced"_s), qPrintable(d.describe()));
    QVERIFY2(d.describe().contains(u"core-b:8003"_s), qPrintable(d.describe()));
    QVERIFY(d.fixDescription().contains(u"stop and remove the fenced apache-8001"_s));
    // MissingKey, for the same container, would offer Register: Fenced never does.
    DriftItem missing = d;
    missing.kind = DriftItem::Kind::MissingKey;
    QVERIFY(missing.repairs().contains(DriftItem::Repair::Register));
}

QTEST_GUILESS_MAIN(TestFenceRecord)
#include "TestFenceRecord.moc"
