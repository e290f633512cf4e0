// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The followed log's framing, byte by byte: frames split anywhere (inside the header too), lines
// split across frames, stdout and stderr interleaved, timestamps to the nanosecond, and streams
// that are not multiplexed at all. Pure: no daemon.
#include "core/docker/DockerLogFrames.h"

#include <QTest>
#include <QtEndian>

using namespace lbdeck;
using namespace lbdeck::docker;
using namespace Qt::StringLiterals;

namespace {

QByteArray frame(uchar stream, const QByteArray& payload)
{
    QByteArray header(8, '\0');
    header[0] = char(stream);
    qToBigEndian<quint32>(quint32(payload.size()), header.data() + 4);
    return header + payload;
}

QStringList texts(const QList<LogLine>& lines)
{
    QStringList out;
    for (const LogLine& l : lines)
        out << (l.stream == LogLine::Stream::StdErr ? u"err:"_s : u"out:"_s) + l.text;
    return out;
}

// Feeds bytes in pieces of `step` and collects every line.
QList<LogLine> feedInSteps(LogFrameDecoder& decoder, const QByteArray& bytes, qsizetype step)
{
    QList<LogLine> all;
    for (qsizetype i = 0; i < bytes.size(); i += step) {
        Result<QList<LogLine>> r = decoder.feed(bytes.mid(i, step));
        if (!r)
            qFatal("feed failed: %s", qPrintable(r.error().toString()));
        all += *r;
    }
    return all;
}

} // namespace

class TestDockerLogFrames : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void splitAnywhere_data();
    void splitAnywhere();
    void lineAcrossFrames();
    void partialFrameIsHeldNotGuessed();
    void timestampsToTheNanosecond();
    void ttyStreamIsRaw();
    void foreignStreamIsAnError();
    void daemonErrorFrame();
    void flushGivesPartialLines();
};

void TestDockerLogFrames::splitAnywhere_data()
{
    QTest::addColumn<int>("step");
    for (int step : {1, 2, 3, 7, 8, 9, 13, 64, 4096})
        QTest::newRow(qPrintable(u"%1 bytes at a time"_s.arg(step))) << step;
}

void TestDockerLogFrames::splitAnywhere()
{
    QFETCH(int, step);
    const QByteArray stream =
        frame(1, "2024-05-01T10:00:00.000000001Z GET /\n") +
        frame(2, "2024-05-01T10:00:00.000000002Z [::ffff:127.0.1.71]:40000: response:200\n") +
        frame(1, "2024-05-01T10:00:01.5Z second\n") + frame(0, "2024-05-01T10:00:02Z stdin\n");
    LogFrameDecoder decoder(false, true);
    const QList<LogLine> lines = feedInSteps(decoder, stream, step);
    QCOMPARE(texts(lines), (QStringList{u"out:GET /"_s, u"err:[::ffff:127.0.1.71]:40000: response:200"_s,
                                        u"out:second"_s, u"out:stdin"_s}));
    QCOMPARE(decoder.pendingBytes(), 0);
}

void TestDockerLogFrames::lineAcrossFrames()
{
    // The daemon writes what the process wrote; a line may come in several frames, and stdout's
    // half-line must not swallow stderr's line in between.
    LogFrameDecoder decoder(false, false);
    QList<LogLine> lines =
        feedInSteps(decoder, frame(1, "hel") + frame(2, "warn\n") + frame(1, "lo\nwor"), 5);
    QCOMPARE(texts(lines), (QStringList{u"err:warn"_s, u"out:hello"_s}));
    QVERIFY(decoder.pendingBytes() > 0);
    lines = *decoder.feed(frame(1, "ld\r\n"));
    QCOMPARE(texts(lines), QStringList{u"out:world"_s}); // CRLF: the CR is not part of the text
    QCOMPARE(decoder.pendingBytes(), 0);
}

