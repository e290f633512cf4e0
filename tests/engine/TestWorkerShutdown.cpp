// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// worker_shutdown_timeout in the built-in template: 100 reloads with at least 50 requests held open
// through nginx (to a backend that never answers), and the old worker generations they keep alive
// stay within the bound the timeout gives; /status reports them with their count and age.
#include "EngineFixture.h"
#include "core/engine/ConfigRenderer.h"
#include "core/engine/Engine.h"
#include "core/engine/NginxProcesses.h"
#include "core/engine/StatusServer.h"
#include "core/etcd/EtcdV3Client.h"
#include "core/http/HttpClient.h"
#include "tests/support/Await.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

constexpr int ShutdownTimeoutS = 2;
constexpr int Reloads = 100;
constexpr int MinHeld = 50;
constexpr int NewPerReload = 5;
constexpr qint64 MinReloadIntervalMs = 200;
// A generation retired by a reload at t is gone by t + timeout + slack (nginx's timer, the exit);
// reloads come at least MinReloadIntervalMs apart, so at any moment the old generations still
// alive are those retired within the last timeout + slack: at most this many.
constexpr double SlackS = 1.0;
const int Bound = int(std::floor((ShutdownTimeoutS + SlackS) * 1000 / MinReloadIntervalMs)) + 1; // 16

// A backend that takes connections (the kernel completes them into the backlog) and never
// answers: every request proxied to it stays in flight.
int silentListener(quint16* port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 4096) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return -1;
    *port = ntohs(a.sin_port);
    return fd;
}

// A client with a request in flight through the balancer; -1 when it cannot connect.
int heldRequest(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        if (fd >= 0)
            ::close(fd);
        return -1;
    }
    const char request[] = "GET /held HTTP/1.1\r\nHost: lbdeck\r\n\r\n";
    if (::send(fd, request, sizeof request - 1, MSG_NOSIGNAL) != qsizetype(sizeof request - 1)) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Closes the clients nginx let go (the timeout closed their worker's connections); the rest stay.
void dropClosed(QList<int>& clients)
{
    for (qsizetype i = clients.size() - 1; i >= 0; --i) {
        pollfd p{clients[i], POLLIN | POLLRDHUP, 0};
        if (::poll(&p, 1, 0) > 0 && p.revents != 0) {
            ::close(clients[i]);
            clients.removeAt(i);
        }
    }
}

} // namespace

class TestWorkerShutdown : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void timeoutIsConfigurable();
    void oldGenerationsStayWithinTheBound();

private:
    Result<qint64> put(const QByteArray& k, const QByteArray& v)
    {
        return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { m_etcd->put(k, v, 0, ctx, cb); });
    }
    Result<qint64> remove(const QByteArray& k)
    {
        return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { m_etcd->remove(k, ctx, cb); });
    }

    EngineFixture m_f;
    std::unique_ptr<EtcdV3Client> m_etcd;
    std::unique_ptr<Engine> m_engine;
    int m_silent[2] = {-1, -1};
    quint16 m_silentPort[2] = {0, 0};
    QList<int> m_clients;
};

void TestWorkerShutdown::initTestCase()
{
    QCOMPARE(m_f.start(), QString());
    for (int i = 0; i < 2; ++i) {
        m_silent[i] = silentListener(&m_silentPort[i]);
        QVERIFY(m_silent[i] >= 0);
    }
    EtcdConfig c;
    c.endpoints = {m_f.etcd.clientUrl()};
    m_etcd = std::make_unique<EtcdV3Client>(c);
    VERIFY_OK(put("/test/silent", "127.0.0.1:" + QByteArray::number(m_silentPort[0])));
    EngineConfig config = m_f.engineConfig();
    config.nginx.workerShutdownTimeoutS = ShutdownTimeoutS;
    m_engine = std::make_unique<Engine>(config);
    VERIFY_OK(m_engine->start());
    QTRY_VERIFY_WITH_TIMEOUT(m_engine->ledger().total() >= 1, 15000);
    QVERIFY2(m_engine->ledger().entries().last().report.ok(),
             qPrintable(m_engine->ledger().entries().last().report.message));
    QFile conf(m_f.balancer.confPath());
    QVERIFY(conf.open(QIODevice::ReadOnly));
    QVERIFY(conf.readAll().contains("\nworker_shutdown_timeout 2s;\n"));
}

