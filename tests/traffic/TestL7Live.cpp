// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/traffic/AccessLogFormat.h"
#include "core/traffic/AccessLogReceiver.h"
#include "core/traffic/L7Stats.h"
#include "tests/testbed/NginxServer.h"
#include "tests/testbed/TestProcess.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>

#include <memory>

using namespace Qt::StringLiterals;
using namespace lbdeck;
using namespace lbdeck::traffic;
using lbdeck::testbed::NginxServer;
using lbdeck::testbed::waitUntil;

namespace {

// A backend nginx that answers its name on ip:port and logs what it served in its own access log.
QString backendBlock(const QString& ip, const QString& name)
{
    return u"server { listen 127.0.0.1:@PORT@; location / { return 200 \"ready\\n\"; } }\n"
           u"server { listen %1:@PORT@; access_log @PREFIX@/logs/served.log;\n"
           u"  location / { return 200 \"%2\\n\"; } }\n"_s.arg(ip, name);
}

qsizetype servedBy(const NginxServer& backend)
{
    QFile log(backend.prefix() + u"/logs/served.log"_s);
    return log.open(QIODevice::ReadOnly) ? log.readAll().count('\n') : 0;
}

// A tiny HTTP backend that answers every 10th request 200 ms late; nginx cannot sleep by itself. It
// runs on a thread of its own so that the test's waiting does not add to its response times.
class SlowBackend : public QObject
{
public:
    bool listen(const QString& ip)
    {
        connect(m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server->nextPendingConnection()) {
                s->setParent(this);
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onRead(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        if (!m_server->listen(QHostAddress(ip), 0))
            return false;
        m_port = m_server->serverPort();
        return true;
    }
    quint16 port() const { return m_port; }
    std::atomic<int> served = 0;

private:
    void onRead(QTcpSocket* s)
    {
        QByteArray& buf = m_pending[s];
        buf += s->readAll();
        if (!buf.contains("\r\n\r\n"))
            return;
        m_pending.remove(s);
        const bool slow = ++m_count % 10 == 0;
        QTimer::singleShot(slow ? 200 : 0, s, [this, s] {
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nslow\n");
            s->disconnectFromHost();
            ++served;
        });
    }

    QTcpServer* m_server = new QTcpServer(this); // Owned (child), so it moves to the thread too.
    std::atomic<quint16> m_port = 0;
    QHash<QTcpSocket*, QByteArray> m_pending;
    int m_count = 0;
};

} // namespace

class TestL7Live : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    AccessLogReceiver m_receiver;
    NginxServer m_a, m_b, m_balancer;
    QThread m_slowThread;
    SlowBackend* m_slow = new SlowBackend; // Owned; lives on m_slowThread.
    QNetworkAccessManager m_net;
    qint64 m_now = 5'000; // one window for the whole test; L7Stats' windows are tested by the clock
    std::unique_ptr<L7Stats> m_stats;
    QList<AccessLogRecord> m_records;

