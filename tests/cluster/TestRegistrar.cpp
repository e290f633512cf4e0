// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// `lbdeck-engine register` as it is deployed on a node: its own process, real dockerd and etcd,
// containers started with the docker CLI (outside lbdeck), kill -9 and SIGTERM.
#include "core/cluster/FenceRecord.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/support/Await.h"
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/EtcdServer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

constexpr int Ttl = 2;
const QString Address = u"127.0.1.28"_s;

QString engineBinary()
{
    return qEnvironmentVariable("LBDECK_BINARY_DIR") + u"/app/lbdeck-engine"_s;
}

} // namespace

class TestRegistrar : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void startAndStopAreFollowed();
    void keysOutsideThePrefixAreRefused();
    void fencedContainersAreNeverRegistered();
    void killedRegistrarLetsTheKeysExpire();
    void restartRegistersWhatRunsAndSurvivesALostLease();
    void etcdRestartIsRiddenOut();
    void sigtermRevokesAtOnce();

private:
    std::unique_ptr<QProcess> startRegistrar();
    // publishPort: 0 for the port of address (a bad address label needs another one).
    QString runLabelled(const QString& name, const QString& key, const QString& address,
                        quint16 publishPort = 0);
    // The key as etcd holds it; nullopt when it is absent or etcd did not answer.
    std::optional<KeyValue> etcdKey(const QByteArray& key);
    // Every key etcd holds, whatever its prefix; nullopt when etcd did not answer.
    std::optional<QList<QByteArray>> allKeys();

    EtcdServer m_etcd;
    DockerDaemon m_docker;
    std::unique_ptr<EtcdV3Client> m_client;
    std::unique_ptr<QProcess> m_registrar;
    quint16 m_keptPort = 0; // the container left running across a registrar's death
    QByteArray m_log;       // what the registrars printed, also forwarded to the test's output
};

void TestRegistrar::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs these as root");
    QVERIFY2(QFile::exists(engineBinary()), qPrintable(engineBinary()));
    QCOMPARE(m_etcd.start(), QString());
    QCOMPARE(m_docker.start(), QString());
    QCOMPARE(m_docker.buildBackendImage(), QString());
    EtcdConfig c;
    c.endpoints = {m_etcd.clientUrl()};
    m_client = std::make_unique<EtcdV3Client>(c);
}

void TestRegistrar::cleanupTestCase()
{
    if (m_registrar) {
        m_registrar->kill();
        m_registrar->waitForFinished();
    }
}

std::unique_ptr<QProcess> TestRegistrar::startRegistrar()
{
    auto p = std::make_unique<QProcess>();
    p->setProcessChannelMode(QProcess::MergedChannels);
    QProcess* raw = p.get();
    connect(raw, &QProcess::readyReadStandardOutput, this, [this, raw] {
        const QByteArray out = raw->readAllStandardOutput();
        m_log += out;
        std::fwrite(out.constData(), 1, std::size_t(out.size()), stderr); // its log in the test's output
    });
    p->start(engineBinary(), {u"register"_s, u"--docker"_s, m_docker.host(), u"--etcd"_s, m_etcd.clientUrl(),
                              u"--prefix"_s, u"/reg/"_s, u"--ttl"_s, QString::number(Ttl)});
    if (!p->waitForStarted())
        return nullptr;
    return p;
}

QString TestRegistrar::runLabelled(const QString& name, const QString& key, const QString& address,
                                   quint16 publishPort)
{
    const QString port = publishPort ? QString::number(publishPort) : address.section(u':', -1);
    return m_docker.docker({u"run"_s, u"-d"_s, u"--name"_s, name, u"--label"_s,
                            u"io.lbdeck.backend="_s + name, u"--label"_s, u"io.lbdeck.key="_s + key,
                            u"--label"_s, u"io.lbdeck.address="_s + address, u"-p"_s,
                            u"%1:%2:80"_s.arg(Address, port), DockerDaemon::backendImage()});
}

std::optional<KeyValue> TestRegistrar::etcdKey(const QByteArray& key)
{
    auto snap =
        await<KvSnapshot>([&](QObject* ctx, Callback<KvSnapshot> cb) { m_client->getPrefix(key, ctx, cb); });
    if (!snap)
        return std::nullopt;
    for (const KeyValue& kv : snap->kvs) {
        if (kv.key == key)
            return kv;
    }
    return std::nullopt;
}