void TestDockerLogFrames::partialFrameIsHeldNotGuessed()
{
    LogFrameDecoder decoder(false, false);
    const QByteArray f = frame(1, "complete line\n");
    // Header only, then the payload but one byte: nothing yet.
    QCOMPARE(decoder.feed(f.left(8))->size(), 0);
    QCOMPARE(decoder.feed(f.mid(8, f.size() - 9))->size(), 0);
    QCOMPARE(decoder.pendingBytes(), f.size() - 1);
    const QList<LogLine> last = *decoder.feed(f.right(1));
    QCOMPARE(texts(last), QStringList{u"out:complete line"_s});
}

void TestDockerLogFrames::timestampsToTheNanosecond()
{
    const LogLine l = LogFrameDecoder::parseLine("2024-05-01T10:00:00.123456789Z hello world",
                                                 LogLine::Stream::StdOut, true);
    QCOMPARE(l.text, u"hello world"_s);
    QCOMPARE(l.time, QDateTime(QDate(2024, 5, 1), QTime(10, 0, 0, 123), Qt::UTC));
    const qint64 seconds = QDateTime(QDate(2024, 5, 1), QTime(10, 0), Qt::UTC).toSecsSinceEpoch();
    QCOMPARE(l.timeNano, seconds * 1000000000LL + 123456789);
    // Fewer digits are a fraction too; no fraction at all is whole seconds.
    QCOMPARE(LogFrameDecoder::parseLine("2024-05-01T10:00:00.5Z x", LogLine::Stream::StdOut, true).timeNano,
             seconds * 1000000000LL + 500000000);
    QCOMPARE(LogFrameDecoder::parseLine("2024-05-01T10:00:00Z x", LogLine::Stream::StdOut, true).timeNano,
             seconds * 1000000000LL);
    // No timestamp where one was asked for: the line is kept whole, with no time.
    const LogLine plain = LogFrameDecoder::parseLine("not-a-time and text", LogLine::Stream::StdErr, true);
    QCOMPARE(plain.text, u"not-a-time and text"_s);
    QVERIFY(!plain.time.isValid());
    QCOMPARE(plain.timeNano, 0);
}

void TestDockerLogFrames::ttyStreamIsRaw()
{
    // With a TTY the body is the terminal's bytes: a header-looking byte is just text.
    LogFrameDecoder decoder(true, true);
    const QList<LogLine> lines =
        feedInSteps(decoder, "2024-05-01T10:00:00Z one\n2024-05-01T10:00:01Z t"_ba + "wo\n"_ba, 4);
    QCOMPARE(texts(lines), (QStringList{u"out:one"_s, u"out:two"_s}));
}

void TestDockerLogFrames::foreignStreamIsAnError()
{
    LogFrameDecoder decoder(false, true);
    Result<QList<LogLine>> r = decoder.feed("2024-05-01T10:00:00Z raw text, not frames\n");
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Protocol);
    // Once out of step it stays so: no line is made up from what follows.
    QVERIFY(!decoder.feed(frame(1, "fine\n")));
    decoder.reset();
    QCOMPARE(texts(*decoder.feed(frame(1, "fine\n"))), QStringList{u"out:fine"_s});
}

void TestDockerLogFrames::daemonErrorFrame()
{
    LogFrameDecoder decoder(false, false);
    Result<QList<LogLine>> r = decoder.feed(frame(1, "before\n") + frame(3, "error from daemon in stream"));
    QVERIFY(!r);
    QVERIFY2(r.error().message.contains(u"error from daemon in stream"_s), qPrintable(r.error().message));
}

void TestDockerLogFrames::flushGivesPartialLines()
{
    LogFrameDecoder decoder(false, false);
    QCOMPARE(decoder.feed(frame(1, "no newline at the end") + frame(2, "nor here"))->size(), 0);
    QCOMPARE(texts(decoder.flush()), (QStringList{u"out:no newline at the end"_s, u"err:nor here"_s}));
    QCOMPARE(decoder.pendingBytes(), 0);
}

QTEST_GUILESS_MAIN(TestDockerLogFrames)
#include "TestDockerLogFrames.moc"
