// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Following a log through what a real daemon will not do on cue: a connection that drops mid-frame
// (resumed from the last line's instant, nothing repeated, nothing lost), a stream the daemon
// ends (the container stopped), a refusal, a TTY container's raw log, and a stream deleted while
// it runs. A scripted unix-socket server plays the daemon; the real one is in TestNodeDetail.
#include "core/docker/DockerClient.h"
#include "core/docker/DockerLogs.h"
#include "core/http/HttpEndpoint.h"

#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QtEndian>

using namespace lbdeck;
using namespace Qt::StringLiterals;

namespace {

QByteArray response(int status, const QByteArray& body)
{
    return "HTTP/1.1 " + QByteArray::number(status) +
           " X\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
           "\r\n\r\n" + body;
}

QByteArray chunk(const QByteArray& data)
{
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}

QByteArray frame(uchar stream, const QByteArray& payload)
{
    QByteArray header(8, '\0');
    header[0] = char(stream);
    qToBigEndian<quint32>(quint32(payload.size()), header.data() + 4);
    return header + payload;
}

const QByteArray StreamHead = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n";
const QByteArray VersionBody = R"({"Version":"20.10.24","ApiVersion":"1.43","Os":"linux","Arch":"amd64"})";

QByteArray inspectBody(bool tty)
{
    return R"({"Id":"abc123","Name":"/web","State":{"Status":"running","Running":true},"Config":{"Tty":)" +
           QByteArray(tty ? "true" : "false") + "}}";
}

// Answers each request with what the test's handler writes on the socket.
class ScriptedDaemon : public QLocalServer
{
public:
    using Handler = std::function<void(QLocalSocket* socket, const QByteArray& target)>;

    explicit ScriptedDaemon(Handler handler)
        : m_handler(std::move(handler))
    {
        connect(this, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket* s = nextPendingConnection()) {
                connect(s, &QLocalSocket::readyRead, s, [this, s] { onReadyRead(s); });
                connect(s, &QLocalSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    bool start() { return m_dir.isValid() && listen(m_dir.filePath(u"docker.sock"_s)); }
    HttpEndpoint endpoint() const { return HttpEndpoint::unixSocket(fullServerName()); }
    QList<QByteArray> logTargets;

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
            buffer.remove(0, end + 4); // GETs only: no body
            const QByteArray target = head.left(head.indexOf('\r')).split(' ').value(1);
            if (target == "/version") {
                s->write(response(200, VersionBody));
                continue;
            }
            if (target.contains("/logs?"))
                logTargets.append(target);
            m_handler(s, target);
        }
    }

    QTemporaryDir m_dir;
    Handler m_handler;
    QHash<QLocalSocket*, QByteArray> m_buffers;
};

QStringList texts(const QList<LogLine>& lines)
{
    QStringList out;
    for (const LogLine& l : lines)
        out << l.text;
    return out;
}

} // namespace

class TestDockerLogStream : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void dropResumesFromTheLastLineWithoutRepeats();
    void endedWhenTheContainerStops();
    void refusedStreamFails();
    void ttyLogIsRaw();
    void deletedStreamEmitsNothing();
};

void TestDockerLogStream::dropResumesFromTheLastLineWithoutRepeats()
{
    int connection = 0;
    ScriptedDaemon daemon([&](QLocalSocket* s, const QByteArray& target) {
        if (target.endsWith("/containers/web/json")) {
            s->write(response(200, inspectBody(false)));
            return;
        }
        s->write(StreamHead);
        if (++connection == 1) {
            // Two lines at the same instant, the second split inside its frame header, then the
            // daemon goes away in the middle of a third.
            const QByteArray data = frame(1, "2024-05-01T10:00:00.000000007Z first\n") +
                                    frame(2, "2024-05-01T10:00:00.000000007Z second\n") +
                                    frame(1, "2024-05-01T10:00:01.000000000Z lost-in-the-");
            s->write(chunk(data.left(50)));
            QTimer::singleShot(30, s, [s, data] {
                s->write(chunk(data.mid(50, data.size() - 60)));
                s->flush();
                QTimer::singleShot(30, s, [s] { s->abort(); });
            });
        } else {
            // since= includes its instant: both lines of it come again, then what is new.
            s->write(chunk(frame(1, "2024-05-01T10:00:00.000000007Z first\n") +
                           frame(2, "2024-05-01T10:00:00.000000007Z second\n") +
                           frame(1, "2024-05-01T10:00:01.000000000Z lost-in-the-middle\n") +
                           frame(1, "2024-05-01T10:00:02.5Z third\n")));
        }
    });
    QVERIFY(daemon.start());
    DockerClient client(daemon.endpoint());
    QObject owner;
    DockerLogStream* stream = client.followLogs(u"web"_s, 50, &owner);
    QList<LogLine> lines;
    connect(stream, &DockerLogStream::linesReceived, this, [&](const QList<LogLine>& l) { lines += l; });
    QTRY_COMPARE(texts(lines), (QStringList{u"first"_s, u"second"_s, u"lost-in-the-middle"_s, u"third"_s}));
    QCOMPARE(lines.at(1).stream, LogLine::Stream::StdErr);
    QCOMPARE(daemon.logTargets.size(), 2);
    QVERIFY2(daemon.logTargets.at(0).contains("follow=1") && daemon.logTargets.at(0).contains("tail=50") &&
                 daemon.logTargets.at(0).contains("timestamps=1"),
             daemon.logTargets.at(0).constData());
    const qint64 seconds = QDateTime(QDate(2024, 5, 1), QTime(10, 0), Qt::UTC).toSecsSinceEpoch();
    QVERIFY2(daemon.logTargets.at(1).contains("since=" + QByteArray::number(seconds) + ".000000007"),
             daemon.logTargets.at(1).constData());
    QVERIFY(!daemon.logTargets.at(1).contains("tail="));
    QCOMPARE(stream->reconnects(), 1);
    QTRY_VERIFY(stream->isFollowing());
}