std::optional<QList<QByteArray>> TestRegistrar::allKeys()
{
    etcdv3::RangeOptions everything;
    everything.rangeEnd = QByteArray(1, '\0');
    everything.keysOnly = true;
    auto snap = await<KvSnapshot>([&](QObject* ctx, Callback<KvSnapshot> cb) {
        m_client->range(QByteArray(1, '\0'), everything, ctx, cb);
    });
    if (!snap)
        return std::nullopt;
    QList<QByteArray> keys;
    for (const KeyValue& kv : snap->kvs)
        keys << kv.key;
    return keys;
}

void TestRegistrar::keysOutsideThePrefixAreRefused()
{
    QVERIFY(m_registrar);
    // A sentinel outside the prefix, written by the test: the registrar must neither touch nor delete it.
    VERIFY_OK(
        await<qint64>([&](QObject* c, Callback<qint64> cb) { m_client->put("/other/kept", "1", 0, c, cb); }));
    struct Case
    {
        QString name;
        QByteArray key;
        QString logged; // what the refusal says
    };
    const QList<Case> refused{
        {u"reg-abs"_s, "/other/web-1",
         u"label io.lbdeck.key \"/other/web-1\" is outside the prefix /reg/ this "
         u"registrar writes under: name a key such as /reg/web-1"_s},
        {u"reg-dotdot"_s, "/reg/../other/web-2",
         u"label io.lbdeck.key \"/reg/../other/web-2\" has a \"..\" segment: this registrar writes only "
         u"plain paths under /reg/, such as /reg/web-1"_s},
        {u"reg-deep-dotdot"_s, "/reg/a/../../other/web-3",
         u"\"/reg/a/../../other/web-3\" has a \"..\" segment"_s},
        {u"reg-dot"_s, "/reg/./web-4", u"\"/reg/./web-4\" has a \".\" segment"_s},
        {u"reg-double"_s, "/reg//web-5", u"\"/reg//web-5\" has an empty segment"_s},
        {u"reg-sibling"_s, "/regx/web-6", u"\"/regx/web-6\" is outside the prefix /reg/"_s},
        {u"reg-itself"_s, "/reg/", u"\"/reg/\" ends with '/', a directory rather than a key"_s},
        {u"reg-relative"_s, "reg/web-7", u"\"reg/web-7\" is not an absolute path"_s},
        {u"reg-root"_s, "/", u"\"/\" ends with '/'"_s},
    };
    const qsizetype logBefore = m_log.size();
    for (const Case& c : refused) {
        QCOMPARE(runLabelled(c.name, QString::fromUtf8(c.key), u"%1:%2"_s.arg(Address).arg(freePort())),
                 QString());
    }
    // A good one started last: once it is in etcd, the registrar has seen all of them.
    QCOMPARE(runLabelled(u"reg-ok"_s, u"/reg/ok"_s, u"%1:%2"_s.arg(Address).arg(freePort())), QString());
    QTRY_VERIFY_WITH_TIMEOUT(etcdKey("/reg/ok").has_value(), 15000);
    const auto logLine = [&](const Case& c) {
        const QList<QByteArray> lines = m_log.mid(logBefore).split('\n');
        for (const QByteArray& line : lines) {
            if (line.contains(c.logged.toUtf8()))
                return line;
        }
        return QByteArray();
    };
    for (const Case& c : refused) {
        QTRY_VERIFY2_WITH_TIMEOUT(!logLine(c).isEmpty(), qPrintable(c.name), 5000);
        const QByteArray line = logLine(c);
        // "registrar: container reg-abs not registered, nothing written: label ..." (the name as
        // Docker spells it: with a '/' in a listing).
        QVERIFY2(line.contains("registrar: container ") &&
                     line.contains(c.name.toUtf8() + " not registered, "
                                                     "nothing written: label"),
                 line.constData());
        QVERIFY2(!etcdKey(c.key).has_value(), c.key.constData());
    }
    // The whole key space: the registrar wrote its one key, and nothing outside /reg/.
    const std::optional<QList<QByteArray>> keys = allKeys();
    QVERIFY(keys.has_value());
    QCOMPARE(*keys, (QList<QByteArray>{"/other/kept", "/reg/ok"}));
    QVERIFY(etcdKey("/reg/ok")->lease != 0);

    QStringList names{u"rm"_s, u"-f"_s, u"reg-ok"_s};
    for (const Case& c : refused)
        names << c.name;
    QCOMPARE(m_docker.docker(names), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!etcdKey("/reg/ok").has_value(), 5000);
    VERIFY_OK(
        await<qint64>([&](QObject* c, Callback<qint64> cb) { m_client->remove("/other/kept", c, cb); }));
    QCOMPARE(allKeys(), std::optional<QList<QByteArray>>(QList<QByteArray>{}));
}

