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
    void valuesNginxReadsAsNoHostAreRejectedWithTheirReason_data();
    void valuesNginxReadsAsNoHostAreRejectedWithTheirReason();
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

void TestValidatedSource::valuesNginxReadsAsNoHostAreRejectedWithTheirReason_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("reason");
    const QString unixSocket = u"not a backend address (host:port): \"unix:\" makes nginx read the rest as a "
                               u"unix socket path, not a host: write host:port, e.g. 10.0.0.1:8080"_s;
    QTest::newRow("unix port") << int(SourceKind::Backends) << QByteArray("unix:8080") << unixSocket;
    QTest::newRow("unix path") << int(SourceKind::Backends) << QByteArray("unix:/run/app.sock") << unixSocket;
    // A confd resource's lbdeck_backends obey the same rule.
    QTest::newRow("verbatim backend prefix")
        << int(SourceKind::Verbatim) << QByteArray("UNIX:8080") << unixSocket;
    QTest::newRow("parameter") << int(SourceKind::Backends) << QByteArray("weight=5:80")
                               << u"not a backend address (host:port): contains '=' (an nginx server "
                                  u"parameter such as weight= or max_fails=, which the config sets, not the "
                                  u"address): write only host:port"_s;
    QTest::newRow("shorthand") << int(SourceKind::Backends) << QByteArray("127.1:8001")
                               << u"not a backend address (host:port): \"127.1\" is IPv4 shorthand that the "
                                  u"resolver reads as 127.0.0.1: write the dotted address, 127.0.0.1:port"_s;
}

void TestValidatedSource::valuesNginxReadsAsNoHostAreRejectedWithTheirReason()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, value);
    QFETCH(QString, reason);
    EngineSource source;
    source.kind = SourceKind(kind);
    if (source.kind == SourceKind::Verbatim)
        source.backendPrefixes = {"/test/"};
    QMap<QByteArray, KeyValue> entries;
    entries.insert("/test/bad", KeyValue{"/test/bad", value, 1, 1, 1, 0});
    entries.insert("/test/good", KeyValue{"/test/good", "127.0.1.3:8001", 1, 1, 1, 0});
    const ValidatedSource v = validateSource(source, entries, 1);
    QCOMPARE(v.rejected.keys(), QStringList{u"/test/bad"_s});
    QCOMPARE(v.rejected.value(u"/test/bad"_s).reason, reason);
    QCOMPARE(v.accepted.value(u"/test/good"_s), u"127.0.1.3:8001"_s);
    QVERIFY(!v.accepted.contains(u"/test/bad"_s));
    QCOMPARE(v.values.toStringList(), QStringList{u"127.0.1.3:8001"_s});

    // Arriving as a change, it is refused the same way.
    ValidatedSource live = validateSource(source, {}, 1);
    KvChange c;
    c.key = "/test/bad";
    c.after = value;
    const QList<Rejection> fresh = applyChanges(live, source, {c}, 2);
    QCOMPARE(fresh.size(), 1);
    QCOMPARE(fresh.first().reason, reason);
    QVERIFY(live.accepted.isEmpty());
    // Direct as well: one place decides.
    const Result<QString> direct = validateValue(value, SourceKind::Backends);
    QVERIFY(!direct.ok());
    QCOMPARE(direct.error().message, reason);
}

QTEST_GUILESS_MAIN(TestValidatedSource)
#include "TestValidatedSource.moc"
