// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The reconciler end to end, against real etcd and real nginx: the seed's two backends, then
// everything that must never take the site down.
#include "EngineFixture.h"
#include "core/engine/Engine.h"
#include "core/engine/LocalDeployer.h"
#include "core/engine/StatusServer.h"
#include "core/etcd/EtcdV3Client.h"
#include "core/http/HttpClient.h"
#include "tests/support/Await.h"
#include "tests/testbed/TcpProxy.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QScopeGuard>
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

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Values an attacker (or a broken script) could write into etcd, 10,000 of them, none of them a
// plain host:port.
QList<QByteArray> hostileValues()
{
    const QList<QByteArray> templates{
        "10.0.0.%1:80; } server { listen 6666; location / { proxy_pass http://evil; } ",
        "10.0.0.%1:80;\ninclude /etc/shadow;",
        "10.0.0.%1:80 backup",
        "10.0.0.%1:80 weight=1000",
        "\"10.0.0.%1:80\"",
        "10.0.0.%1:80#",
        "$remote_addr:%1",
        "10.0.0.%1:99999",
        "10.0.0.%1",
        "10.0.0.%1:",
        ":%1",
        "10.0.0.%1:80/path",
        "http://10.0.0.%1:80",
        "b\xc3\xa4"
        "cken%1.example:80",
        "10.0.0.%1:80\r\n",
        "\t10.0.0.%1:80",
        "10.0.0.%1:0",
        "[fe80::%1%eth0]:80",
        "300.1.2.%1:80",
        "{10.0.0.%1:80}",
    };
    QList<QByteArray> out;
    for (int i = 0; out.size() < 9990; ++i)
        out << QByteArray(templates[i % templates.size()]).replace("%1", QByteArray::number(i % 250 + 1));
    for (int i = 0; out.size() < 10000; ++i)
        out << QByteArray(4000 + i, 'a') + ":80"; // huge
    return out;
}

} // namespace

class TestEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void seedKeysReachBothBackends();
    void renderedFileMatchesTheGolden();
    void deletingOneKeySendsEverythingToTheOther();
    void unchangedRenderDoesNotReload();
    void hostileValuesNeverReachTheConfig();
    void unixSocketValueIsRejectedAndTheOthersStayLive();
    void configThatFailsNginxCheckIsNeverInstalled();
    void deletingEveryKeyKeepsTheLastGoodConfig();
    void emptyUpstreamCanAnswer502Instead();
    void etcdDownWritesNothingAndCatchesUpAfter();
    void statusEndpoint();
    void partitionedChangesAreAppliedAfterwards();

private:
    bool waitForEntries(qint64 total, int timeoutMs = 15000);

    EngineFixture m_f;
    std::unique_ptr<EtcdV3Client> m_etcd;
    std::unique_ptr<Engine> m_engine;
};

void TestEngine::init()
{
    if (!m_engine)
        return;
    // Each case starts from a settled engine: nothing of the previous case still on its way.
    QTRY_VERIFY_WITH_TIMEOUT(m_engine->isIdle(), 30000);
    QTest::qWait(100);
    QTRY_VERIFY(m_engine->isIdle());
}

bool TestEngine::waitForEntries(qint64 total, int timeoutMs)
{
    return QTest::qWaitFor([&] { return m_engine->ledger().total() >= total; }, timeoutMs);
}

void TestEngine::initTestCase()
{
    QCOMPARE(m_f.start(), QString());
    EtcdConfig c;
    c.endpoints = {m_f.etcd.clientUrl()};
    m_etcd = std::make_unique<EtcdV3Client>(c);
    VERIFY_OK(put(*m_etcd, "/test/apache-8001", "127.0.1.3:8001"));
    VERIFY_OK(put(*m_etcd, "/test/apache-8002", "127.0.1.2:8002"));
    m_engine = std::make_unique<Engine>(m_f.engineConfig());
    VERIFY_OK(m_engine->start());
    QVERIFY(waitForEntries(1));
    const LedgerEntry& first = m_engine->ledger().entries().last();
    QVERIFY2(first.report.ok(), qPrintable(first.report.message));
    QVERIFY(first.report.confirmed);
    QCOMPARE(first.added, (QStringList{u"127.0.1.2:8002"_s, u"127.0.1.3:8001"_s}));
}

void TestEngine::cleanupTestCase()
{
    m_engine.reset();
}

