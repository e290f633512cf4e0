// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// lbdeck-engine as deployed (its own process, a TOML config) counting real traffic: nginx balancing
// two real backends, Debian's tcpdump on the same interface and filter, and each backend's own
// access log as the judges of GET /traffic, /traffic/lines and /metrics.
#include "core/cluster/DrainWatch.h"
#include "core/cluster/RemoteEngineLink.h"
#include "core/http/HttpEndpoint.h"
#include "tests/testbed/EtcdServer.h"
#include "tests/testbed/NginxServer.h"
#include "tests/testbed/PrivateNetwork.h"
#include "tests/testbed/TestProcess.h"
#include "tests/traffic/TcpdumpTool.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

constexpr int Requests = 500;
const QString AddressA = u"127.0.1.31"_s;
const QString AddressB = u"127.0.1.32"_s;

QString engineBinary()
{
    return qEnvironmentVariable("LBDECK_BINARY_DIR") + u"/app/lbdeck-engine"_s;
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

QJsonObject upstreamIn(const QJsonObject& traffic, const QString& key)
{
    for (const QJsonValue& v : traffic.value(u"upstreams"_s).toArray())
        if (v.toObject().value(u"address"_s).toString() == key)
            return v.toObject();
    return {};
}

qint64 packets(const QJsonObject& row)
{
    return row.value(u"to"_s).toObject().value(u"packets"_s).toInteger() +
           row.value(u"from"_s).toObject().value(u"packets"_s).toInteger();
}

// A backend that holds every answer for `delay`: a request to it stays in flight that long.
class SlowBackend : public QObject
{
public:
    explicit SlowBackend(std::chrono::milliseconds delay)
        : m_delay(delay)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                s->setParent(this);
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    if (!s->readAll().isEmpty() && !s->property("answering").toBool()) {
                        s->setProperty("answering", true);
                        QTimer::singleShot(m_delay, s, [this, s] {
                            s->write(
                                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nslow\n");
                            s->disconnectFromHost();
                            ++answered;
                        });
                    }
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    bool listen(const QString& ip, quint16 port) { return m_server.listen(QHostAddress(ip), port); }
    int answered = 0;

private:
    QTcpServer m_server;
    std::chrono::milliseconds m_delay;
};

// A GET through nginx that does not block the event loop; `body` is what came back once done.
struct AsyncGet
{
    QTcpSocket socket;
    QByteArray response;
    bool done = false;
    void start(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [this] { response += socket.readAll(); });
        QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [this] {
            response += socket.readAll();
            done = true;
        });
        QObject::connect(&socket, &QTcpSocket::connected, &socket,
                         [this] { socket.write("GET / HTTP/1.0\r\nHost: lb\r\n\r\n"); });
        socket.connectToHost(u"127.0.0.1"_s, port);
    }
};

} // namespace

class TestTrafficEngine : public QObject
{
    Q_OBJECT
public:
    void setSetupError(const QString& error) { m_setupError = error; }

private Q_SLOTS:
    void initTestCase();
    void countsEveryRequestLikeTcpdumpAndTheBackends();
    void withoutCaptureRightsNamesTheGrantAndStillCountsRequests();
    void drainWaitsForTheLastFlowOfARemovedBackend();
    void exportedCaptureReadsBackWithTcpdump();

private:
    // Starts an engine with a config of this name, its status on *statusPort; `wrapper` runs it
    // (setpriv ...). Done when nginx runs its config with both backends. "" or what failed.
    QString startEngine(TestProcess& engine, const QString& name, quint16* statusPort,
                        const QStringList& wrapper = {});
    QString config(const QString& name, quint16 statusPort) const;
    QJsonObject traffic(quint16 statusPort) const;
    qsizetype servedBy(const QString& address) const;
    bool put(const QByteArray& key, const QByteArray& value) const;

    QString m_setupError;
    QTemporaryDir m_dir;
    EtcdServer m_etcd;
    NginxServer m_backends;
    NginxServer m_balancer;
    quint16 m_nginxStatusPort = 0;
    QString m_keyA, m_keyB;
};

