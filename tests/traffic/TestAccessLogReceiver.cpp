// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/traffic/AccessLogReceiver.h"
#include "tests/testbed/TestProcess.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace lbdeck;
using namespace lbdeck::traffic;
using lbdeck::testbed::isRoot;

namespace {

const QByteArray kGood =
    R"(<190>Dec  1 09:50:01 lbdeck: {"msec":"1764582601.123","status":"200",)"
    R"("request_time":"0.004","bytes_sent":"245","upstream_addr":"127.0.1.7:9001",)"
    R"("upstream_status":"200","upstream_connect_time":"0.000","upstream_header_time":"0.002",)"
    R"("upstream_response_time":"0.003","upstream_bytes_received":"512"})";

sockaddr_un address(const QString& path)
{
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    const QByteArray p = QFile::encodeName(path);
    memcpy(a.sun_path, p.constData(), static_cast<size_t>(p.size()));
    return a;
}

// Sends one datagram from this process (our own uid), as nginx does.
bool sendFromHere(const QString& path, const QByteArray& datagram)
{
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const sockaddr_un a = address(path);
    const ssize_t n = ::sendto(fd, datagram.constData(), static_cast<size_t>(datagram.size()), 0,
                               reinterpret_cast<const sockaddr*>(&a), sizeof(a));
    ::close(fd);
    return n == datagram.size();
}

} // namespace

class TestAccessLogReceiver : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bindsWithTheModeAskedAndReplacesOnlyAStaleSocket()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"access.sock"_s);
        // A stale socket file, as a crashed engine leaves it.
        const int stale = ::socket(AF_UNIX, SOCK_DGRAM, 0);
        const sockaddr_un a = address(path);
        QCOMPARE(::bind(stale, reinterpret_cast<const sockaddr*>(&a), sizeof(a)), 0);
        ::close(stale);

        AccessLogReceiver receiver;
        AccessLogReceiverConfig config;
        config.path = path;
        config.mode = 0620;
        config.receiveBufferBytes = 1 << 20;
        const Result<void> r = receiver.listen(config);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QVERIFY(S_ISSOCK(st.st_mode));
        QCOMPARE(st.st_mode & 07777, 0620u);
        // The kernel doubles what it grants; as root SO_RCVBUFFORCE passes net.core.rmem_max.
        if (isRoot())
            QVERIFY2(receiver.receiveBufferBytes() >= config.receiveBufferBytes,
                     qPrintable(QString::number(receiver.receiveBufferBytes())));
        else
            QVERIFY(receiver.receiveBufferBytes() > 0);
        receiver.close();
        QVERIFY(!QFile::exists(path));

        QFile notASocket(path);
        QVERIFY(notASocket.open(QIODevice::WriteOnly));
        notASocket.write("keep me");
        notASocket.close();
        const Result<void> refused = receiver.listen(config);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::Conflict);
        QVERIFY(notASocket.open(QIODevice::ReadOnly));
        QCOMPARE(notASocket.readAll(), QByteArray("keep me"));
    }

    void parsesWhatAnAllowedSenderSendsAndCountsTheRest()
    {
        QTemporaryDir dir;
        AccessLogReceiver receiver;
        AccessLogReceiverConfig config;
        config.path = dir.filePath(u"access.sock"_s);
        QVERIFY(receiver.listen(config).ok());
        QSignalSpy records(&receiver, &AccessLogReceiver::recordReceived);
        QSignalSpy refused(&receiver, &AccessLogReceiver::datagramRefused);
        QVERIFY(sendFromHere(config.path, kGood));
        QVERIFY(sendFromHere(config.path, "<190>Dec  1 09:50:01 lbdeck: {not json"));
        QVERIFY(sendFromHere(config.path, QByteArray(kGood).replace("lbdeck:", "other:")));
        QTRY_COMPARE(receiver.counters().datagrams, 3u);
        QCOMPARE(records.size(), 1);
        const auto rec = records.at(0).at(0).value<AccessLogRecord>();
        QCOMPARE(rec.attempts.size(), 1);
        QCOMPARE(rec.attempts.at(0).address, u"127.0.1.7:9001"_s);
        QCOMPARE(receiver.counters().accepted, 1u);
        QCOMPARE(receiver.counters().malformed, 2u);
        QCOMPARE(receiver.counters().refusedSender, 0u);
        QCOMPARE(refused.size(), 2);
    }

    void refusesASenderWhoseUidIsNotAllowed()
    {
        if (!isRoot())
            QSKIP("needs root: the sender is a child process switched to uid nobody with setpriv");
        if (!QFile::exists(u"/usr/bin/setpriv"_s) || !QFile::exists(u"/usr/bin/python3"_s))
            QSKIP("needs /usr/bin/setpriv and /usr/bin/python3 to send as another uid");
        QTemporaryDir dir;
        // nobody must reach and write the socket, so only the uid check can refuse it.
        QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                      QFile::ExeGroup | QFile::ExeOther));
        const QString path = dir.filePath(u"access.sock"_s);
        auto sendAsNobody = [&] {
            QProcess p;
            p.start(u"/usr/bin/setpriv"_s,
                    {u"--reuid=65534"_s, u"--regid=65534"_s, u"--clear-groups"_s, u"/usr/bin/python3"_s,
                     u"-c"_s,
                     u"import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); "
                     u"s.sendto(sys.argv[1].encode(), sys.argv[2])"_s,
                     QString::fromLatin1(kGood), path});
            return lbdeck::testbed::waitUntil([&] { return p.state() == QProcess::NotRunning; },
                                              std::chrono::seconds(10)) &&
                   p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        };

        AccessLogReceiverConfig config;
        config.path = path;
        config.mode = 0666;
        {
            AccessLogReceiver receiver; // allows only root, our own uid
            QVERIFY(receiver.listen(config).ok());
            QSignalSpy refused(&receiver, &AccessLogReceiver::datagramRefused);
            QVERIFY(sendAsNobody());
            QTRY_COMPARE(receiver.counters().refusedSender, 1u);
            QCOMPARE(receiver.counters().accepted, 0u);
            QCOMPARE(refused.size(), 1);
            QVERIFY2(refused.at(0).at(0).toString().startsWith(u"sender uid 65534 "_s),
                     qPrintable(refused.at(0).at(0).toString()));
            QVERIFY(sendFromHere(path, kGood));
            QTRY_COMPARE(receiver.counters().accepted, 1u);
        }
        // The same datagram from the same sender passes once its uid is allowed.
        config.allowedUids = {0u, 65534u};
        AccessLogReceiver receiver;
        QVERIFY(receiver.listen(config).ok());
        QVERIFY(sendAsNobody());
        QTRY_COMPARE(receiver.counters().accepted, 1u);
        QCOMPARE(receiver.counters().refusedSender, 0u);
    }
};

QTEST_GUILESS_MAIN(TestAccessLogReceiver)
#include "TestAccessLogReceiver.moc"