void TestEngine::seedKeysReachBothBackends()
{
    const QMap<QByteArray, int> seen = m_f.spread(40);
    QCOMPARE(seen.keys(), (QList<QByteArray>{"backend 8001", "backend 8002"}));
    QVERIFY(seen.value("backend 8001") >= 10 && seen.value("backend 8002") >= 10); // round robin
}

void TestEngine::renderedFileMatchesTheGolden()
{
    const QByteArray installed = readFile(m_f.balancer.confPath());
    const LedgerEntry& last = m_engine->ledger().entries().last();
    QCOMPARE(installed, m_f.golden(u"seed-builtin.golden"_s, last.revision, last.hash));
    // nginx itself says it runs exactly this config.
    QCOMPARE(LocalDeployer::fetchRunningConfigId(m_f.engineConfig().nginx.statusListen),
             last.hash.toLatin1() + ' ' + QByteArray::number(last.revision));
}

void TestEngine::deletingOneKeySendsEverythingToTheOther()
{
    const qint64 before = m_engine->ledger().total();
    VERIFY_OK(remove(*m_etcd, "/test/apache-8001"));
    QVERIFY(waitForEntries(before + 1));
    const LedgerEntry& e = m_engine->ledger().entries().last();
    QVERIFY2(e.report.ok(), qPrintable(e.report.message));
    QCOMPARE(e.removed, QStringList{u"127.0.1.3:8001"_s});
    QVERIFY2(e.diff.contains(u"-        server 127.0.1.3:8001;"_s), qPrintable(e.diff));
    QCOMPARE(m_f.spread(30), (QMap<QByteArray, int>{{"backend 8002", 30}}));
    VERIFY_OK(put(*m_etcd, "/test/apache-8001", "127.0.1.3:8001"));
    QVERIFY(waitForEntries(before + 2));
    QCOMPARE(m_f.spread(10).size(), 2);
}

void TestEngine::unchangedRenderDoesNotReload()
{
    const qint64 before = m_engine->ledger().total();
    const QList<qint64> workers = m_f.balancer.workerPids();
    // The same value again, and a key outside the prefix: new revisions, same config.
    VERIFY_OK(put(*m_etcd, "/test/apache-8001", "127.0.1.3:8001"));
    VERIFY_OK(put(*m_etcd, "/elsewhere/x", "y"));
    QTest::qWait(500);
    QCOMPARE(m_engine->ledger().total(), before);
    QCOMPARE(m_f.balancer.workerPids(), workers); // no HUP: same workers
}

void TestEngine::hostileValuesNeverReachTheConfig()
{
    const QByteArray configBefore = readFile(m_f.balancer.confPath());
    const qint64 entriesBefore = m_engine->ledger().total();
    const QList<QByteArray> values = hostileValues();
    QCOMPARE(values.size(), 10000);
    int done = 0;
    int failed = 0;
    QObject ctx;
    for (int i = 0; i < values.size(); ++i) {
        m_etcd->put("/test/hostile-" + QByteArray::number(i), values[i], 0, &ctx,
                    [&](const Result<qint64>& r) {
                        ++done;
                        failed += r.ok() ? 0 : 1;
                    });
    }
    QTRY_COMPARE_WITH_TIMEOUT(done, 10000, 120000);
    QCOMPARE(failed, 0);
    // Let the engine see all of them (one more key tells us it caught up), then compare.
    VERIFY_OK(put(*m_etcd, "/test/zz-marker", "not an address"));
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            int rejected = 0;
            for (const ValidatedSource& s : m_engine->validated())
                rejected += int(s.rejected.size());
            return rejected == 10001;
        }(),
        30000);
    QCOMPARE(m_engine->ledger().total(), entriesBefore);       // not even a reload
    QCOMPARE(readFile(m_f.balancer.confPath()), configBefore); // byte-identical
    const QJsonObject status = m_engine->statusJson();
    QCOMPARE(status[u"backends"_s].toObject()[u"rejected"_s].toArray().size(), 10001);
    QCOMPARE(status[u"backends"_s].toObject()[u"accepted"_s].toArray().size(), 2);
    const QJsonObject firstRejected =
        status[u"backends"_s].toObject()[u"rejected"_s].toArray().first().toObject();
    QVERIFY(firstRejected[u"key"_s].toString().startsWith(u"/test/hostile-"_s));
    QVERIFY(!firstRejected[u"reason"_s].toString().isEmpty());
    QCOMPARE(m_f.spread(10).size(), 2); // and nginx still serves both backends

    QObject cleanup;
    int removed = 0;
    for (int i = 0; i < values.size(); ++i)
        m_etcd->remove("/test/hostile-" + QByteArray::number(i), &cleanup,
                       [&](const Result<qint64>&) { ++removed; });
    QTRY_COMPARE_WITH_TIMEOUT(removed, 10000, 120000);
    VERIFY_OK(remove(*m_etcd, "/test/zz-marker"));
}

