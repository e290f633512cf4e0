// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/etcd/EtcdConnect.h"
#include "core/etcd/EtcdV2Client.h"
#include "tests/etcd/ConditionalWrites.h"
#include "tests/support/Await.h"
#include "tests/testbed/EtcdServer.h"

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
    if (etcd.options().tls)
        c.tls = TlsFiles{
            etcd.certificates().caCert, etcd.certificates().clientCert, etcd.certificates().clientKey, {}};
    return c;
}

Result<qint64> put(EtcdKv& c, const QByteArray& k, const QByteArray& v, int ttl = 0)
{
    return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { c.put(k, v, ttl, ctx, cb); });
}

Result<qint64> remove(EtcdKv& c, const QByteArray& k)
{
    return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { c.remove(k, ctx, cb); });
}

Result<KvSnapshot> getPrefix(EtcdKv& c, const QByteArray& prefix)
{
    return await<KvSnapshot>([&](QObject* ctx, Callback<KvSnapshot> cb) { c.getPrefix(prefix, ctx, cb); });
}

struct Recorder : QObject
{
    explicit Recorder(EtcdWatch* w)
    {
        connect(w, &EtcdWatch::eventsReceived, this,
                [this](const QList<WatchEvent>& e, qint64) { events += e; });
        connect(w, &EtcdWatch::historyLost, this, [this](qint64 r) { lostAt = r; });
        connect(w, &EtcdWatch::connectionChanged, this,
                [this](bool up, const QString&) { up ? ++connects : ++drops; });
    }
    QList<WatchEvent> events;
    qint64 lostAt = 0;
    int connects = 0;
    int drops = 0;
};

} // namespace

class TestEtcdV2 : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void conditionalWrites();
    void seedKeysRoundTrip();
    void prefixThatIsNotADirectory();
    void ttlExpires();
    void members();
    void autoDetectsTheApi();
    void watchSeesPutAndDeleteInOrder();
    void watchResumesAcrossEtcdRestart();
    void clearedEventIndexIsReported();
    void tls();
    void basicAuth();

private:
    EtcdServer m_etcd;
};

void TestEtcdV2::initTestCase()
{
    QCOMPARE(m_etcd.start(), QString());
}

void TestEtcdV2::conditionalWrites()
{
    EtcdV2Client client(configFor(m_etcd));
    checkConditionalWrites(client, "/cas/apache-8001");
}

void TestEtcdV2::seedKeysRoundTrip()
{
    EtcdV2Client client(configFor(m_etcd));
    VERIFY_OK(put(client, "/test/apache-8001", "127.0.1.3:8001"));
    VERIFY_OK(put(client, "/test/apache-8002", "127.0.1.2:8002"));
    VERIFY_OK(put(client, "/test/nested/deeper", "x y&z=+%"));
    auto snap = getPrefix(client, "/test/");
    VERIFY_OK(snap);
    QCOMPARE(snap->kvs.size(), 3);
    QCOMPARE(snap->kvs[0].key, QByteArray("/test/apache-8001"));
    QCOMPARE(snap->kvs[0].value, QByteArray("127.0.1.3:8001"));
    QCOMPARE(snap->kvs[1].value, QByteArray("127.0.1.2:8002"));
    QCOMPARE(snap->kvs[2].key, QByteArray("/test/nested/deeper"));
    QCOMPARE(snap->kvs[2].value, QByteArray("x y&z=+%")); // form encoding survives
    QVERIFY(snap->revision >= snap->kvs[2].modRevision);

    // The v2 keyspace is its own: the v3 API does not see these keys.
    QByteArray out;
    QCOMPARE(m_etcd.etcdctl({u"get"_s, u"--prefix"_s, u"/test/"_s}, &out), QString());
    QVERIFY(!out.contains("apache-8001"));

    QCOMPARE(*remove(client, "/test/nested/deeper"), 1);
    QCOMPARE(*remove(client, "/test/nested/deeper"), 0);
    auto missing = getPrefix(client, "/nothing/here/");
    VERIFY_OK(missing);
    QVERIFY(missing->kvs.isEmpty());
    QVERIFY(missing->revision > 0);
}

