// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The profile format: version 1's one "balancer" is read and migrated to version 2's list of load
// balancers, the old file is kept beside the new one, and what version 2 adds round-trips.
#include "core/cluster/ClusterProfile.h"
#include "core/cluster/ProfileStore.h"
#include "core/cluster/ProfileValidation.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace lbdeck;

class TestProfileFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionOneIsMigrated();
    void versionOneWithoutLoadBalancerNode();
    void severalLoadBalancersRoundTrip();
    void newerFormatIsRefused();
    void loadBalancerChecks();

private:
    static QByteArray fixture()
    {
        QFile f(qEnvironmentVariable("LBDECK_SOURCE_DIR") + u"/tests/data/profiles/v1-seed.json"_s);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    static QJsonObject read(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
    }
};

void TestProfileFormat::versionOneIsMigrated()
{
    QTemporaryDir dir;
    const QByteArray old = fixture();
    QVERIFY(!old.isEmpty());
    QFile f(dir.filePath(u"seed.json"_s));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(old);
    f.close();

    ProfileStore store(dir.path());
    Result<ClusterProfile> p = store.load(u"seed"_s);
    QVERIFY2(p.ok(), qPrintable(p ? QString() : p.error().toString()));
    QCOMPARE(p->balancers.size(), 1);
    // The seed's node A, the one node marked "no backends", names the migrated load balancer.
    QCOMPARE(p->balancer().name, u"core-a"_s);
    QCOMPARE(p->balancer().engine, BalancerProfile::Engine::Remote);
    QCOMPARE(p->balancer().engineStatusUrl, u"http://127.0.0.1:9913"_s);
    QCOMPARE(p->balancer().nginxUrl, u"http://172.17.8.101:80"_s);
    QCOMPARE(p->nodes.size(), 3);
    QVERIFY(p->nodes[0].noBackends);
    QCOMPARE(p->etcd.api, EtcdApi::V2);

    // Saving writes version 2 and keeps the version-1 file beside it, byte for byte.
    QVERIFY(store.save(*p).ok());
    const QJsonObject written = read(dir.filePath(u"seed.json"_s));
    QCOMPARE(written.value(u"formatVersion"_s).toInt(), 2);
    QVERIFY(!written.contains(u"balancer"_s));
    QCOMPARE(written.value(u"balancers"_s).toArray().size(), 1);
    QCOMPARE(written.value(u"balancers"_s).toArray().first().toObject().value(u"name"_s).toString(),
             u"core-a"_s);
    QFile backup(dir.filePath(u"seed.json.v1"_s));
    QVERIFY(backup.open(QIODevice::ReadOnly));
    QCOMPARE(backup.readAll(), old);
    // A second save does not touch the backup; the profile reads back the same.
    p->balancer().nginxUrl = u"http://172.17.8.101:8080"_s;
    QVERIFY(store.save(*p).ok());
    backup.close();
    QVERIFY(backup.open(QIODevice::ReadOnly));
    QCOMPARE(backup.readAll(), old);
    Result<ClusterProfile> again = store.load(u"seed"_s);
    QVERIFY(again.ok());
    QCOMPARE(*again, *p);
}

void TestProfileFormat::versionOneWithoutLoadBalancerNode()
{
    QJsonObject o = QJsonDocument::fromJson(fixture()).object();
    QJsonArray nodes = o.value(u"nodes"_s).toArray();
    nodes.removeFirst();
    o.insert(u"nodes"_s, nodes);
    const ClusterProfile p = ClusterProfile::fromJson(o);
    QCOMPARE(p.balancers.size(), 1);
    QCOMPARE(p.balancer().name, u"172.17.8.101"_s); // the host nginx listens on
    QCOMPARE(ClusterProfile::formatVersionOf(o), 1);
}

void TestProfileFormat::severalLoadBalancersRoundTrip()
{
    ClusterProfile p;
    p.name = u"two"_s;
    p.balancers = {
        BalancerProfile{u"core-a"_s,
                        BalancerProfile::Engine::Embedded,
                        {},
                        {},
                        u"/etc/lbdeck/engine.toml"_s,
                        u"http://127.0.1.1:80"_s},
        BalancerProfile{u"core-d"_s,
                        BalancerProfile::Engine::Remote,
                        u"http://127.0.0.1:9913"_s,
                        u"ssh://core@127.0.1.4:2222"_s,
                        {},
                        u"http://127.0.1.4:80"_s},
    };
    const QJsonObject json = p.toJson();
    QCOMPARE(json.value(u"formatVersion"_s).toInt(), ClusterProfile::FormatVersion);
    const ClusterProfile back = ClusterProfile::fromJson(json);
    QCOMPARE(back.balancers, p.balancers);
    QCOMPARE(back, p);
    QVERIFY(profilecheck::balancers(back.balancers).isEmpty());
}

void TestProfileFormat::newerFormatIsRefused()
{
    QTemporaryDir dir;
    QJsonObject o = ClusterProfile().toJson();
    o.insert(u"formatVersion"_s, 3);
    const QByteArray bytes = QJsonDocument(o).toJson();
    QFile f(dir.filePath(u"future.json"_s));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    f.close();
    Result<ClusterProfile> p = ProfileStore(dir.path()).load(u"future"_s);
    QVERIFY(!p.ok());
    QVERIFY2(p.error().message.contains(u"newer lbdeck"_s), qPrintable(p.error().toString()));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), bytes); // nothing rewritten
}

void TestProfileFormat::loadBalancerChecks()
{
    const BalancerProfile embedded{u"a"_s, BalancerProfile::Engine::Embedded, {}, {}, u"/x.toml"_s, {}};
    QStringList problems = profilecheck::balancers({embedded, BalancerProfile{embedded}});
    QVERIFY2(problems.join(u' ').contains(u"Two load balancers are named \"a\""_s),
             qPrintable(problems.join(u'\n')));
    QVERIFY2(problems.join(u' ').contains(u"Only one engine can run inside lbdeck"_s),
             qPrintable(problems.join(u'\n')));
    BalancerProfile unnamed{{}, BalancerProfile::Engine::Remote, u"http://127.0.0.1:9913"_s, {}, {}, {}};
    problems = profilecheck::balancers({embedded, unnamed});
    QVERIFY2(problems.join(u' ').contains(u"needs a name"_s), qPrintable(problems.join(u'\n')));
    BalancerProfile badSsh{
        u"b"_s, BalancerProfile::Engine::Remote, u"http://127.0.0.1:9913"_s, u"ssh://"_s, {}, {}};
    QCOMPARE(profilecheck::balancers({badSsh}).size(), 1);
    BalancerProfile unixThroughSsh{
        u"b"_s, BalancerProfile::Engine::Remote, u"unix:///run/lbdeck.sock"_s, u"ssh://core@127.0.1.4"_s, {},
        {}};
    QVERIFY2(profilecheck::balancers({unixThroughSsh}).join(u' ').contains(u"http://HOST:PORT"_s),
             qPrintable(profilecheck::balancers({unixThroughSsh}).join(u'\n')));
    // One unnamed load balancer is what every version-1 profile and a new profile have: fine.
    QVERIFY(profilecheck::balancers({unnamed}).isEmpty());
}

QTEST_GUILESS_MAIN(TestProfileFormat)
#include "TestProfileFormat.moc"