void TestEngine::unixSocketValueIsRejectedAndTheOthersStayLive()
{
    const QByteArray configBefore = readFile(m_f.balancer.confPath());
    const qint64 entriesBefore = m_engine->ledger().total();
    VERIFY_OK(put(*m_etcd, "/test/apache-unix", "unix:8080"));
    StatusServer server(m_engine.get());
    auto port = server.listen(u"127.0.0.1:0"_s);
    VERIFY_OK(port);
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, *port));
    auto rejectedOnStatus = [&]() -> QJsonArray {
        HttpRequest req;
        req.target = "/status";
        auto r =
            await<HttpResponse>([&](QObject* ctx, Callback<HttpResponse> cb) { client.send(req, ctx, cb); });
        if (!r || r->status != 200)
            return {};
        return QJsonDocument::fromJson(r->body).object()[u"backends"_s].toObject()[u"rejected"_s].toArray();
    };
    QJsonArray rejected;
    QTRY_VERIFY_WITH_TIMEOUT((rejected = rejectedOnStatus()).size() == 1, 15000);
    const QJsonObject entry = rejected.first().toObject();
    QCOMPARE(entry[u"key"_s].toString(), u"/test/apache-unix"_s);
    QCOMPARE(entry[u"value"_s].toString(), u"unix:8080"_s);
    QCOMPARE(entry[u"reason"_s].toString(),
             u"not a backend address (host:port): \"unix:\" makes nginx read the rest as a unix socket "
             u"path, not a host: write host:port, e.g. 10.0.0.1:8080"_s);
    // The other backends stay live: no render, the same file, both still answering.
    QCOMPARE(m_engine->ledger().total(), entriesBefore);
    const QByteArray config = readFile(m_f.balancer.confPath());
    QCOMPARE(config, configBefore);
    QVERIFY(!config.contains("unix:"));
    const QMap<QByteArray, int> seen = m_f.spread(20);
    QCOMPARE(seen.keys(), (QList<QByteArray>{"backend 8001", "backend 8002"}));

    // A later good change still applies next to the refused key.
    VERIFY_OK(remove(*m_etcd, "/test/apache-8002"));
    QVERIFY(waitForEntries(entriesBefore + 1));
    QVERIFY2(m_engine->ledger().entries().last().report.ok(),
             qPrintable(m_engine->ledger().entries().last().report.message));
    QCOMPARE(m_f.spread(10), (QMap<QByteArray, int>{{"backend 8001", 10}}));
    VERIFY_OK(put(*m_etcd, "/test/apache-8002", "127.0.1.2:8002"));
    QVERIFY(waitForEntries(entriesBefore + 2));
    VERIFY_OK(remove(*m_etcd, "/test/apache-unix"));
    QTRY_VERIFY_WITH_TIMEOUT(rejectedOnStatus().isEmpty(), 15000);
    QCOMPARE(m_f.spread(10).size(), 2);
}