void TestTrafficEngine::initTestCase()
{
    if (!isRoot())
        QSKIP("live capture and tcpdump -i lo need root (CAP_NET_RAW); CI runs as root");
    QCOMPARE(m_setupError, QString());
    QVERIFY(QFile::exists(engineBinary()));
    QVERIFY(QFile::exists(QString::fromLatin1(lbdeck::traffic::test::TcpdumpPath)));
    QVERIFY(m_dir.isValid());
    QCOMPARE(m_etcd.start(), QString());
    // Both backends on one port (two addresses), each with its own access log: what it served.
    QCOMPARE(m_backends.start(u"server { listen 127.0.0.1:@PORT@; location / { return 200 \"up\\n\"; } }\n"
                              u"server { listen %1:@PORT@; access_log @PREFIX@/logs/a.log;\n"
                              u"  location / { return 200 \"a\\n\"; } }\n"
                              u"server { listen %2:@PORT@; access_log @PREFIX@/logs/b.log;\n"
                              u"  location / { return 200 \"b\\n\"; } }\n"_s.arg(AddressA, AddressB)),
             QString());
    QCOMPARE(
        m_balancer.start(u"server { listen 127.0.0.1:@PORT@; location / { return 200 \"before\\n\"; } }"_s),
        QString());
    m_nginxStatusPort = freePort();
    m_keyA = u"%1:%2"_s.arg(AddressA).arg(m_backends.port());
    m_keyB = u"%1:%2"_s.arg(AddressB).arg(m_backends.port());
    QVERIFY(put("/lbt/a", m_keyA.toLatin1()));
    QVERIFY(put("/lbt/b", m_keyB.toLatin1()));
}

bool TestTrafficEngine::put(const QByteArray& key, const QByteArray& value) const
{
    return runCommand(u"/usr/bin/etcdctl"_s, {u"--endpoints"_s, m_etcd.clientUrl(), u"put"_s,
                                              QString::fromLatin1(key), QString::fromLatin1(value)})
        .isEmpty();
}

QString TestTrafficEngine::config(const QString& name, quint16 statusPort) const
{
    const QString text =
        u"[etcd]\nendpoints = [\"%1\"]\n\n[[source]]\nprefix = \"/lbt/\"\nkind = \"backends\"\n\n"
        u"[engine]\nstatus_listen = \"127.0.0.1:%2\"\nquiet_ms = 5\n\n"
        u"[nginx]\ndest = \"%3\"\nprefix = \"%4\"\npid_file = \"%5\"\nerror_log = \"%6\"\n"
        u"temp_dir = \"%4/tmp\"\nuser = \"root\"\nlisten = \"127.0.0.1:%7\"\nstatus_listen = "
        u"\"127.0.0.1:%8\"\n\n"
        u"[traffic]\ninterface = \"lo\"\naccess_log_socket = \"%9\"\n"_s.arg(m_etcd.clientUrl())
            .arg(statusPort)
            .arg(m_balancer.confPath(), m_balancer.prefix(), m_balancer.pidFile(), m_balancer.errorLog())
            .arg(m_balancer.port())
            .arg(m_nginxStatusPort)
            .arg(m_dir.filePath(name + u".sock"_s));
    const QString path = m_dir.filePath(name + u".toml"_s);
    return writeFile(path, text.toUtf8()) ? path : QString();
}

QString TestTrafficEngine::startEngine(TestProcess& engine, const QString& name, quint16* statusPort,
                                       const QStringList& wrapper)
{
    *statusPort = freePort();
    QStringList args = wrapper;
    args << engineBinary() << u"-c"_s << config(name, *statusPort);
    const QString program = args.takeFirst();
    if (!engine.start(program, args, m_dir.filePath(name + u".log"_s)))
        return engine.error();
    const bool up = waitUntil(
        [&] {
            const QJsonObject t = traffic(*statusPort);
            return upstreamIn(t, m_keyA).value(u"state"_s) == u"registered"_s &&
                   upstreamIn(t, m_keyB).value(u"state"_s) == u"registered"_s &&
                   httpGet(u"127.0.0.1"_s, m_balancer.port(), "/") == 200;
        },
        std::chrono::seconds(20));
    return up ? QString() : u"engine did not come up: "_s + engine.logTail();
}