void TestDockerLogStream::endedWhenTheContainerStops()
{
    ScriptedDaemon daemon([&](QLocalSocket* s, const QByteArray& target) {
        if (target.endsWith("/json")) {
            s->write(response(200, inspectBody(false)));
            return;
        }
        // The last line has no newline: it is delivered when the stream ends, not held back.
        s->write(StreamHead + chunk(frame(1, "2024-05-01T10:00:00Z bye\n2024-05-01T10:00:01Z partial")) +
                 "0\r\n\r\n");
    });
    QVERIFY(daemon.start());
    DockerClient client(daemon.endpoint());
    QObject owner;
    DockerLogStream* stream = client.followLogs(u"web"_s, 10, &owner);
    QSignalSpy ended(stream, &DockerLogStream::ended);
    QList<LogLine> lines;
    connect(stream, &DockerLogStream::linesReceived, this, [&](const QList<LogLine>& l) { lines += l; });
    QVERIFY(ended.wait(5000));
    QCOMPARE(texts(lines), (QStringList{u"bye"_s, u"partial"_s}));
    QVERIFY(!stream->isFollowing());
    QCOMPARE(stream->reconnects(), 0); // an end is not a drop: nothing is scheduled
    QCOMPARE(daemon.logTargets.size(), 1);
}

void TestDockerLogStream::refusedStreamFails()
{
    ScriptedDaemon daemon([&](QLocalSocket* s, const QByteArray&) {
        s->write(response(404, R"({"message":"No such container: gone"})"));
    });
    QVERIFY(daemon.start());
    DockerClient client(daemon.endpoint());
    QObject owner;
    DockerLogStream* stream = client.followLogs(u"gone"_s, 10, &owner);
    QSignalSpy failed(stream, &DockerLogStream::failed);
    QVERIFY(failed.wait(5000));
    QVERIFY2(failed.first().at(0).toString().contains(u"No such container: gone"_s),
             qPrintable(failed.first().at(0).toString()));
    QCOMPARE(failed.first().at(1).toInt(), 404);
    QVERIFY(daemon.logTargets.isEmpty()); // the inspect said so already
}

void TestDockerLogStream::ttyLogIsRaw()
{
    ScriptedDaemon daemon([&](QLocalSocket* s, const QByteArray& target) {
        if (target.endsWith("/json")) {
            s->write(response(200, inspectBody(true)));
            return;
        }
        s->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" +
                 chunk("2024-05-01T10:00:00Z from a terminal\r\n"));
    });
    QVERIFY(daemon.start());
    DockerClient client(daemon.endpoint());
    QObject owner;
    DockerLogStream* stream = client.followLogs(u"web"_s, 10, &owner);
    QList<LogLine> lines;
    connect(stream, &DockerLogStream::linesReceived, this, [&](const QList<LogLine>& l) { lines += l; });
    QTRY_COMPARE(texts(lines), QStringList{u"from a terminal"_s});
}

void TestDockerLogStream::deletedStreamEmitsNothing()
{
    QPointer<QLocalSocket> open;
    ScriptedDaemon daemon([&](QLocalSocket* s, const QByteArray& target) {
        if (target.endsWith("/json")) {
            s->write(response(200, inspectBody(false)));
            return;
        }
        s->write(StreamHead);
        open = s;
    });
    QVERIFY(daemon.start());
    DockerClient client(daemon.endpoint());
    auto* owner = new QObject;
    DockerLogStream* stream = client.followLogs(u"web"_s, 10, owner);
    int received = 0;
    connect(stream, &DockerLogStream::linesReceived, this, [&] { ++received; });
    QTRY_VERIFY(stream->isFollowing());
    delete owner; // the stream with it: the request ends, nothing more is emitted
    QVERIFY(open);
    open->write(chunk(frame(1, "2024-05-01T10:00:00Z late\n")));
    QTRY_VERIFY(!open || open->state() != QLocalSocket::ConnectedState);
    QCOMPARE(received, 0);
}

QTEST_GUILESS_MAIN(TestDockerLogStream)
#include "TestDockerLogStream.moc"
