// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/etcd/EtcdV3Client.h"
#include "core/etcd/EtcdV3Watch.h"
#include "tests/etcd/ConditionalWrites.h"
#include "tests/support/Await.h"
#include "tests/testbed/EtcdServer.h"

#include <QSignalSpy>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

EtcdConfig configFor(const EtcdServer& etcd)
{
    EtcdConfig c;
    c.endpoints = {etcd.clientUrl()};
    c.timeout = std::chrono::milliseconds(5000);
    if (etcd.options().tls)
        c.tls = TlsFiles{
            etcd.certificates().caCert, etcd.certificates().clientCert, etcd.certificates().clientKey, {}};
    return c;
}

Result<qint64> put(EtcdV3Client& c, const QByteArray& k, const QByteArray& v)
{
    return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { c.put(k, v, 0, ctx, cb); });
}

Result<KvSnapshot> getPrefix(EtcdKv& c, const QByteArray& prefix)
{
    return await<KvSnapshot>([&](QObject* ctx, Callback<KvSnapshot> cb) { c.getPrefix(prefix, ctx, cb); });
}

// Everything a watch delivers, in order.
struct Recorder : QObject
{
    explicit Recorder(EtcdWatch* w)
    {
        connect(w, &EtcdWatch::eventsReceived, this,
                [this](const QList<WatchEvent>& e, qint64) { events += e; });
        connect(w, &EtcdWatch::historyLost, this, [this](qint64 r) { lostAt = r; });
        connect(w, &EtcdWatch::connectionChanged, this, [this](bool up, const QString&) {
            if (up)
                ++connects;
            else
                ++drops;
        });
    }
    QList<WatchEvent> events;
    qint64 lostAt = 0;
    int connects = 0;
    int drops = 0;
};

} // namespace

class TestEtcdV3 : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void conditionalWrites();
    void seedKeysRoundTrip();
    void rangeOptions();
    void deleteKeyAndPrefix();
    void compareAndSwap();
    void leases();
    void membersAndStatus();
    void watchSeesPutAndDeleteInOrder();
    void watchResumesAcrossEtcdRestart();
    void compactedStartRevisionIsReported();
    void failoverToTheNextEndpoint();
    void tls();
    void authRenewsExpiredTokenTransparently();
    void authErrorsAreClear();

private:
    EtcdServer m_etcd;
};

void TestEtcdV3::initTestCase()
{
    QCOMPARE(m_etcd.start(), QString());
}

void TestEtcdV3::conditionalWrites()
{
    EtcdV3Client client(configFor(m_etcd));
    checkConditionalWrites(client, "/cas/apache-8001");
}

void TestEtcdV3::seedKeysRoundTrip()
{
    EtcdV3Client client(configFor(m_etcd));
    VERIFY_OK(put(client, "/test/apache-8001", "127.0.1.3:8001"));
    VERIFY_OK(put(client, "/test/apache-8002", "127.0.1.2:8002"));
    auto snap = getPrefix(client, "/test/");
    VERIFY_OK(snap);
    QCOMPARE(snap->kvs.size(), 2);
    QCOMPARE(snap->kvs[0].key, QByteArray("/test/apache-8001"));
    QCOMPARE(snap->kvs[0].value, QByteArray("127.0.1.3:8001"));
    QCOMPARE(snap->kvs[1].key, QByteArray("/test/apache-8002"));
    QCOMPARE(snap->kvs[1].value, QByteArray("127.0.1.2:8002"));
    QVERIFY(snap->revision >= snap->kvs[1].modRevision);

    // etcdctl, an independent client, sees what we wrote.
    QByteArray out;
    QCOMPARE(m_etcd.etcdctl({u"get"_s, u"/test/apache-8001"_s, u"--print-value-only"_s}, &out), QString());
    QCOMPARE(out.trimmed(), QByteArray("127.0.1.3:8001"));
    // And we see what it wrote, binary-safe.
    QCOMPARE(m_etcd.etcdctl({u"put"_s, u"/test/bin"_s, u"a b\tc"_s}), QString());
    auto bin = getPrefix(client, "/test/bin");
    VERIFY_OK(bin);
    QCOMPARE(bin->kvs.value(0).value, QByteArray("a b\tc"));
}