QJsonObject TestTrafficEngine::traffic(quint16 statusPort) const
{
    QByteArray body;
    if (httpGet(u"127.0.0.1"_s, statusPort, "/traffic", &body, 3000) != 200)
        return {};
    return QJsonDocument::fromJson(body).object();
}

qsizetype TestTrafficEngine::servedBy(const QString& address) const
{
    QFile log(m_backends.prefix() + (address == AddressA ? u"/logs/a.log"_s : u"/logs/b.log"_s));
    return log.open(QIODevice::ReadOnly) ? log.readAll().count('\n') : 0;
}

void TestTrafficEngine::countsEveryRequestLikeTcpdumpAndTheBackends()
{
    TestProcess engine;
    quint16 statusPort = 0;
    const QString error = startEngine(engine, u"engine"_s, &statusPort);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonObject before = traffic(statusPort);
    const QJsonObject capture = before.value(u"capture"_s).toObject();
    QVERIFY2(capture.value(u"running"_s).toBool(), qPrintable(capture.value(u"error"_s).toString()));
    QCOMPARE(capture.value(u"interface"_s).toString(), u"lo"_s);
    QVERIFY2(before.value(u"libpcap"_s).toString().startsWith(u"libpcap version "_s),
             qPrintable(before.value(u"libpcap"_s).toString()));
    QVERIFY(before.value(u"accessLog"_s).toObject().value(u"listening"_s).toBool());
    // Coarse: the backends' port and nginx's own (for the clients); on lo, incoming copies only.
    const QString filter =
        u"tcp and (port %1 or port %2)"_s.arg(std::min(m_backends.port(), m_balancer.port()))
            .arg(std::max(m_backends.port(), m_balancer.port()));
    QCOMPARE(capture.value(u"filter"_s).toString(), u"inbound and "_s + filter);

    // Debian's tcpdump on the same interface with the same ports (-Z root: our 0700 temp dir). Not
    // "inbound": libpcap drops lo's outgoing copies itself, and the packets it re-filters in user
    // space after pcap_setfilter (its first one, here) it cannot test for direction, so would lose.
    const QString file = m_dir.filePath(u"tcpdump.pcap"_s);
    TestProcess tcpdump;
    QVERIFY(tcpdump.start(QString::fromLatin1(lbdeck::traffic::test::TcpdumpPath),
                          {u"-i"_s, u"lo"_s, u"-n"_s, u"-s"_s, u"128"_s, u"-Z"_s, u"root"_s,
                           u"--immediate-mode"_s, u"-U"_s, u"-w"_s, file, filter},
                          m_dir.filePath(u"tcpdump.log"_s)));
    QVERIFY2(
        waitUntil([&] { return tcpdump.logTail().contains(u"listening on lo"_s) || !tcpdump.isRunning(); },
                  std::chrono::seconds(10)),
        qPrintable(tcpdump.logTail()));
    // The baseline once the meter has caught up with what came before (it reads the kernel's ring
    // every 50 ms): every request nginx logged for a backend is one connection to it, all closed.
    QJsonObject start;
    const auto caughtUp = [&] {
        start = traffic(statusPort);
        for (const QString& key : {m_keyA, m_keyB}) {
            const QJsonObject row = upstreamIn(start, key);
            if (row.value(u"connections"_s).toInteger() !=
                    row.value(u"l7"_s).toObject().value(u"requests"_s).toInteger() ||
                row.value(u"open"_s).toInteger() != 0)
                return false;
        }
        return true;
    };
    QVERIFY(waitUntil(caughtUp, std::chrono::seconds(5)));
    const qsizetype servedA0 = servedBy(AddressA), servedB0 = servedBy(AddressB);

    QElapsedTimer clock;
    clock.start();
    QHash<QByteArray, int> bodies;
    for (int i = 0; i < Requests; ++i) {
        QByteArray body;
        ++bodies[httpGet(u"127.0.0.1"_s, m_balancer.port(), "/", &body, 3000) == 200 ? body.trimmed()
                                                                                     : "error"];
    }
    QCOMPARE(bodies.value("error"), 0);
    qInfo("%d requests through nginx in %lld ms", Requests, clock.elapsed());
    // While it captures, the engine has no child process: no tcpdump, no helper.
    QCOMPARE(childPids(engine.pid()), QSet<qint64>());

    const auto delta = [&](const QJsonObject& now, const QString& key, const QString& field) {
        return upstreamIn(now, key).value(field).toInteger() -
               upstreamIn(start, key).value(field).toInteger();
    };
    QJsonObject end;
    const auto settled = [&] {
        end = traffic(statusPort);
        return delta(end, m_keyA, u"connections"_s) + delta(end, m_keyB, u"connections"_s) == Requests &&
               upstreamIn(end, m_keyA).value(u"open"_s).toInteger() == 0 &&
               upstreamIn(end, m_keyB).value(u"open"_s).toInteger() == 0 &&
               end.value(u"accessLog"_s).toObject().value(u"requests"_s).toInteger() >=
                   start.value(u"accessLog"_s).toObject().value(u"requests"_s).toInteger() + Requests;
    };
    QVERIFY2(waitUntil(settled, std::chrono::seconds(10)),
             qPrintable(u"connections %1 + %2, open %3 + %4, access-log requests %5 (from %6)"_s
                            .arg(delta(end, m_keyA, u"connections"_s))
                            .arg(delta(end, m_keyB, u"connections"_s))
                            .arg(upstreamIn(end, m_keyA).value(u"open"_s).toInteger())
                            .arg(upstreamIn(end, m_keyB).value(u"open"_s).toInteger())
                            .arg(end.value(u"accessLog"_s).toObject().value(u"requests"_s).toInteger())
                            .arg(start.value(u"accessLog"_s).toObject().value(u"requests"_s).toInteger())));

    // Connections sum to N and split as round-robin does.
    const qint64 connA = delta(end, m_keyA, u"connections"_s), connB = delta(end, m_keyB, u"connections"_s);
    qInfo("connections: %s %lld, %s %lld", qPrintable(m_keyA), connA, qPrintable(m_keyB), connB);
    QCOMPARE(connA + connB, qint64(Requests));
    QCOMPARE(connA, qint64(Requests / 2));
    QCOMPARE(bodies.value("a"), Requests / 2);

    // Layer 7: what nginx logged per upstream equals what each backend served.
    const auto l7 = [&](const QString& key) {
        return upstreamIn(end, key).value(u"l7"_s).toObject().value(u"requests"_s).toInteger() -
               upstreamIn(start, key).value(u"l7"_s).toObject().value(u"requests"_s).toInteger();
    };
    QCOMPARE(l7(m_keyA), qint64(servedBy(AddressA) - servedA0));
    QCOMPARE(l7(m_keyB), qint64(servedBy(AddressB) - servedB0));
    QCOMPARE(l7(m_keyA), qint64(Requests / 2));
    QCOMPARE(upstreamIn(end, m_keyA).value(u"l7"_s).toObject().value(u"2xx"_s).toInteger() -
                 upstreamIn(start, m_keyA).value(u"l7"_s).toObject().value(u"2xx"_s).toInteger(),
             qint64(Requests / 2));

    // Packets per backend equal tcpdump's in the same window: wait until its file has them all.
    QByteArray lines;
    const auto tcpdumpCount = [&lines](const QString& key) {
        return lbdeck::traffic::test::linesOf(lines, key);
    };
    const auto sameCounts = [&] {
        lines.clear();
        if (!lbdeck::traffic::test::runTcpdump({u"-q"_s, u"-n"_s, u"-r"_s, file}, u"UTC"_s, &lines).isEmpty())
            return false;
        end = traffic(statusPort);
        return packets(upstreamIn(end, m_keyA)) - packets(upstreamIn(start, m_keyA)) ==
                   tcpdumpCount(m_keyA) &&
               packets(upstreamIn(end, m_keyB)) - packets(upstreamIn(start, m_keyB)) == tcpdumpCount(m_keyB);
    };
    (void)waitUntil(sameCounts, std::chrono::seconds(5));
    tcpdump.stop();
    lines.clear();
    QCOMPARE(lbdeck::traffic::test::runTcpdump({u"-q"_s, u"-n"_s, u"-r"_s, file}, u"UTC"_s, &lines),
             QString());
    end = traffic(statusPort);
    for (const QString& key : {m_keyA, m_keyB}) {
        const qint64 ours = packets(upstreamIn(end, key)) - packets(upstreamIn(start, key));
        qInfo("%s: engine %lld packets, tcpdump %lld", qPrintable(key), ours, tcpdumpCount(key));
        QCOMPARE(ours, tcpdumpCount(key));
    }
    QCOMPARE(end.value(u"capture"_s).toObject().value(u"dropped"_s).toInteger(), 0);
    QVERIFY(upstreamIn(end, m_keyA).value(u"rtt"_s).toObject().value(u"count"_s).toInteger() >= Requests / 2);

    // The front side: this test is nginx's one client, with a connection per request.
    const QJsonArray clients = end.value(u"clients"_s).toObject().value(u"top"_s).toArray();
    QVERIFY(!clients.isEmpty());
    QCOMPARE(clients.first().toObject().value(u"address"_s).toString(), u"127.0.0.1"_s);
    QVERIFY(clients.first().toObject().value(u"connections"_s).toInteger() >= Requests);

    // The line feed: tcpdump -q lines of these backends.
    QByteArray feed;
    QCOMPARE(httpGet(u"127.0.0.1"_s, statusPort, "/traffic/lines?after=0", &feed, 3000), 200);
    static const QRegularExpression line(u"^\\d\\d:\\d\\d:\\d\\d\\.\\d{6} IP [0-9.]+ > [0-9.]+: tcp \\d+$"_s);
    const QList<QByteArray> fed = feed.split('\n');
    QVERIFY2(fed.size() > 10, feed.constData());
    QVERIFY2(line.match(QString::fromLatin1(fed.first())).hasMatch(), fed.first().constData());
    QVERIFY(feed.contains(lbdeck::traffic::test::dotted(m_keyA)) &&
            feed.contains(lbdeck::traffic::test::dotted(m_keyB)));

    // /metrics: the same counters with upstream and direction labels.
    QByteArray metrics;
    QCOMPARE(httpGet(u"127.0.0.1"_s, statusPort, "/metrics", &metrics, 3000), 200);
    const QByteArray packetsTo =
        "lbdeck_traffic_packets_total{upstream=\"" + m_keyA.toLatin1() + "\",direction=\"to_backend\"} " +
        QByteArray::number(upstreamIn(end, m_keyA).value(u"to"_s).toObject().value(u"packets"_s).toInteger());
    QVERIFY2(metrics.contains(packetsTo), metrics.constData());
    QVERIFY(metrics.contains("lbdeck_traffic_requests_total{upstream=\"" + m_keyB.toLatin1() +
                             "\",status=\"2xx\"}"));
    engine.stop();
}