void TestWorkerShutdown::cleanupTestCase()
{
    for (int fd : std::as_const(m_clients))
        ::close(fd);
    m_engine.reset();
    for (int fd : m_silent) {
        if (fd >= 0)
            ::close(fd);
    }
}

// [nginx] worker_shutdown_timeout_s: 30 s unless set, 0 leaves the directive out.
void TestWorkerShutdown::timeoutIsConfigurable()
{
    auto rendered = [](const QByteArray& line) -> QString {
        Result<EngineConfig> c = EngineConfig::parse("[nginx]\ndest = \"/tmp/x.conf\"\n" + line, u"t.toml"_s);
        if (!c)
            return u"error: "_s + c.error().message;
        Result<ConfigRenderer> r = ConfigRenderer::builtin(c->nginx, false);
        return r ? r->parameters({}).value(u"WorkerShutdownTimeout"_s).toString() : r.error().message;
    };
    QCOMPARE(rendered({}), u"30s"_s);
    QCOMPARE(rendered("worker_shutdown_timeout_s = 2\n"), u"2s"_s);
    QCOMPARE(rendered("worker_shutdown_timeout_s = 0\n"), QString());
    QVERIFY(rendered("worker_shutdown_timeout_s = -1\n")
                .startsWith(u"error: [nginx] \"worker_shutdown_timeout_s\""_s));
    QVERIFY(ConfigRenderer::builtinTemplateText().contains(
        u"{{- if .WorkerShutdownTimeout}}\nworker_shutdown_timeout {{.WorkerShutdownTimeout}};\n{{- end}}"_s));
}