void TestEtcdV3::rangeOptions()
{
    EtcdV3Client client(configFor(m_etcd));
    auto first = put(client, "/range/a", "1");
    VERIFY_OK(first);
    VERIFY_OK(put(client, "/range/b", "2"));
    VERIFY_OK(put(client, "/range/a", "changed"));
    etcdv3::RangeOptions limited;
    limited.rangeEnd = prefixRangeEnd("/range/");
    limited.limit = 1;
    auto r = await<KvSnapshot>(
        [&](QObject* ctx, Callback<KvSnapshot> cb) { client.range("/range/", limited, ctx, cb); });
    VERIFY_OK(r);
    QCOMPARE(r->kvs.size(), 1);
    QVERIFY(r->more);
    QCOMPARE(r->count, 2);

    etcdv3::RangeOptions historical;
    historical.revision = *first;
    auto old = await<KvSnapshot>(
        [&](QObject* ctx, Callback<KvSnapshot> cb) { client.range("/range/a", historical, ctx, cb); });
    VERIFY_OK(old);
    QCOMPARE(old->kvs.value(0).value, QByteArray("1"));

    auto missing = getPrefix(client, "/no/such/prefix/");
    VERIFY_OK(missing);
    QVERIFY(missing->kvs.isEmpty());
}

void TestEtcdV3::deleteKeyAndPrefix()
{
    EtcdV3Client client(configFor(m_etcd));
    for (const char* k : {"/del/a", "/del/b", "/del/c", "/delx"})
        VERIFY_OK(put(client, k, "v"));
    auto one = await<qint64>([&](QObject* ctx, Callback<qint64> cb) { client.remove("/del/a", ctx, cb); });
    VERIFY_OK(one);
    QCOMPARE(*one, 1);
    auto again = await<qint64>([&](QObject* ctx, Callback<qint64> cb) { client.remove("/del/a", ctx, cb); });
    VERIFY_OK(again);
    QCOMPARE(*again, 0);
    auto rest =
        await<qint64>([&](QObject* ctx, Callback<qint64> cb) { client.removePrefix("/del/", ctx, cb); });
    VERIFY_OK(rest);
    QCOMPARE(*rest, 2);
    auto left = getPrefix(client, "/del");
    QCOMPARE(left->kvs.size(), 1); // "/delx" is not under "/del/"
}

void TestEtcdV3::compareAndSwap()
{
    EtcdV3Client client(configFor(m_etcd));
    auto cas = [&](std::optional<QByteArray> expected, QByteArray value) {
        return await<etcdv3::TxnResult>([&](QObject* ctx, Callback<etcdv3::TxnResult> cb) {
            client.compareAndSwap("/cas/k", expected, value, ctx, cb);
        });
    };
    auto created = cas(std::nullopt, "one");
    VERIFY_OK(created);
    QVERIFY(created->succeeded);
    auto exists = cas(std::nullopt, "two");
    VERIFY_OK(exists);
    QVERIFY(!exists->succeeded);
    QCOMPARE(exists->current->value, QByteArray("one"));
    auto wrong = cas(QByteArray("nope"), "two");
    QVERIFY(!wrong->succeeded);
    auto right = cas(QByteArray("one"), "two");
    QVERIFY(right->succeeded);
    QCOMPARE(getPrefix(client, "/cas/k")->kvs.value(0).value, QByteArray("two"));
}

void TestEtcdV3::leases()
{
    EtcdV3Client client(configFor(m_etcd));
    auto lease =
        await<LeaseInfo>([&](QObject* ctx, Callback<LeaseInfo> cb) { client.leaseGrant(30, ctx, cb); });
    VERIFY_OK(lease);
    QVERIFY(lease->id != 0);
    QCOMPARE(lease->ttl, 30);
    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
        client.putWithLease("/lease/k", "v", lease->id, ctx, cb);
    }));
    auto kept = await<LeaseInfo>(
        [&](QObject* ctx, Callback<LeaseInfo> cb) { client.leaseKeepAlive(lease->id, ctx, cb); });
    VERIFY_OK(kept);
    QCOMPARE(kept->ttl, 30);
    auto ttl = await<LeaseInfo>(
        [&](QObject* ctx, Callback<LeaseInfo> cb) { client.leaseTimeToLive(lease->id, ctx, cb); });
    VERIFY_OK(ttl);
    QVERIFY(ttl->ttl > 0 && ttl->ttl <= 30);
    QCOMPARE(ttl->grantedTtl, 30);
    QCOMPARE(getPrefix(client, "/lease/k")->kvs.value(0).lease, lease->id);
    VERIFY_OK(await<void>([&](QObject* ctx, Callback<void> cb) { client.leaseRevoke(lease->id, ctx, cb); }));
    QVERIFY(getPrefix(client, "/lease/k")->kvs.isEmpty());
    auto gone = await<LeaseInfo>(
        [&](QObject* ctx, Callback<LeaseInfo> cb) { client.leaseKeepAlive(lease->id, ctx, cb); });
    QVERIFY(!gone.ok());

    // A put with a TTL: the key goes when the TTL runs out.
    VERIFY_OK(
        await<qint64>([&](QObject* ctx, Callback<qint64> cb) { client.put("/lease/ttl", "v", 1, ctx, cb); }));
    QCOMPARE(getPrefix(client, "/lease/ttl")->kvs.size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(getPrefix(client, "/lease/ttl")->kvs.isEmpty(), 5000);
}