void TestTrafficEngine::withoutCaptureRightsNamesTheGrantAndStillCountsRequests()
{
    // Root without CAP_NET_RAW and CAP_NET_ADMIN (dropped from the bounding set) cannot capture,
    // like an engine run as a plain user; everything else it does needs no privilege here.
    TestProcess engine;
    quint16 statusPort = 0;
    const qsizetype servedBefore = servedBy(AddressA) + servedBy(AddressB);
    const QString error = startEngine(engine, u"nocap"_s, &statusPort,
                                      {u"/usr/bin/setpriv"_s, u"--bounding-set=-net_raw,-net_admin"_s,
                                       u"--inh-caps=-net_raw,-net_admin"_s});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonObject t = traffic(statusPort);
    const QJsonObject capture = t.value(u"capture"_s).toObject();
    QVERIFY(!capture.value(u"running"_s).toBool());
    const QString why = capture.value(u"error"_s).toString();
    QVERIFY2(why.contains(u"setcap cap_net_raw,cap_net_admin+eip"_s) && why.contains(u"no permission"_s),
             qPrintable(why));
    QVERIFY2(engine.logTail().contains(u"setcap cap_net_raw,cap_net_admin+eip"_s),
             qPrintable(engine.logTail()));

    const auto served = [&](const QJsonObject& doc) {
        return upstreamIn(doc, m_keyA).value(u"l7"_s).toObject().value(u"requests"_s).toInteger() +
               upstreamIn(doc, m_keyB).value(u"l7"_s).toObject().value(u"requests"_s).toInteger();
    };
    // Every request the backends served since this engine started is one line nginx sent it.
    const auto caughtUp = [&] {
        return served(traffic(statusPort)) == servedBy(AddressA) + servedBy(AddressB) - servedBefore;
    };
    QVERIFY(waitUntil(caughtUp, std::chrono::seconds(5)));
    for (int i = 0; i < 20; ++i)
        QCOMPARE(httpGet(u"127.0.0.1"_s, m_balancer.port(), "/", nullptr, 3000), 200);
    QVERIFY(waitUntil(caughtUp, std::chrono::seconds(5)));
    QVERIFY(served(traffic(statusPort)) >= 20);
    engine.stop();
}

