// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// What a real daemon will not do on cue: drop an event stream mid-line, replay events at the
// `since` instant, answer garbage. A scripted unix-socket server plays the daemon's part here; the
// normal paths are tested against a real dockerd in TestDockerClient.
#include "core/docker/DockerClient.h"
#include "core/docker/DockerEventStream.h"
#include "core/docker/DockerStatsStream.h"
#include "core/http/HttpClient.h"
#include "tests/support/Await.h"

#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace Qt::StringLiterals;

namespace {

QByteArray response(int status, const QByteArray& body, const QByteArray& type = "application/json")
{
    return "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: " + type +
           "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray chunk(const QByteArray& data)
{
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}

QByteArray eventLine(const char* action, qint64 nanos)
{
    return R"({"Type":"container","Action":")" + QByteArray(action) + R"(","Actor":{"ID":"c1"},"time":)" +
           QByteArray::number(nanos / 1000000000) + R"(,"timeNano":)" + QByteArray::number(nanos) + "}\n";
}

const QByteArray VersionBody = R"({"Version":"20.10.24","ApiVersion":"1.43","Os":"linux","Arch":"amd64"})";

// A daemon that answers each request with what the test's handler writes on the socket.
class ScriptedDaemon : public QLocalServer
{
public:
    using Handler =
        std::function<void(QLocalSocket* socket, const QByteArray& method, const QByteArray& target)>;

    explicit ScriptedDaemon(Handler handler)
        : m_handler(std::move(handler))
    {
        connect(this, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket* s = nextPendingConnection()) {
                ++connections;
                connect(s, &QLocalSocket::readyRead, s, [this, s] { onReadyRead(s); });
                connect(s, &QLocalSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    bool start() { return m_dir.isValid() && listen(m_dir.filePath(u"docker.sock"_s)); }
    HttpEndpoint endpoint() const { return HttpEndpoint::unixSocket(fullServerName()); }

    QList<QByteArray> targets;
    int connections = 0;

private:
    void onReadyRead(QLocalSocket* s)
    {
        QByteArray& buffer = m_buffers[s];
        buffer += s->readAll();
        for (;;) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QByteArray head = buffer.left(end);
            qsizetype length = 0;
            for (const QByteArray& line : head.split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (buffer.size() < end + 4 + length)
                return;
            const QList<QByteArray> requestLine = head.left(head.indexOf('\r')).split(' ');
            buffer.remove(0, end + 4 + length);
            targets.append(requestLine.value(1));
            m_handler(s, requestLine.value(0), requestLine.value(1));
        }
    }

    QTemporaryDir m_dir;
    Handler m_handler;
    QHash<QLocalSocket*, QByteArray> m_buffers;
};

} // namespace

class TestDockerStream : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void eventsSplitAcrossChunksResumeWithoutRepeats();
    void brokenLineReconnects();
    void refusedStreamFails();
    void failedNegotiationFailsQueuedCallsAndIsRetried();
    void garbageAnswersAreErrors();
    void contextDestroyedWhileNegotiatingNeverCallsBack();
};

void TestDockerStream::eventsSplitAcrossChunksResumeWithoutRepeats()
{
    const qint64 t0 = 1700000000LL * 1000000000 + 1;
    int eventConnections = 0;
    QByteArray resumeTarget;
    ScriptedDaemon daemon([&](QLocalSocket* s, const QByteArray&, const QByteArray& target) {
        if (target == "/version") {
            s->write(response(200, VersionBody));
            return;
        }
        QVERIFY2(target.startsWith("/v1.41/events?"), target.constData());
        s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        if (++eventConnections == 1) {
            const QByteArray first = eventLine("create", t0);
            s->write(chunk(first.left(20)));
            QTimer::singleShot(50, s, [s, first, t0] {
                // The rest of the first event, then two more at the same instant in one chunk.
                s->write(chunk(first.mid(20) + eventLine("start", t0 + 1) + eventLine("attach", t0 + 1)));
                s->flush();
                QTimer::singleShot(50, s, [s] { s->abort(); }); // the daemon goes away mid-stream
            });
        } else {
            resumeTarget = target;
            // `since` includes its instant: the daemon replays both events of t0+1.
            s->write(
                chunk(eventLine("start", t0 + 1) + eventLine("attach", t0 + 1) + eventLine("die", t0 + 2)));
        }
    });
    QVERIFY(daemon.start());
    DockerClient client(daemon.endpoint());
    QObject owner;
    DockerEventStream* stream = client.events({{u"container"_s, {u"apache-8001"_s}}}, &owner);
    QStringList actions;
    connect(stream, &DockerEventStream::eventReceived, this,
            [&](const QJsonObject& e) { actions << e.value(u"Action"_s).toString(); });
    QTRY_COMPARE_WITH_TIMEOUT(actions.size(), 4, 5000);
    QTest::qWait(100);
    QCOMPARE(actions, QStringList({u"create"_s, u"start"_s, u"attach"_s, u"die"_s}));
    QVERIFY(stream->reconnects() >= 1);
    QVERIFY2(resumeTarget.contains("since=1700000000.000000002"), resumeTarget.constData());
    QVERIFY2(resumeTarget.contains("filters=%7B%22container%22%3A%5B%22apache-8001%22%5D%7D"),
             resumeTarget.constData());
    QCOMPARE(stream->lastEventTimeNano(), t0 + 2);
}

void TestDockerStream::brokenLineReconnects()
{
    int eventConnections = 0;
    ScriptedDaemon daemon([&](QLocalSocket* s, const QByteArray&, const QByteArray& target) {
        if (target == "/version") {
            s->write(response(200, VersionBody));
            return;
        }
        s->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        if (++eventConnections == 1)
            s->write(chunk("{\"Action\":\"create\",\"timeNano\":5}\n{not json}\n{\"Action\":\"lost\"}\n"));
        else
            s->write(chunk("{\"Action\":\"start\",\"timeNano\":6}\n"));
    });
    QVERIFY(daemon.start());
    DockerClient client(daemon.endpoint());
    QObject owner;
    DockerEventStream* stream = client.events({}, &owner);
    QStringList actions;
    connect(stream, &DockerEventStream::eventReceived, this,
            [&](const QJsonObject& e) { actions << e.value(u"Action"_s).toString(); });
    QTRY_COMPARE_WITH_TIMEOUT(actions, QStringList({u"create"_s, u"start"_s}), 5000);
    QCOMPARE(eventConnections, 2);
}

void TestDockerStream::refusedStreamFails()
{
    ScriptedDaemon daemon([&](QLocalSocket* s, const QByteArray&, const QByteArray& target) {
        if (target == "/version")
            s->write(response(200, VersionBody));
        else
            s->write(response(404, R"({"message":"No such container: gone"})"));
    });
    QVERIFY(daemon.start());
    DockerClient client(daemon.endpoint());
    QObject owner;
    DockerStatsStream* stream = client.stats(u"gone"_s, &owner);
    QSignalSpy failed(stream, &DockerJsonStream::failed);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 5000);
    QCOMPARE(failed.first().at(1).toInt(), 404);
    const QString message = failed.first().at(0).toString();
    QVERIFY2(message.contains(u"No such container: gone"_s), qPrintable(message));
    QVERIFY2(message.contains(u"container gone"_s), qPrintable(message));
    QTest::qWait(300);
    QCOMPARE(stream->reconnects(), 0); // a 404 is final, not retried
}

void TestDockerStream::failedNegotiationFailsQueuedCallsAndIsRetried()
{
    int versions = 0;
    ScriptedDaemon daemon([&](QLocalSocket* s, const QByteArray&, const QByteArray& target) {
        if (target == "/version")
            s->write(++versions == 1 ? response(200, R"({"ApiVersion":"banana"})")
                                     : response(200, VersionBody));
        else if (target == "/v1.41/info")
            s->write(response(200, R"({"ServerVersion":"20.10.24"})"));
        else
            s->write(response(404, R"({"message":"page not found"})"));
    });
    QVERIFY(daemon.start());
    DockerClient client(daemon.endpoint());
    QObject context;
    std::optional<Result<QJsonObject>> a;
    std::optional<Result<QJsonObject>> b;
    client.info(&context, [&](const Result<QJsonObject>& r) { a = r; });
    client.info(&context, [&](const Result<QJsonObject>& r) { b = r; });
    QTRY_VERIFY(a && b);
    QVERIFY(!a->ok() && !b->ok());
    QCOMPARE(a->error().code, ErrorCode::Protocol);
    QVERIFY2(a->error().where.contains(daemon.fullServerName()), qPrintable(a->error().toString()));
    QCOMPARE(versions, 1); // both waited for the one negotiation

    auto info = await<QJsonObject>([&](QObject* ctx, Callback<QJsonObject> cb) { client.info(ctx, cb); });
    VERIFY_OK(info);
    QCOMPARE(info->value(u"ServerVersion"_s).toString(), u"20.10.24"_s);
    QCOMPARE(client.apiVersion(), u"1.41"_s);
    QCOMPARE(versions, 2);
}

void TestDockerStream::garbageAnswersAreErrors()
{
    ScriptedDaemon daemon([&](QLocalSocket* s, const QByteArray&, const QByteArray& target) {
        if (target == "/version")
            s->write(response(200, VersionBody));
        else if (target.endsWith("/json") && target.contains("/containers/"))
            s->write(response(200, R"({"Id":"x","State":"weird"})"));
        else if (target.contains("/exec/") && target.endsWith("/start"))
            s->write(response(200, "plain tty text, not multiplexed\n", "application/vnd.docker.raw-stream"));
        else
            s->write(response(200, "<html>not json</html>", "text/html"));
    });
    QVERIFY(daemon.start());
    DockerClient client(daemon.endpoint());
    auto inspect = await<ContainerInfo>([&](QObject* ctx, Callback<ContainerInfo> cb) {
        client.inspectContainer(u"apache-8001"_s, ctx, cb);
    });
    QVERIFY(!inspect.ok());
    QCOMPARE(inspect.error().code, ErrorCode::Protocol);
    QVERIFY2(inspect.error().where.endsWith(u"container apache-8001"_s),
             qPrintable(inspect.error().toString()));
    auto output = await<StreamOutput>(
        [&](QObject* ctx, Callback<StreamOutput> cb) { client.startExec(u"abc"_s, ctx, cb); });
    QVERIFY(!output.ok());
    QCOMPARE(output.error().code, ErrorCode::Protocol);
    auto list = await<QList<ContainerSummary>>([&](QObject* ctx, Callback<QList<ContainerSummary>> cb) {
        client.listContainers(true, {}, ctx, cb);
    });
    QVERIFY(!list.ok());
    auto empty = await<ContainerInfo>(
        [&](QObject* ctx, Callback<ContainerInfo> cb) { client.inspectContainer(QString(), ctx, cb); });
    QCOMPARE(empty.error().code, ErrorCode::InvalidArgument);
}

void TestDockerStream::contextDestroyedWhileNegotiatingNeverCallsBack()
{
    ScriptedDaemon daemon([&](QLocalSocket* s, const QByteArray&, const QByteArray& target) {
        if (target == "/version")
            QTimer::singleShot(300, s, [s] { s->write(response(200, VersionBody)); });
        else
            s->write(response(200, "{}"));
    });
    QVERIFY(daemon.start());
    DockerClient client(daemon.endpoint());
    int calls = 0;
    {
        QObject context;
        client.info(&context, [&](const Result<QJsonObject>&) { ++calls; });
        client.listImages(&context, [&](const Result<QList<ImageSummary>>&) { ++calls; });
    }
    QTest::qWait(600);
    QCOMPARE(calls, 0);
    QCOMPARE(client.apiVersion(), u"1.41"_s); // the negotiation itself went on
}

QTEST_GUILESS_MAIN(TestDockerStream)
#include "TestDockerStream.moc"