void TestWorkerShutdown::oldGenerationsStayWithinTheBound()
{
    const qint64 master = nginxprocs::masterPid(m_f.balancer.pidFile());
    QVERIFY(master > 0);
    int maxOld = 0;
    int minHeld = INT_MAX;
    int maxHeld = 0;
    double maxShuttingDownS = 0;
    QElapsedTimer run;
    run.start();
    QElapsedTimer sinceReload;
    for (int i = 0; i < Reloads; ++i) {
        // At least 50 requests in flight, some new on every generation, so that each old one has
        // connections that keep it alive until the timeout.
        dropClosed(m_clients);
        const int open = qMax<int>(NewPerReload, MinHeld - int(m_clients.size()));
        for (int n = 0; n < open; ++n) {
            const int fd = heldRequest(m_f.balancer.port());
            QVERIFY(fd >= 0);
            m_clients << fd;
        }
        QTest::qWait(20); // the current workers read the requests and proxy them
        minHeld = qMin(minHeld, int(m_clients.size()));
        maxHeld = qMax(maxHeld, int(m_clients.size()));
        if (sinceReload.isValid() && sinceReload.elapsed() < MinReloadIntervalMs)
            QTest::qWait(int(MinReloadIntervalMs - sinceReload.elapsed()));
        sinceReload.start();
        const qint64 before = m_engine->ledger().total();
        const QByteArray extra = "127.0.0.1:" + QByteArray::number(m_silentPort[1]);
        VERIFY_OK(i % 2 == 0 ? put("/test/extra", extra) : remove("/test/extra"));
        QTRY_VERIFY_WITH_TIMEOUT(m_engine->ledger().total() > before, 10000);
        QVERIFY2(m_engine->ledger().entries().last().report.ok(),
                 qPrintable(m_engine->ledger().entries().last().report.message));

        // What /proc says and what /status says, after every reload.
        const QList<nginxprocs::WorkerGeneration> generations = nginxprocs::workerGenerations(master);
        const int old = int(generations.size()) - 1;
        QVERIFY2(old <= Bound,
                 qPrintable(u"reload %1: %2 old generations, bound %3"_s.arg(i).arg(old).arg(Bound)));
        maxOld = qMax(maxOld, old);
        const QJsonObject nginx = m_engine->statusJson().value(u"nginx"_s).toObject();
        const int reported = nginx.value(u"oldGenerations"_s).toInt(-1);
        QVERIFY2(reported <= Bound, qPrintable(QString::number(reported)));
        QVERIFY2(std::abs(reported - old) <= 1, qPrintable(u"%1 vs %2"_s.arg(reported).arg(old)));
        if (generations.size() > 1)
            maxShuttingDownS = qMax(maxShuttingDownS, generations.first().shuttingDownS);
    }
    const double seconds = double(run.elapsed()) / 1000.0;
    qInfo("%d reloads in %.1f s; held requests %d to %d; old generations at most %d (bound %d); "
          "the oldest shutting down for %.1f s at most (timeout %d s)",
          Reloads, seconds, minHeld, maxHeld, maxOld, Bound, maxShuttingDownS, ShutdownTimeoutS);
    QVERIFY(minHeld >= MinHeld);
    // The held requests did keep old generations alive (else the bound proves nothing)...
    QVERIFY2(maxOld >= 3, qPrintable(QString::number(maxOld)));
    // ...and never for much longer than the timeout.
    QVERIFY2(maxShuttingDownS <= ShutdownTimeoutS + SlackS, qPrintable(QString::number(maxShuttingDownS)));

    // /status, as the endpoint serves it, lists them: old ones shutting down, with their age.
    StatusServer server(m_engine.get());
    auto port = server.listen(u"127.0.0.1:0"_s);
    VERIFY_OK(port);
    HttpClient client(HttpEndpoint::tcp(u"127.0.0.1"_s, *port));
    auto status = [&] {
        HttpRequest req;
        req.target = "/status";
        auto r =
            await<HttpResponse>([&](QObject* ctx, Callback<HttpResponse> cb) { client.send(req, ctx, cb); });
        return r && r->status == 200 ? QJsonDocument::fromJson(r->body).object().value(u"nginx"_s).toObject()
                                     : QJsonObject();
    };
    QJsonObject nginx = status();
    const QJsonArray listed = nginx.value(u"workerGenerations"_s).toArray();
    QVERIFY(!listed.isEmpty());
    QCOMPARE(nginx.value(u"oldGenerations"_s).toInt(), int(listed.size()) - 1);
    QCOMPARE(nginx.value(u"workerShutdownTimeoutS"_s).toInt(), ShutdownTimeoutS);
    QVERIFY2(listed.size() >= 2, "the last reload's predecessor still holds requests");
    for (qsizetype g = 0; g < listed.size(); ++g) {
        const QJsonObject gen = listed[g].toObject();
        QVERIFY(!gen.value(u"pids"_s).toArray().isEmpty());
        QVERIFY(gen.value(u"ageS"_s).toDouble() >= 0);
        QVERIFY(QDateTime::fromString(gen.value(u"startedAt"_s).toString(), Qt::ISODateWithMs).isValid());
        QCOMPARE(gen.value(u"shuttingDown"_s).toBool(), g + 1 < listed.size());
    }
    QVERIFY(listed.first().toObject().value(u"ageS"_s).toDouble() >
            listed.last().toObject().value(u"ageS"_s).toDouble());
    // Once reloads stop, every old generation is gone within the timeout.
    QTRY_COMPARE_WITH_TIMEOUT(status().value(u"oldGenerations"_s).toInt(-1), 0,
                              int((ShutdownTimeoutS + SlackS + 1) * 1000));
    QCOMPARE(status().value(u"workerGenerations"_s).toArray().size(), 1);
}

QTEST_GUILESS_MAIN(TestWorkerShutdown)
#include "TestWorkerShutdown.moc"