// Take a backend out of etcd while a request to it is in flight: the meter keeps its row, marked
// draining, until that flow closes, and a drain waiting on the meter ends only then.
void TestTrafficEngine::drainWaitsForTheLastFlowOfARemovedBackend()
{
    SlowBackend slow(std::chrono::milliseconds(1500));
    const QString slowAddress = u"127.0.1.33"_s;
    QVERIFY(slow.listen(slowAddress, m_backends.port()));
    const QString slowKey = u"%1:%2"_s.arg(slowAddress).arg(m_backends.port());
    TestProcess engine;
    quint16 statusPort = 0;
    const QString error = startEngine(engine, u"drain"_s, &statusPort);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // The upstream: a and the slow one.
    QVERIFY(put("/lbt/slow", slowKey.toLatin1()));
    QVERIFY(runCommand(u"/usr/bin/etcdctl"_s, {u"--endpoints"_s, m_etcd.clientUrl(), u"del"_s, u"/lbt/b"_s})
                .isEmpty());
    const auto state = [&](const QString& key) {
        return upstreamIn(traffic(statusPort), key).value(u"state"_s).toString();
    };
    QVERIFY(waitUntil([&] { return state(slowKey) == u"registered"_s && state(m_keyB) != u"registered"_s; },
                      std::chrono::seconds(10)));

    // Round-robin over two servers: one of two requests goes to the slow one and stays there.
    AsyncGet first, second;
    first.start(m_balancer.port());
    second.start(m_balancer.port());
    QVERIFY(
        waitUntil([&] { return upstreamIn(traffic(statusPort), slowKey).value(u"open"_s).toInteger() == 1; },
                  std::chrono::seconds(5)));
    QCOMPARE(slow.answered, 0);

    QVERIFY(
        runCommand(u"/usr/bin/etcdctl"_s, {u"--endpoints"_s, m_etcd.clientUrl(), u"del"_s, u"/lbt/slow"_s})
            .isEmpty());
    QVERIFY2(waitUntil([&] { return state(slowKey) == u"draining"_s; }, std::chrono::seconds(5)),
             qPrintable(state(slowKey)));
    QCOMPARE(slow.answered, 0); // still in flight: nginx finishes it with the old worker

    RemoteEngineLink link(HttpEndpoint::tcp(u"127.0.0.1"_s, statusPort), std::chrono::milliseconds(250));
    DrainWatch watch(
        &link, slowKey,
        {std::chrono::milliseconds(300), std::chrono::seconds(20), std::chrono::milliseconds(100)});
    QSignalSpy finished(&watch, &DrainWatch::finished);
    QSignalSpy progress(&watch, &DrainWatch::progress);
    int answeredWhenDone = -1;
    connect(&watch, &DrainWatch::finished, this, [&] { answeredWhenDone = slow.answered; });
    watch.start();
    QVERIFY(waitUntil([&] { return !finished.isEmpty(); }, std::chrono::seconds(20)));
    QCOMPARE(finished.first().at(0).value<DrainWatch::Outcome>(), DrainWatch::Outcome::Quiet);
    QCOMPARE(answeredWhenDone, 1); // not before the slow answer went out
    QVERIFY(!progress.isEmpty() &&
            progress.first().first().toString().contains(u"1 connection still open"_s));
    QVERIFY(waitUntil([&] { return first.done && second.done; }, std::chrono::seconds(5)));
    QVERIFY(first.response.startsWith("HTTP/1.1 200") && second.response.startsWith("HTTP/1.1 200"));
    QCOMPARE(state(slowKey), u"left"_s);
    // Gone: its rates are 0 from the next whole second on, its totals stay.
    const auto rate = [&](const char* field) {
        return upstreamIn(traffic(statusPort), slowKey)
            .value(u"rate1s"_s)
            .toObject()
            .value(QLatin1StringView(field))
            .toDouble();
    };
    QVERIFY(waitUntil(
        [&] { return rate("packetsTo") == 0 && rate("packetsFrom") == 0 && rate("connections") == 0; },
        std::chrono::seconds(3)));
    QVERIFY(upstreamIn(traffic(statusPort), slowKey).value(u"connections"_s).toInteger() >= 1);
    QVERIFY(!link.isTrafficWanted()); // the watch let go of its hold

    QVERIFY(put("/lbt/b", m_keyB.toLatin1()));
    engine.stop();
}

