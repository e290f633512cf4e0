// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/etcd/EtcdConnect.h"
#include "core/etcd/EtcdV3Client.h"
#include "core/etcd/PrefixMirror.h"
#include "tests/support/Await.h"
#include "tests/testbed/EtcdServer.h"
#include "tests/testbed/TcpProxy.h"

#include <QSignalSpy>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

Result<qint64> put(EtcdKv& c, const QByteArray& k, const QByteArray& v)
{
    return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { c.put(k, v, 0, ctx, cb); });
}

Result<qint64> remove(EtcdKv& c, const QByteArray& k)
{
    return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { c.remove(k, ctx, cb); });
}

QMap<QByteArray, QByteArray> values(const PrefixMirror& m)
{
    QMap<QByteArray, QByteArray> out;
    for (auto it = m.entries().cbegin(); it != m.entries().cend(); ++it)
        out.insert(it.key(), it->value);
    return out;
}

struct ChangeLog : QObject
{
    explicit ChangeLog(PrefixMirror* m)
    {
        connect(m, &PrefixMirror::changed, this, [this](const QList<KvChange>& c, qint64) { changes += c; });
        connect(m, &PrefixMirror::resynced, this, [this](const QString& why, qint64) { resyncs << why; });
    }
    QList<KvChange> changes;
    QStringList resyncs;
};

EtcdConfig configFor(const QString& url)
{
    EtcdConfig c;
    c.endpoints = {url};
    c.timeout = std::chrono::milliseconds(2000);
    return c;
}

} // namespace

class TestPrefixMirror : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void loadsThenFollows_data();
    void loadsThenFollows();
    void partitionWithCompactionResyncsToTheTruth_data();
    void partitionWithCompactionResyncsToTheTruth();
    void unreachableEtcdIsNotAnEmptyPrefix();

private:
    EtcdServer m_etcd;
};

void TestPrefixMirror::initTestCase()
{
    QCOMPARE(m_etcd.start(), QString());
}

void TestPrefixMirror::loadsThenFollows_data()
{
    QTest::addColumn<EtcdApi>("api");
    QTest::newRow("v3") << EtcdApi::V3;
    QTest::newRow("v2") << EtcdApi::V2;
}

void TestPrefixMirror::loadsThenFollows()
{
    QFETCH(EtcdApi, api);
    const QByteArray prefix = api == EtcdApi::V3 ? "/f3/" : "/f2/";
    std::unique_ptr<EtcdKv> kv(makeEtcdClient(configFor(m_etcd.clientUrl()), api, {}, nullptr));
    VERIFY_OK(put(*kv, prefix + "apache-8001", "127.0.1.3:8001"));
    VERIFY_OK(put(*kv, prefix + "apache-8002", "127.0.1.2:8002"));

    PrefixMirror mirror(kv.get(), prefix);
    ChangeLog log(&mirror);
    mirror.start();
    QTRY_VERIFY(mirror.isLoaded());
    QCOMPARE(log.resyncs, QStringList{u"initial read"_s});
    QCOMPARE(log.changes.size(), 2);
    QCOMPARE(values(mirror).value(prefix + "apache-8001"), QByteArray("127.0.1.3:8001"));
    QTRY_COMPARE(mirror.state(), PrefixMirror::State::Live);

    log.changes.clear();
    VERIFY_OK(put(*kv, prefix + "apache-8003", "127.0.1.4:8003"));
    VERIFY_OK(put(*kv, prefix + "apache-8001", "127.0.1.3:9001"));
    VERIFY_OK(remove(*kv, prefix + "apache-8002"));
    QTRY_COMPARE(log.changes.size(), 3);
    QVERIFY(!log.changes[0].before && log.changes[0].after == QByteArray("127.0.1.4:8003"));
    QCOMPARE(log.changes[1].before, std::optional<QByteArray>("127.0.1.3:8001"));
    QCOMPARE(log.changes[1].after, std::optional<QByteArray>("127.0.1.3:9001"));
    QCOMPARE(log.changes[2].key, prefix + "apache-8002");
    QVERIFY(!log.changes[2].after);
    QCOMPARE(values(mirror).keys(), (QList<QByteArray>{prefix + "apache-8001", prefix + "apache-8003"}));
}