    // Sends n GETs to the balancer, `parallel` at a time; counts the bodies.
    QHash<QByteArray, int> get(const QString& path, int n, int parallel = 4)
    {
        QHash<QByteArray, int> bodies;
        int started = 0, finished = 0;
        std::function<void()> next = [&] {
            if (started >= n)
                return;
            ++started;
            QNetworkRequest req(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_balancer.port()).arg(path)));
            QNetworkReply* reply = m_net.get(req);
            connect(reply, &QNetworkReply::finished, this, [&, reply] {
                bodies[reply->error() == QNetworkReply::NoError ? reply->readAll().trimmed()
                                                                : QByteArray("error")]++;
                reply->deleteLater();
                ++finished;
                next();
            });
        };
        for (int i = 0; i < parallel; ++i)
            next();
        waitUntil([&] { return finished == n; }, std::chrono::seconds(20));
        return bodies;
    }

    void waitForRecords(quint64 n)
    {
        waitUntil([&] { return m_stats->requests() >= n; }, std::chrono::seconds(5));
        QTest::qWait(50); // nothing more should come
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_net.setProxy(QNetworkProxy::NoProxy);
        AccessLogReceiverConfig config;
        config.path = m_dir.filePath(u"access.sock"_s);
        const Result<void> r = m_receiver.listen(config);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        connect(&m_receiver, &AccessLogReceiver::recordReceived, this, [this](const AccessLogRecord& rec) {
            m_records << rec;
            if (m_stats)
                m_stats->add(rec);
        });

        QString err = m_a.start(backendBlock(u"127.0.1.7"_s, u"A"_s));
        QVERIFY2(err.isEmpty(), qPrintable(err));
        err = m_b.start(backendBlock(u"127.0.1.8"_s, u"B"_s));
        QVERIFY2(err.isEmpty(), qPrintable(err));
        m_slow->moveToThread(&m_slowThread);
        m_slowThread.start();
        bool listening = false;
        QMetaObject::invokeMethod(
            m_slow, [&] { listening = m_slow->listen(u"127.0.1.9"_s); }, Qt::BlockingQueuedConnection);
        QVERIFY(listening);
        const quint16 refused = lbdeck::testbed::freePort(); // nothing listens there on 127.0.1.10

        const QString block =
            accessLogFormatDirective() + u"\n"_s +
            u"upstream pool { server 127.0.1.7:%1; server 127.0.1.8:%2; }\n"
            u"upstream retrypool { server 127.0.1.10:%3 max_fails=0; server 127.0.1.7:%1; }\n"
            u"upstream slowpool { server 127.0.1.9:%4; }\n"
            u"server { listen 127.0.0.1:@PORT@;\n"
            u"  %5\n"
            u"  location = / { access_log off; return 200 \"balancer\\n\"; }\n"
            u"  location /rr/ { proxy_pass http://pool; }\n"
            u"  location /retry/ { %6 proxy_pass http://retrypool; }\n"
            u"  location /slow/ { proxy_pass http://slowpool; }\n"
            u"  location /direct/ { return 204; }\n"
            u"}\n"_s.arg(m_a.port())
                .arg(m_b.port())
                .arg(refused)
                .arg(m_slow->port())
                .arg(accessLogDirective(config.path), accessLogDirective(config.path, true));
        err = m_balancer.start(block);
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    void cleanupTestCase()
    {
        QMetaObject::invokeMethod(
            m_slow, [this] { delete m_slow; }, Qt::BlockingQueuedConnection);
        m_slowThread.quit();
        m_slowThread.wait();
    }

    void init()
    {
        m_stats = std::make_unique<L7Stats>([this] { return m_now; });
        m_records.clear();
    }

    void perUpstreamCountsEqualWhatEachBackendServed()
    {
        const qsizetype a0 = servedBy(m_a), b0 = servedBy(m_b);
        constexpr int n = 200;
        const QHash<QByteArray, int> bodies = get(u"/rr/x"_s, n);
        waitForRecords(n);
        const qsizetype servedA = servedBy(m_a) - a0, servedB = servedBy(m_b) - b0;
        QCOMPARE(bodies.value("A") + bodies.value("B"), n);
        QCOMPARE(servedA, bodies.value("A"));
        QCOMPARE(servedB, bodies.value("B"));

        const QString addrA = u"127.0.1.7:%1"_s.arg(m_a.port()), addrB = u"127.0.1.8:%1"_s.arg(m_b.port());
        QCOMPARE(m_stats->requests(), quint64(n));
        QCOMPARE(m_stats->addresses(), (QStringList{addrA, addrB}));
        const L7UpstreamStats a = m_stats->upstream(addrA), b = m_stats->upstream(addrB);
        QCOMPARE(a.requests, quint64(servedA));
        QCOMPARE(b.requests, quint64(servedB));
        QCOMPARE(a.requests + b.requests, quint64(n));
        QCOMPARE(a.status2xx, a.requests);
        QCOMPARE(b.status2xx, b.requests);
        // One balancer worker, equal weights: round robin alternates exactly.
        QCOMPARE(a.requests, quint64(n / 2));
        QCOMPARE(m_stats->retriedRequests(), 0u);
        QCOMPARE(a.currentWindow.samples, a.requests);
        for (const AccessLogRecord& r : std::as_const(m_records)) {
            QCOMPARE(r.status, 200);
            QVERIFY(r.host.isEmpty()); // nohostname
            QCOMPARE(r.attempts.size(), 1);
            QVERIFY(r.bytesSent > 0);
            QVERIFY(r.attempts.at(0).bytesReceived > 0);
        }
        const AccessLogReceiverCounters c = m_receiver.counters();
        QCOMPARE(c.malformed, 0u);
        QCOMPARE(c.refusedSender, 0u);
        QCOMPARE(c.kernelDropped, 0u);
    }

    void aRefusedServerIsCountedAsARetry()
    {
        const qsizetype a0 = servedBy(m_a);
        constexpr int n = 10;
        const QHash<QByteArray, int> bodies = get(u"/retry/x"_s, n, 1);
        QCOMPARE(bodies.value("A"), n); // nginx hid every refusal by retrying
        waitForRecords(n);
        QCOMPARE(m_stats->requests(), quint64(n));
        const QString addrA = u"127.0.1.7:%1"_s.arg(m_a.port());
        QCOMPARE(m_stats->upstream(addrA).requests, quint64(servedBy(m_a) - a0));

        int twoAddresses = 0;
        QString refusedAddr;
        for (const AccessLogRecord& r : std::as_const(m_records)) {
            QVERIFY(!r.host.isEmpty()); // this location logs with the hostname
            QCOMPARE(r.attempts.last().address, addrA);
            QCOMPARE(r.attempts.last().status, 200);
            if (r.attempts.size() == 2) {
                ++twoAddresses;
                QVERIFY(r.retried());
                refusedAddr = r.attempts.first().address;
                QVERIFY2(refusedAddr.startsWith(u"127.0.1.10:"_s), qPrintable(refusedAddr));
                QCOMPARE(r.attempts.first().status, 502);
                QCOMPARE(r.attempts.first().headerMs, kUnknown);
            }
        }
        QVERIFY(twoAddresses >= n / 2 - 1); // round robin starts half of them at the refused server
        QCOMPARE(m_stats->retriedRequests(), quint64(twoAddresses));
        const L7UpstreamStats refused = m_stats->upstream(refusedAddr);
        QCOMPARE(refused.requests, quint64(twoAddresses));
        QCOMPARE(refused.retriedAway, quint64(twoAddresses));
        QCOMPARE(refused.status5xx, quint64(twoAddresses));
    }

    void aRequestNginxAnswersItselfHasNoUpstream()
    {
        const QHash<QByteArray, int> bodies = get(u"/direct/x"_s, 3, 1);
        QCOMPARE(bodies.value(""), 3);
        waitForRecords(3);
        QCOMPARE(m_stats->requests(), 3u);
        QCOMPARE(m_stats->withoutUpstream(), 3u);
        QVERIFY(m_stats->addresses().isEmpty());
        QCOMPARE(m_records.at(0).status, 204);
    }

    void slowTenPercentShowInP95AndP99NotP50()
    {
        constexpr int n = 100;
        const int served0 = m_slow->served;
        const QHash<QByteArray, int> bodies = get(u"/slow/x"_s, n);
        QCOMPARE(bodies.value("slow"), n);
        QCOMPARE(m_slow->served - served0, n);
        waitForRecords(n);
        const L7UpstreamStats s = m_stats->upstream(u"127.0.1.9:%1"_s.arg(m_slow->port()));
        QCOMPARE(s.requests, quint64(n));
        QCOMPARE(s.currentWindow.samples, quint64(n));
        QVERIFY2(s.currentWindow.p95 >= 200, qPrintable(QString::number(s.currentWindow.p95)));
        QVERIFY2(s.currentWindow.p99 >= 200, qPrintable(QString::number(s.currentWindow.p99)));
        QVERIFY2(s.currentWindow.p50 < 20, qPrintable(QString::number(s.currentWindow.p50)));
        m_now += L7Stats::kDefaultWindowMs; // the window closes: the same numbers as the last one
        const L7UpstreamStats later = m_stats->upstream(u"127.0.1.9:%1"_s.arg(m_slow->port()));
        QCOMPARE(later.lastWindow.p99, s.currentWindow.p99);
        QCOMPARE(later.currentWindow.samples, 0u);
    }
};

QTEST_GUILESS_MAIN(TestL7Live)
#include "TestL7Live.moc"