// Export capture: the engine records for N s, and the file it hands over is one Debian's tcpdump
// reads, holding exactly the packets the meter counted meanwhile.
void TestTrafficEngine::exportedCaptureReadsBackWithTcpdump()
{
    TestProcess engine;
    quint16 statusPort = 0;
    const QString error = startEngine(engine, u"export"_s, &statusPort);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString url = u"http://127.0.0.1:%1/traffic/capture"_s.arg(statusPort);
    QByteArray out;
    QByteArray refused;
    runCommand(u"/usr/bin/curl"_s,
               {u"-s"_s, u"-X"_s, u"POST"_s, u"-w"_s, u" %{http_code}"_s, url + u"?seconds=0"_s}, &refused);
    QVERIFY2(refused.endsWith(" 400") && refused.contains("1 to 300 s"), refused.constData());
    QCOMPARE(runCommand(u"/usr/bin/curl"_s, {u"-sf"_s, u"-X"_s, u"POST"_s, url + u"?seconds=2"_s}, &out),
             QString());
    QVERIFY2(out.contains("\"recording\""), out.constData());
    for (int i = 0; i < 50; ++i)
        QCOMPARE(httpGet(u"127.0.0.1"_s, m_balancer.port(), "/", nullptr, 3000), 200);
    const QString file = m_dir.filePath(u"export.pcap"_s);
    const QString headers = m_dir.filePath(u"export.headers"_s);
    QVERIFY(waitUntil(
        [&] {
            QByteArray code;
            runCommand(u"/usr/bin/curl"_s,
                       {u"-s"_s, u"-o"_s, file, u"-D"_s, headers, u"-w"_s, u"%{http_code}"_s, url}, &code);
            return code == "200";
        },
        std::chrono::seconds(10), std::chrono::milliseconds(200)));
    QFile h(headers);
    QVERIFY(h.open(QIODevice::ReadOnly));
    static const QRegularExpression packetsHeader(u"X-Lbdeck-Packets: (\\d+)"_s,
                                                  QRegularExpression::CaseInsensitiveOption);
    const qint64 packets = packetsHeader.match(QString::fromLatin1(h.readAll())).captured(1).toLongLong();
    QVERIFY2(packets >= 50 * 8,
             qPrintable(QString::number(packets))); // a request is 10 packets on the backend side
    QByteArray lines;
    QCOMPARE(lbdeck::traffic::test::runTcpdump({u"-q"_s, u"-n"_s, u"-r"_s, file}, u"UTC"_s, &lines),
             QString());
    QCOMPARE(qint64(lines.count('\n')), packets);
    // Handed over once: the engine forgets it.
    QByteArray code;
    runCommand(u"/usr/bin/curl"_s, {u"-s"_s, u"-o"_s, u"/dev/null"_s, u"-w"_s, u"%{http_code}"_s, url},
               &code);
    QCOMPARE(code, QByteArray("404"));
    engine.stop();
}

// The whole test runs in a network namespace of its own: its capture on lo sees only its traffic,
// and net.unix.max_dgram_qlen is raised there as the packaged sysctl.d file raises it on a load
// balancer (with Linux's default of 10, nginx drops access-log lines once ten wait).
int main(int argc, char** argv)
{
    const QString network = isRoot() ? enterPrivateNetwork() : QString();
    const QString qlen =
        isRoot() && network.isEmpty() ? setNetSysctl(u"net/unix/max_dgram_qlen"_s, "512") : QString();
    QCoreApplication app(argc, argv);
    TestTrafficEngine test;
    test.setSetupError(network.isEmpty() ? qlen : network);
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "TestTrafficEngine.moc"