void TestEtcdV3::membersAndStatus()
{
    EtcdV3Client client(configFor(m_etcd));
    auto members = await<QList<EtcdMember>>(
        [&](QObject* ctx, Callback<QList<EtcdMember>> cb) { client.members(ctx, cb); });
    VERIFY_OK(members);
    QCOMPARE(members->size(), 1);
    QCOMPARE(members->first().name, u"lbdeck-test"_s);
    QCOMPARE(members->first().clientUrls, QStringList{m_etcd.clientUrl()});
    auto status = await<EtcdStatus>([&](QObject* ctx, Callback<EtcdStatus> cb) { client.status(ctx, cb); });
    VERIFY_OK(status);
    QCOMPARE(status->version, u"3.4.23"_s);
    QCOMPARE(status->leader, members->first().id);
}

void TestEtcdV3::watchSeesPutAndDeleteInOrder()
{
    EtcdV3Client client(configFor(m_etcd));
    EtcdWatch* watch = client.watchPrefix("/w/", 0, this);
    Recorder rec(watch);
    QTRY_COMPARE(rec.connects, 1);
    VERIFY_OK(put(client, "/w/a", "1"));
    VERIFY_OK(put(client, "/w/b", "2"));
    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) { client.remove("/w/a", ctx, cb); }));
    VERIFY_OK(put(client, "/outside", "x"));
    VERIFY_OK(put(client, "/w/b", "3"));
    QTRY_COMPARE(rec.events.size(), 4);
    QCOMPARE(rec.events[0].type, WatchEvent::Type::Put);
    QCOMPARE(rec.events[0].kv.key, QByteArray("/w/a"));
    QCOMPARE(rec.events[1].kv.key, QByteArray("/w/b"));
    QCOMPARE(rec.events[2].type, WatchEvent::Type::Delete);
    QCOMPARE(rec.events[2].kv.key, QByteArray("/w/a"));
    QCOMPARE(rec.events[3].kv.value, QByteArray("3"));
    for (int i = 1; i < rec.events.size(); ++i)
        QVERIFY(rec.events[i].kv.modRevision > rec.events[i - 1].kv.modRevision);
    QCOMPARE(watch->nextRevision(), rec.events.last().kv.modRevision + 1);
    delete watch;
}

void TestEtcdV3::watchResumesAcrossEtcdRestart()
{
    EtcdServer etcd;
    QCOMPARE(etcd.start(), QString());
    EtcdV3Client writer(configFor(etcd));
    EtcdV3Client watcher(configFor(etcd));
    auto start = put(writer, "/r/start", "0");
    VERIFY_OK(start);
    EtcdWatch* watch = watcher.watchPrefix("/r/", *start + 1, this);
    Recorder rec(watch);
    QTRY_COMPARE(rec.connects, 1);
    for (int i = 0; i < 20; ++i)
        VERIFY_OK(put(writer, "/r/k" + QByteArray::number(i), QByteArray::number(i)));
    QTRY_COMPARE(rec.events.size(), 20);

    etcd.kill(); // SIGKILL mid-watch: no goodbye on the stream
    QTRY_VERIFY(rec.drops >= 1);
    QCOMPARE(etcd.start(), QString());
    // Written while the watcher is still reconnecting: it must pick these up from its revision.
    for (int i = 20; i < 40; ++i)
        VERIFY_OK(put(writer, "/r/k" + QByteArray::number(i), QByteArray::number(i)));
    QTRY_COMPARE_WITH_TIMEOUT(rec.events.size(), 40, 15000);
    QVERIFY(rec.connects >= 2);
    for (int i = 0; i < 40; ++i) {
        QCOMPARE(rec.events[i].kv.key, "/r/k" + QByteArray::number(i));
        QCOMPARE(rec.events[i].kv.modRevision, *start + 1 + i); // no gap, no repeat
    }
    QTest::qWait(200);
    QCOMPARE(rec.events.size(), 40);
    delete watch;
}

void TestEtcdV3::compactedStartRevisionIsReported()
{
    EtcdV3Client client(configFor(m_etcd));
    auto first = put(client, "/c/a", "1");
    VERIFY_OK(first);
    auto last = put(client, "/c/a", "2");
    VERIFY_OK(last);
    VERIFY_OK(await<void>([&](QObject* ctx, Callback<void> cb) { client.compact(*last, ctx, cb); }));
    EtcdWatch* watch = client.watchPrefix("/c/", *first, this);
    Recorder rec(watch);
    QTRY_COMPARE(rec.lostAt, *last);
    QVERIFY(rec.events.isEmpty());
    delete watch;
}