void TestEtcdV2::prefixThatIsNotADirectory()
{
    EtcdV2Client client(configFor(m_etcd));
    VERIFY_OK(put(client, "/pfx/apache-1", "a"));
    VERIFY_OK(put(client, "/pfx/nginx-1", "b"));
    auto snap = getPrefix(client, "/pfx/apache-");
    VERIFY_OK(snap);
    QCOMPARE(snap->kvs.size(), 1);
    QCOMPARE(snap->kvs[0].key, QByteArray("/pfx/apache-1"));
}

void TestEtcdV2::ttlExpires()
{
    EtcdV2Client client(configFor(m_etcd));
    VERIFY_OK(put(client, "/ttl/k", "v", 1));
    QCOMPARE(getPrefix(client, "/ttl/")->kvs.size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(getPrefix(client, "/ttl/")->kvs.isEmpty(), 5000);
}

void TestEtcdV2::members()
{
    EtcdV2Client client(configFor(m_etcd));
    auto m = await<QList<EtcdMember>>(
        [&](QObject* ctx, Callback<QList<EtcdMember>> cb) { client.members(ctx, cb); });
    VERIFY_OK(m);
    QCOMPARE(m->size(), 1);
    QCOMPARE(m->first().name, u"lbdeck-test"_s);
    QCOMPARE(m->first().clientUrls, QStringList{m_etcd.clientUrl()});
}

void TestEtcdV2::autoDetectsTheApi()
{
    EtcdConfig config = configFor(m_etcd);
    config.api = EtcdApi::Auto;
    QObject parent;
    auto kv = await<EtcdKv*>(
        [&](QObject* ctx, Callback<EtcdKv*> cb) { connectEtcd(config, {}, ctx, cb, &parent); });
    VERIFY_OK(kv);
    QCOMPARE((*kv)->api(), EtcdApi::V3); // etcd 3.4 speaks v3; v2 only when asked or on a 2.x server
    QVERIFY(apiFromVersion(R"({"etcdserver":"2.3.8","etcdcluster":"2.3.0"})").valueOr(EtcdApi::V3) ==
            EtcdApi::V2);
    QVERIFY(!apiFromVersion("not json").ok());
    QVERIFY(!apiFromVersion("{}").ok());

    config.endpoints = {u"http://127.0.0.1:%1"_s.arg(freePort())};
    auto dead = await<EtcdKv*>(
        [&](QObject* ctx, Callback<EtcdKv*> cb) { connectEtcd(config, {}, ctx, cb, &parent); });
    QVERIFY(!dead.ok());
    QCOMPARE(dead.error().code, ErrorCode::Network);
}

void TestEtcdV2::watchSeesPutAndDeleteInOrder()
{
    EtcdV2Client client(configFor(m_etcd));
    EtcdWatch* watch = client.watchPrefix("/w/", 0, this);
    Recorder rec(watch);
    QTRY_COMPARE(rec.connects, 1);
    VERIFY_OK(put(client, "/w/a", "1"));
    VERIFY_OK(put(client, "/w/b", "2"));
    VERIFY_OK(remove(client, "/w/a"));
    VERIFY_OK(put(client, "/outside", "x"));
    VERIFY_OK(put(client, "/w/b", "3"));
    QTRY_COMPARE(rec.events.size(), 4);
    QCOMPARE(rec.events[0].kv.key, QByteArray("/w/a"));
    QCOMPARE(rec.events[1].kv.key, QByteArray("/w/b"));
    QCOMPARE(rec.events[2].type, WatchEvent::Type::Delete);
    QCOMPARE(rec.events[3].kv.value, QByteArray("3"));
    for (int i = 1; i < rec.events.size(); ++i)
        QVERIFY(rec.events[i].kv.modRevision > rec.events[i - 1].kv.modRevision);
    delete watch;
}

void TestEtcdV2::watchResumesAcrossEtcdRestart()
{
    EtcdServer etcd;
    QCOMPARE(etcd.start(), QString());
    EtcdV2Client writer(configFor(etcd));
    EtcdV2Client watcher(configFor(etcd));
    auto start = put(writer, "/r/start", "0");
    VERIFY_OK(start);
    EtcdWatch* watch = watcher.watchPrefix("/r/", *start + 1, this);
    Recorder rec(watch);
    QTRY_COMPARE(rec.connects, 1);
    QList<qint64> written;
    for (int i = 0; i < 20; ++i) {
        auto r = put(writer, "/r/k" + QByteArray::number(i), QByteArray::number(i));
        VERIFY_OK(r);
        written << *r;
    }
    QTRY_COMPARE(rec.events.size(), 20);
    etcd.kill();
    QTRY_VERIFY(rec.drops >= 1);
    QCOMPARE(etcd.start(), QString());
    for (int i = 20; i < 40; ++i) {
        auto r = put(writer, "/r/k" + QByteArray::number(i), QByteArray::number(i));
        VERIFY_OK(r);
        written << *r;
    }
    QTRY_COMPARE_WITH_TIMEOUT(rec.events.size(), 40, 15000);
    for (int i = 0; i < 40; ++i) {
        QCOMPARE(rec.events[i].kv.key, "/r/k" + QByteArray::number(i));
        QCOMPARE(rec.events[i].kv.modRevision, written[i]);
    }
    delete watch;
}

void TestEtcdV2::clearedEventIndexIsReported()
{
    EtcdV2Client client(configFor(m_etcd));
    auto first = put(client, "/cleared/k", "0");
    VERIFY_OK(first);
    for (int i = 0; i < 1100; ++i) // etcd v2 keeps the last 1000 events
        VERIFY_OK(put(client, "/cleared/k", QByteArray::number(i)));
    EtcdWatch* watch = client.watchPrefix("/cleared/", *first, this);
    Recorder rec(watch);
    QTRY_VERIFY(rec.lostAt > *first);
    QVERIFY(rec.events.isEmpty());
    delete watch;
}

void TestEtcdV2::tls()
{
    EtcdServer::Options options;
    options.tls = true;
    EtcdServer etcd(options);
    QCOMPARE(etcd.start(), QString());
    EtcdV2Client client(configFor(etcd));
    VERIFY_OK(put(client, "/test/apache-8001", "127.0.1.3:8001"));
    QCOMPARE(getPrefix(client, "/test/")->kvs.value(0).value, QByteArray("127.0.1.3:8001"));
    EtcdWatch* watch = client.watchPrefix("/test/", 0, this);
    Recorder rec(watch);
    QTRY_COMPARE(rec.connects, 1);
    VERIFY_OK(put(client, "/test/apache-8002", "127.0.1.2:8002"));
    QTRY_COMPARE(rec.events.size(), 1);
    delete watch;
}

void TestEtcdV2::basicAuth()
{
    EtcdServer etcd;
    QCOMPARE(etcd.start(), QString());
    const QString url = etcd.clientUrl();
    const QString pw = u"v2-test-pass"_s;
    // v2 auth is configured through its own API: root user, auth on, the open "guest" role closed.
    QCOMPARE(runCommand(u"curl"_s, {u"-sf"_s, u"-XPUT"_s, url + u"/v2/auth/users/root"_s, u"-d"_s,
                                    uR"({"user":"root","password":"%1"})"_s.arg(pw)}),
             QString());
    QCOMPARE(runCommand(u"curl"_s, {u"-sf"_s, u"-XPUT"_s, url + u"/v2/auth/enable"_s}), QString());
    QCOMPARE(
        runCommand(
            u"curl"_s,
            {u"-sf"_s, u"-u"_s, u"root:"_s + pw, u"-XPUT"_s, url + u"/v2/auth/roles/guest"_s, u"-d"_s,
             u"{\"role\":\"guest\",\"revoke\":{\"kv\":{\"read\":[\"/\x2a\"],\"write\":[\"/\x2a\"]}}}"_s}),
        QString());

    EtcdV2Client anonymous(configFor(etcd));
    auto denied = put(anonymous, "/test/k", "v");
    QVERIFY(!denied.ok());
    QCOMPARE(denied.error().code, ErrorCode::Unauthenticated);
    QVERIFY2(denied.error().where.contains(u"/test/k"_s), qPrintable(denied.error().toString()));

    EtcdConfig config = configFor(etcd);
    config.user = u"root"_s;
    EtcdV2Client root(config);
    root.setPassword(pw);
    VERIFY_OK(put(root, "/test/apache-8001", "127.0.1.3:8001"));
    QCOMPARE(getPrefix(root, "/test/")->kvs.size(), 1);
}

QTEST_GUILESS_MAIN(TestEtcdV2)
#include "TestEtcdV2.moc"