// A container recorded as fenced (its backend was moved off its node while the node was lost)
// is never registered by the registrar on that node, even though it runs with valid labels; the
// record lifted, it is.
void TestRegistrar::fencedContainersAreNeverRegistered()
{
    QVERIFY(m_registrar); // the one startAndStopAreFollowed started
    const QByteArray fence = "/lbdeck-fenced/reg/node-r/reg-fenced";
    FenceRecord record{u"node-r"_s, u"reg-fenced"_s, "/reg/fenced", {}, u"node-s"_s, u"apache-8077"_s, {},
                       {}};
    VERIFY_OK(await<qint64>(
        [&](QObject* ctx, Callback<qint64> cb) { m_client->put(fence, record.toJson(), 0, ctx, cb); }));
    auto run = [this](const QString& name, quint16 port) {
        return m_docker.docker(
            {u"run"_s, u"-d"_s, u"--name"_s, name, u"--label"_s, u"io.lbdeck.backend="_s + name, u"--label"_s,
             u"io.lbdeck.key=/reg/"_s + name.mid(4), u"--label"_s,
             u"io.lbdeck.address=%1:%2"_s.arg(Address).arg(port), u"--label"_s, u"io.lbdeck.node=node-r"_s,
             u"-p"_s, u"%1:%2:80"_s.arg(Address).arg(port), DockerDaemon::backendImage()});
    };
    // Its fenced twin first, then one that is not: once that one is in etcd, the registrar has
    // seen both.
    QCOMPARE(run(u"reg-fenced"_s, freePort()), QString());
    QCOMPARE(run(u"reg-free"_s, freePort()), QString());
    QTRY_VERIFY_WITH_TIMEOUT(etcdKey("/reg/free").has_value(), 15000);
    QVERIFY(!etcdKey("/reg/fenced").has_value());
    QTRY_VERIFY2_WITH_TIMEOUT(m_log.contains("node-r/reg-fenced not registered: it is fenced"),
                              m_log.right(2000), 5000);
    // Still not after the registrar's next looks at Docker and at the fence records.
    // Still not once the registrar has seen it start again: Docker's events come in order, so a
    // container started after it and registered shows that the restart was handled.
    QCOMPARE(m_docker.docker({u"restart"_s, u"-t"_s, u"1"_s, u"reg-fenced"_s}), QString());
    QCOMPARE(run(u"reg-later"_s, freePort()), QString());
    QTRY_VERIFY_WITH_TIMEOUT(etcdKey("/reg/later").has_value(), 15000);
    QVERIFY(!etcdKey("/reg/fenced").has_value());

    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) { m_client->remove(fence, ctx, cb); }));
    QTRY_VERIFY_WITH_TIMEOUT(etcdKey("/reg/fenced").has_value(), 15000);
    QCOMPARE(m_docker.docker({u"rm"_s, u"-f"_s, u"reg-fenced"_s, u"reg-free"_s, u"reg-later"_s}), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!etcdKey("/reg/fenced").has_value() && !etcdKey("/reg/free").has_value() &&
                                 !etcdKey("/reg/later").has_value(),
                             5000);
}

void TestRegistrar::startAndStopAreFollowed()
{
    m_registrar = startRegistrar();
    QVERIFY(m_registrar);
    const quint16 port = freePort();
    const QString address = u"%1:%2"_s.arg(Address).arg(port);
    // A label that would smuggle nginx syntax is never written.
    QCOMPARE(runLabelled(u"reg-bad"_s, u"/reg/bad"_s, Address + u":1;"_s, freePort()), QString());
    QCOMPARE(runLabelled(u"reg-x"_s, u"/reg/x"_s, address), QString());
    QTRY_VERIFY_WITH_TIMEOUT(etcdKey("/reg/x").has_value(), 15000);
    const KeyValue kv = *etcdKey("/reg/x");
    QCOMPARE(kv.value, address.toUtf8());
    QVERIFY(kv.lease != 0);
    QVERIFY(!etcdKey("/reg/bad").has_value());

    QCOMPARE(m_docker.docker({u"stop"_s, u"-t"_s, u"1"_s, u"reg-x"_s}), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!etcdKey("/reg/x").has_value(), 5000);
    // Started again (same container, same labels): registered again on the same lease.
    QCOMPARE(m_docker.docker({u"start"_s, u"reg-x"_s}), QString());
    QTRY_VERIFY_WITH_TIMEOUT(etcdKey("/reg/x").has_value(), 10000);
    QCOMPARE(etcdKey("/reg/x")->lease, kv.lease);
    QCOMPARE(m_docker.docker({u"rm"_s, u"-f"_s, u"reg-x"_s, u"reg-bad"_s}), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!etcdKey("/reg/x").has_value(), 5000);
}