void TestEngine::configThatFailsNginxCheckIsNeverInstalled()
{
    const QByteArray good = readFile(m_f.balancer.confPath());
    const QList<qint64> workers = m_f.balancer.workerPids();
    QTemporaryDir dir;
    const QString broken = dir.filePath(u"broken.tmpl"_s);
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(ConfigRenderer::builtinTemplateText()
                .replace(u"access_log off;"_s, u"access_log off;\n    this_is_not_nginx on;"_s)
                .toUtf8());
    f.close();
    EngineConfig config = m_f.engineConfig();
    config.nginx.templateFile = broken;
    VERIFY_OK(m_engine->reconfigure(config));
    const qint64 before = m_engine->ledger().total();
    VERIFY_OK(put(*m_etcd, "/test/apache-8003", "127.0.1.4:8003"));
    QVERIFY(waitForEntries(before + 1));
    const LedgerEntry& e = m_engine->ledger().entries().last();
    QCOMPARE(e.report.outcome, DeployReport::Outcome::CheckFailed);
    QVERIFY2(e.report.message.contains(u"this_is_not_nginx"_s), qPrintable(e.report.message));
    QVERIFY(e.report.hupAtMs == 0); // no HUP
    QCOMPARE(readFile(m_f.balancer.confPath()), good);
    QCOMPARE(m_f.balancer.workerPids(), workers);
    QCOMPARE(m_f.spread(50).keys(), (QList<QByteArray>{"backend 8001", "backend 8002"})); // nothing failed
    QVERIFY(m_engine->recentErrors().last().contains(u"this_is_not_nginx"_s));
    // The fix goes out with the next render: a failure does not stop later updates.
    VERIFY_OK(m_engine->reconfigure(m_f.engineConfig()));
    QVERIFY(waitForEntries(before + 2));
    QVERIFY2(m_engine->ledger().entries().last().report.ok(),
             qPrintable(m_engine->ledger().entries().last().report.message));
    QCOMPARE(m_engine->ledger().entries().last().added, QStringList{u"127.0.1.4:8003"_s});
    VERIFY_OK(remove(*m_etcd, "/test/apache-8003"));
    QVERIFY(waitForEntries(before + 3));
    QVERIFY(m_engine->ledger().entries().last().report.ok());
}

void TestEngine::deletingEveryKeyKeepsTheLastGoodConfig()
{
    const QByteArray good = readFile(m_f.balancer.confPath());
    const qint64 before = m_engine->ledger().total();
    QSignalSpy alerts(m_engine.get(), &Engine::alert);
    // Every key at once (one revision), as `etcdctl del --prefix /test/` does.
    VERIFY_OK(
        await<qint64>([&](QObject* ctx, Callback<qint64> cb) { m_etcd->removePrefix("/test/", ctx, cb); }));
    QTRY_VERIFY(alerts.size() >= 1);
    QVERIFY2(alerts.last().first().toString().contains(u"keeping the last good config"_s),
             qPrintable(alerts.last().first().toString()));
    QTest::qWait(200);
    QCOMPARE(m_engine->ledger().total(), before);
    QCOMPARE(readFile(m_f.balancer.confPath()), good);
    QCOMPARE(m_f.spread(20), (QMap<QByteArray, int>{{"backend 8001", 10}, {"backend 8002", 10}}));
    QVERIFY(!readFile(m_f.balancer.errorLog()).contains("no servers are inside upstream"));
}

void TestEngine::emptyUpstreamCanAnswer502Instead()
{
    EngineConfig config = m_f.engineConfig();
    config.emptyUpstreamDown = true;
    const qint64 before = m_engine->ledger().total();
    VERIFY_OK(m_engine->reconfigure(config));
    VERIFY_OK(put(*m_etcd, "/test/apache-8001", "not valid")); // a change, still no valid backend
    QVERIFY(waitForEntries(before + 1));
    QVERIFY2(m_engine->ledger().entries().last().report.ok(),
             qPrintable(m_engine->ledger().entries().last().report.message));
    QVERIFY(readFile(m_f.balancer.confPath()).contains("server 127.0.0.1:1 down;"));
    const QMap<QByteArray, int> seen = m_f.spread(5);
    QVERIFY2(seen.contains("error 502"), qPrintable(QString::fromUtf8(seen.keys().join(','))));
    // Back to the default and the seed's backends.
    VERIFY_OK(m_engine->reconfigure(m_f.engineConfig()));
    VERIFY_OK(put(*m_etcd, "/test/apache-8001", "127.0.1.3:8001"));
    VERIFY_OK(put(*m_etcd, "/test/apache-8002", "127.0.1.2:8002"));
    QTRY_VERIFY(m_engine->isIdle());
    QTRY_COMPARE(m_f.spread(4).size(), 2);
}