void TestEtcdV3::failoverToTheNextEndpoint()
{
    EtcdConfig config = configFor(m_etcd);
    config.endpoints.prepend(u"http://127.0.0.1:%1"_s.arg(freePort()));
    EtcdV3Client client(config);
    QSignalSpy switched(&client, &EtcdKv::endpointChanged);
    VERIFY_OK(put(client, "/failover/k", "v"));
    QCOMPARE(switched.size(), 1);
    QCOMPARE(client.currentEndpoint(), m_etcd.clientUrl());

    EtcdConfig allDead;
    allDead.endpoints = {u"http://127.0.0.1:%1"_s.arg(freePort()), u"http://127.0.0.1:%1"_s.arg(freePort())};
    EtcdV3Client dead(allDead);
    auto r = put(dead, "/failover/k", "v");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Network);
    QVERIFY2(r.error().where.contains(u"/failover/k"_s), qPrintable(r.error().toString()));
    QVERIFY2(r.error().where.contains(u"127.0.0.1:"_s), qPrintable(r.error().toString()));
}

void TestEtcdV3::tls()
{
    EtcdServer::Options options;
    options.tls = true;
    EtcdServer etcd(options);
    QCOMPARE(etcd.start(), QString());
    EtcdV3Client client(configFor(etcd));
    VERIFY_OK(put(client, "/test/apache-8001", "127.0.1.3:8001"));
    QCOMPARE(getPrefix(client, "/test/")->kvs.value(0).value, QByteArray("127.0.1.3:8001"));
    EtcdWatch* watch = client.watchPrefix("/test/", 0, this);
    Recorder rec(watch);
    QTRY_COMPARE(rec.connects, 1);
    VERIFY_OK(put(client, "/test/apache-8002", "127.0.1.2:8002"));
    QTRY_COMPARE(rec.events.size(), 1);
    delete watch;

    EtcdConfig noClientCert = configFor(etcd);
    noClientCert.tls.certFile.clear();
    noClientCert.tls.keyFile.clear();
    EtcdV3Client anonymous(noClientCert);
    auto r = put(anonymous, "/test/x", "y");
    QVERIFY(!r.ok());
}

void TestEtcdV3::authRenewsExpiredTokenTransparently()
{
    EtcdServer::Options options;
    options.auth = true;
    options.authTokenTtl = 1;
    EtcdServer etcd(options);
    QCOMPARE(etcd.start(), QString());
    EtcdConfig config = configFor(etcd);
    config.user = u"lbdeck"_s;
    EtcdV3Client client(config);
    client.setPassword(options.authPassword);
    VERIFY_OK(put(client, "/test/apache-8001", "127.0.1.3:8001"));
    QCOMPARE(client.authentications(), 1);
    EtcdWatch* watch = client.watchPrefix("/test/", 0, this);
    Recorder rec(watch);
    QTRY_COMPARE(rec.connects, 1);

    QTest::qWait(2500); // the simple token's TTL (1 s) runs out while we are idle
    VERIFY_OK(put(client, "/test/apache-8002", "127.0.1.2:8002")); // no error reaches the caller
    QCOMPARE(client.authentications(), 2);
    auto snap = getPrefix(client, "/test/");
    VERIFY_OK(snap);
    QCOMPARE(snap->kvs.size(), 2);
    QTRY_COMPARE(rec.events.size(), 1);
    delete watch;
}

void TestEtcdV3::authErrorsAreClear()
{
    EtcdServer::Options options;
    options.auth = true;
    EtcdServer etcd(options);
    QCOMPARE(etcd.start(), QString());
    EtcdConfig config = configFor(etcd);
    config.user = u"lbdeck"_s;

    EtcdV3Client wrong(config);
    wrong.setPassword(u"not-the-password"_s);
    auto r = put(wrong, "/test/k", "v");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Unauthenticated);
    QVERIFY2(r.error().where.contains(u"lbdeck"_s), qPrintable(r.error().toString()));

    EtcdV3Client right(config);
    right.setPassword(options.authPassword);
    auto denied = put(right, "/elsewhere/k", "v"); // the role only grants /test/
    QVERIFY(!denied.ok());
    QCOMPARE(denied.error().code, ErrorCode::PermissionDenied);
    QVERIFY2(denied.error().where.contains(u"/elsewhere/k"_s), qPrintable(denied.error().toString()));

    EtcdV3Client none(configFor(etcd));
    auto anonymous = getPrefix(none, "/test/");
    QVERIFY(!anonymous.ok());
}

QTEST_GUILESS_MAIN(TestEtcdV3)
#include "TestEtcdV3.moc"