void TestRegistrar::killedRegistrarLetsTheKeysExpire()
{
    QVERIFY(m_registrar);
    m_keptPort = freePort();
    QCOMPARE(runLabelled(u"reg-y"_s, u"/reg/y"_s, u"%1:%2"_s.arg(Address).arg(m_keptPort)), QString());
    QTRY_VERIFY_WITH_TIMEOUT(etcdKey("/reg/y").has_value(), 15000);
    ::kill(pid_t(m_registrar->processId()), SIGKILL);
    QVERIFY(m_registrar->waitForFinished(5000));
    QElapsedTimer sinceKill;
    sinceKill.start();
    m_registrar.reset();
    // Nobody deleted it: the lease still had at least 2/3 of its TTL when the process died.
    QVERIFY(etcdKey("/reg/y").has_value());
    QTRY_VERIFY_WITH_TIMEOUT(!etcdKey("/reg/y").has_value(), (Ttl + 2) * 1000);
    qInfo("key gone %lld ms after SIGKILL (TTL %d s)", sinceKill.elapsed(), Ttl);
}

void TestRegistrar::restartRegistersWhatRunsAndSurvivesALostLease()
{
    QVERIFY(m_keptPort != 0);
    QVERIFY(!etcdKey("/reg/y").has_value());
    m_registrar = startRegistrar();
    QVERIFY(m_registrar);
    QTRY_VERIFY_WITH_TIMEOUT(etcdKey("/reg/y").has_value(), 15000);
    const KeyValue kv = *etcdKey("/reg/y");
    QCOMPARE(kv.value, u"%1:%2"_s.arg(Address).arg(m_keptPort).toUtf8());
    QVERIFY(kv.lease != 0);

    // The lease taken away behind its back (what an etcd that lost its data looks like): the next
    // keepalive notices, a new lease is granted and the key written again.
    VERIFY_OK(await<void>([&](QObject* c, Callback<void> cb) { m_client->leaseRevoke(kv.lease, c, cb); }));
    QTRY_VERIFY_WITH_TIMEOUT(etcdKey("/reg/y").has_value() && etcdKey("/reg/y")->lease != kv.lease,
                             (Ttl + 3) * 1000);
    const qint64 newLease = etcdKey("/reg/y")->lease;
    QVERIFY(newLease != 0 && newLease != kv.lease);
}

void TestRegistrar::etcdRestartIsRiddenOut()
{
    QVERIFY(m_registrar);
    QVERIFY(etcdKey("/reg/y").has_value());
    // Down for longer than the TTL: keepalives fail meanwhile. etcd renews its leases when it elects
    // a leader, so the old lease may live on, or be gone and replaced: either way the key must be
    // there again and stay, kept alive.
    m_etcd.kill();
    QTest::qWait((Ttl + 1) * 1000);
    QCOMPARE(m_etcd.start(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(etcdKey("/reg/y").has_value(), 15000);
    QTest::qWait(Ttl * 2 * 1000);
    const std::optional<KeyValue> kv = etcdKey("/reg/y");
    QVERIFY(kv.has_value());
    QVERIFY(kv->lease != 0);
    QCOMPARE(m_registrar->state(), QProcess::Running);
}

void TestRegistrar::sigtermRevokesAtOnce()
{
    QVERIFY(m_registrar);
    QVERIFY(etcdKey("/reg/y").has_value());
    ::kill(pid_t(m_registrar->processId()), SIGTERM);
    QVERIFY(m_registrar->waitForFinished(10000));
    QCOMPARE(m_registrar->exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_registrar->exitCode(), 0);
    m_registrar.reset();
    QVERIFY(!etcdKey("/reg/y").has_value()); // at once, not after the TTL
    QCOMPARE(m_docker.docker({u"rm"_s, u"-f"_s, u"reg-y"_s}), QString());
}

QTEST_GUILESS_MAIN(TestRegistrar)
#include "TestRegistrar.moc"