void TestEngine::etcdDownWritesNothingAndCatchesUpAfter()
{
    const QByteArray before = readFile(m_f.balancer.confPath());
    const QDateTime mtime = QFileInfo(m_f.balancer.confPath()).lastModified();
    const qint64 entries = m_engine->ledger().total();
    const int downSeconds = qEnvironmentVariableIntValue("LBDECK_ETCD_DOWN_SECONDS") > 0
                                ? qEnvironmentVariableIntValue("LBDECK_ETCD_DOWN_SECONDS")
                                : 30;
    m_f.etcd.kill();
    auto restart = qScopeGuard([this] {
        if (!m_f.etcd.isRunning())
            (void)m_f.etcd.start();
    });
    QTest::qWait(downSeconds * 1000);
    QCOMPARE(m_engine->ledger().total(), entries);
    QCOMPARE(readFile(m_f.balancer.confPath()), before);
    QCOMPARE(QFileInfo(m_f.balancer.confPath()).lastModified(), mtime);
    QCOMPARE(m_f.spread(10).size(), 2); // nginx never noticed
    QCOMPARE(m_f.etcd.start(), QString());
    VERIFY_OK(remove(*m_etcd, "/test/apache-8002"));
    QVERIFY(waitForEntries(entries + 1, 20000));
    QCOMPARE(m_f.spread(10), (QMap<QByteArray, int>{{"backend 8001", 10}}));
    VERIFY_OK(put(*m_etcd, "/test/apache-8002", "127.0.1.2:8002"));
    QVERIFY(waitForEntries(entries + 2));
}

void TestEngine::partitionedChangesAreAppliedAfterwards()
{
    // The engine reaches etcd through a proxy that the test cuts: etcd stays up and takes changes
    // the engine cannot see until the partition heals.
    m_engine.reset(); // one engine per nginx: this one replaces the engine of the other cases
    TcpProxy proxy(u"127.0.0.1"_s, m_f.etcd.clientPort());
    EngineConfig config = m_f.engineConfig();
    config.etcd.endpoints = {proxy.url()};
    Engine engine(config);
    VERIFY_OK(engine.start());
    QTRY_VERIFY(engine.statusJson()[u"sources"_s].toArray().first().toObject()[u"state"_s].toString() ==
                u"Live"_s);
    const qint64 entries = engine.ledger().total();
    proxy.cut();
    VERIFY_OK(remove(*m_etcd, "/test/apache-8001"));
    QTest::qWait(qEnvironmentVariableIntValue("LBDECK_ETCD_DOWN_SECONDS") > 0 ? 2000 : 30000);
    QCOMPARE(engine.ledger().total(), entries);
    QCOMPARE(m_f.spread(10).size(), 2);
    proxy.restore();
    QTRY_COMPARE_WITH_TIMEOUT(engine.ledger().total(), entries + 1, 20000);
    QVERIFY(engine.ledger().entries().last().report.ok());
    QCOMPARE(m_f.spread(10), (QMap<QByteArray, int>{{"backend 8002", 10}}));
    VERIFY_OK(put(*m_etcd, "/test/apache-8001", "127.0.1.3:8001"));
    QTRY_COMPARE(engine.ledger().total(), entries + 2);
}

void TestEngine::statusEndpoint()
{
    StatusServer server(m_engine.get());
    auto port = server.listen(u"127.0.0.1:0"_s);
    VERIFY_OK(port);
    // The server lives on this thread: ask it asynchronously.
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, *port));
    auto get = [&](const QByteArray& path, QByteArray* out) {
        HttpRequest req;
        req.target = path;
        auto r =
            await<HttpResponse>([&](QObject* ctx, Callback<HttpResponse> cb) { client.send(req, ctx, cb); });
        if (!r)
            return -1;
        *out = r->body;
        return r->status;
    };
    QByteArray body;
    QCOMPARE(get("/status", &body), 200);
    const QJsonObject status = QJsonDocument::fromJson(body).object();
    QCOMPARE(status[u"sources"_s].toArray().first().toObject()[u"prefix"_s].toString(), u"/test/"_s);
    QCOMPARE(status[u"config"_s].toObject()[u"hash"_s].toString(), m_engine->currentHash());
    QVERIFY(status[u"ledger"_s].toArray().size() >= 3);
    QCOMPARE(status[u"backends"_s].toObject()[u"accepted"_s].toArray().size(), 2);
    QVERIFY(status.contains(u"lastReload"_s));
    QCOMPARE(get("/config", &body), 200);
    QCOMPARE(body, readFile(m_f.balancer.confPath()));
    QCOMPARE(get("/metrics", &body), 200);
    QVERIFY(body.contains("lbdeck_engine_reloads_total{outcome=\"applied\"}"));
    QVERIFY(body.contains("lbdeck_engine_reloads_total{outcome=\"check_failed\"} 1"));
    QVERIFY(body.contains("lbdeck_engine_source_up{prefix=\"/test/\"} 1"));
}

QTEST_GUILESS_MAIN(TestEngine)
#include "TestEngine.moc"
