// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The engine keeps each source's accepted values as a sorted flat set, brought up to date change by
// change (or re-sorted after a flood). Whatever the path, it must equal a fresh validation of the
// final keys: the rendered upstream is made from it.
#include "core/engine/Validation.h"

#include <QRandomGenerator>
#include <QTest>

using namespace lbdeck;
using namespace Qt::StringLiterals;

namespace {

QStringList expectedValues(const QMap<QByteArray, KeyValue>& entries)
{
    const ValidatedSource fresh = validateSource(EngineSource{}, entries, 1);
    return fresh.values.toStringList();
}

QByteArray randomValue(QRandomGenerator& rng)
{
    // Few distinct addresses, so several keys share one value; some values are refused.
    switch (rng.bounded(8)) {
    case 0:
        return "not valid";
    case 1:
        return "127.0.1.9:80;";
    default:
        return "127.0.1." + QByteArray::number(rng.bounded(1, 12)) + ":" +
               QByteArray::number(rng.bounded(8001, 8004));
    }
}

} // namespace

class TestValidatedSource : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void valueSetCountsSharedValues();
    void changesKeepTheSetEqualToAFreshValidation_data();
    void changesKeepTheSetEqualToAFreshValidation();
};

void TestValidatedSource::valueSetCountsSharedValues()
{
    ValueSet set = ValueSet::fromValues({u"b:2"_s, u"a:1"_s, u"b:2"_s});
    QCOMPARE(set.toStringList(), (QStringList{u"a:1"_s, u"b:2"_s}));
    QCOMPARE(set.count(u"b:2"_s), 2);
    set.remove(u"b:2"_s);
    QVERIFY(set.contains(u"b:2"_s)); // one key still holds it
    set.remove(u"b:2"_s);
    QVERIFY(!set.contains(u"b:2"_s));
    set.remove(u"never:1"_s); // nothing to forget: no change
    set.add(u"0:1"_s);
    QCOMPARE(set.toStringList(), (QStringList{u"0:1"_s, u"a:1"_s}));
    QCOMPARE(set.size(), 2);
}

void TestValidatedSource::changesKeepTheSetEqualToAFreshValidation_data()
{
    QTest::addColumn<int>("batch");
    QTest::newRow("one change at a time") << 1;
    QTest::newRow("batches of 40") << 40;
    QTest::newRow("floods of 600 (resync)") << 600;
}

void TestValidatedSource::changesKeepTheSetEqualToAFreshValidation()
{
    QFETCH(int, batch);
    QRandomGenerator rng(42 + quint32(batch));
    QMap<QByteArray, KeyValue> entries;
    ValidatedSource live = validateSource(EngineSource{}, entries, 1);
    for (int round = 0; round < 3000 / batch + 1; ++round) {
        QList<KvChange> changes;
        for (int i = 0; i < batch; ++i) {
            const QByteArray key = "/test/apache-" + QByteArray::number(rng.bounded(300));
            KvChange c;
            c.key = key;
            if (entries.contains(key))
                c.before = entries.value(key).value;
            if (rng.bounded(4) == 0) {
                entries.remove(key);
            } else {
                c.after = randomValue(rng);
                entries.insert(key, KeyValue{key, *c.after, 1, 1, 1, 0});
            }
            changes << c;
        }
        applyChanges(live, EngineSource{}, changes, round + 2);
        QCOMPARE(live.values.toStringList(), expectedValues(entries));
    }
    QVERIFY(live.values.size() > 10); // the run exercised a real set
    QVERIFY(!live.rejected.isEmpty());
}

QTEST_GUILESS_MAIN(TestValidatedSource)
#include "TestValidatedSource.moc"