void TestPrefixMirror::partitionWithCompactionResyncsToTheTruth_data()
{
    loadsThenFollows_data();
}

void TestPrefixMirror::partitionWithCompactionResyncsToTheTruth()
{
    QFETCH(EtcdApi, api);
    const QByteArray prefix = api == EtcdApi::V3 ? "/p3/" : "/p2/";
    TcpProxy proxy(u"127.0.0.1"_s, m_etcd.clientPort());
    std::unique_ptr<EtcdKv> direct(makeEtcdClient(configFor(m_etcd.clientUrl()), api, {}, nullptr));
    std::unique_ptr<EtcdKv> viaProxy(makeEtcdClient(configFor(proxy.url()), api, {}, nullptr));
    VERIFY_OK(put(*direct, prefix + "stays", "1"));
    VERIFY_OK(put(*direct, prefix + "goes", "2"));
    VERIFY_OK(put(*direct, prefix + "changes", "3"));

    PrefixMirror mirror(viaProxy.get(), prefix);
    ChangeLog log(&mirror);
    mirror.start();
    QTRY_COMPARE(mirror.state(), PrefixMirror::State::Live);
    log.changes.clear();

    proxy.cut();
    QTRY_COMPARE(mirror.state(), PrefixMirror::State::Reconnecting);
    VERIFY_OK(remove(*direct, prefix + "goes"));
    VERIFY_OK(put(*direct, prefix + "changes", "33"));
    VERIFY_OK(put(*direct, prefix + "new", "4"));
    if (api == EtcdApi::V3) {
        auto* v3 = static_cast<EtcdV3Client*>(direct.get());
        auto last = put(*direct, "/elsewhere", "x");
        VERIFY_OK(await<void>([&](QObject* ctx, Callback<void> cb) { v3->compact(*last, ctx, cb); }));
    } else {
        for (int i = 0; i < 1100; ++i) // push the missed events out of v2's 1000-event window
            VERIFY_OK(put(*direct, "/elsewhere", QByteArray::number(i)));
    }
    QCOMPARE(values(mirror).size(), 3); // still the last known state, nothing invented
    proxy.restore();

    QTRY_COMPARE_WITH_TIMEOUT(log.resyncs.size(), 2, 10000);
    QVERIFY2(log.resyncs.last().contains(u"compacted"_s), qPrintable(log.resyncs.last()));
    const QMap<QByteArray, QByteArray> expected{
        {prefix + "changes", "33"}, {prefix + "new", "4"}, {prefix + "stays", "1"}};
    QCOMPARE(values(mirror), expected);
    QCOMPARE(log.changes.size(), 3); // exactly the difference: goes (gone), changes, new
    QTRY_COMPARE(mirror.state(), PrefixMirror::State::Live);
    VERIFY_OK(put(*direct, prefix + "after", "5")); // and it follows again
    QTRY_COMPARE(values(mirror).value(prefix + "after"), QByteArray("5"));
}

void TestPrefixMirror::unreachableEtcdIsNotAnEmptyPrefix()
{
    TcpProxy proxy(u"127.0.0.1"_s, m_etcd.clientPort());
    proxy.cut();
    EtcdV3Client client(configFor(proxy.url()));
    PrefixMirror mirror(&client, "/u/");
    QSignalSpy changed(&mirror, &PrefixMirror::changed);
    QSignalSpy resynced(&mirror, &PrefixMirror::resynced);
    mirror.start();
    QTRY_VERIFY(!mirror.lastError().isEmpty());
    QVERIFY(!mirror.isLoaded());
    QCOMPARE(resynced.size(), 0); // never "loaded, and empty"
    QVERIFY2(mirror.lastError().contains(proxy.url().mid(7)), qPrintable(mirror.lastError()));

    EtcdV3Client direct(configFor(m_etcd.clientUrl()));
    VERIFY_OK(put(direct, "/u/k", "v"));
    proxy.restore();
    QTRY_VERIFY_WITH_TIMEOUT(mirror.isLoaded(), 10000);
    QCOMPARE(values(mirror).value("/u/k"), QByteArray("v"));
    QCOMPARE(changed.size(), 1);
}

QTEST_GUILESS_MAIN(TestPrefixMirror)
#include "TestPrefixMirror.moc"
