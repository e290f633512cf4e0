// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/http/HttpResponseParser.h"

#include <QTest>

using namespace lbdeck;

class TestHttpParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void leftoverBelongsToNextResponse();
    void headResponseHasNoBody();
    void bodyLimitIsEnforced();
    void untilCloseNeedsEof();
    void longStreamsAreNotHeaders();
};

void TestHttpParser::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");

    QTest::newRow("content-length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << true
                                    << 200 << QByteArray("hello") << true;
    QTest::newRow("empty reason") << QByteArray("HTTP/1.1 204\r\n\r\n") << true << 204 << QByteArray()
                                  << true;
    QTest::newRow("chunked") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                           "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n")
                             << true << 200 << QByteArray("hello world") << true;
    QTest::newRow("chunked uppercase hex")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "A\r\n0123456789\r\n0\r\n\r\n")
        << true << 200 << QByteArray("0123456789") << true;
    QTest::newRow("bare LF lines") << QByteArray("HTTP/1.1 200 OK\nContent-Length: 2\n\nok") << true << 200
                                   << QByteArray("ok") << true;
    QTest::newRow("connection close")
        << QByteArray("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok") << true << 200
        << QByteArray("ok") << false;
    QTest::newRow("http/1.0 keep-alive")
        << QByteArray("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n") << true << 200
        << QByteArray() << true;
    QTest::newRow("http/1.0 default close")
        << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n") << true << 200 << QByteArray() << false;
    QTest::newRow("100 continue first")
        << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx")
        << true << 201 << QByteArray("x") << true;
    QTest::newRow("304 ignores length")
        << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n") << true << 304
        << QByteArray() << true;
    QTest::newRow("same length twice")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx") << true << 200
        << QByteArray("x") << true;

    QTest::newRow("not http") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n") << false << 0 << QByteArray() << false;
    QTest::newRow("http/2 status") << QByteArray("HTTP/2 200\r\n\r\n") << false << 0 << QByteArray() << false;
    QTest::newRow("letters in status")
        << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n") << false << 0 << QByteArray() << false;
    QTest::newRow("conflicting lengths")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx") << false << 0
        << QByteArray() << false;
    QTest::newRow("negative length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") << false
                                     << 0 << QByteArray() << false;
    QTest::newRow("huge length digits")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n") << false << 0
        << QByteArray() << false;
    QTest::newRow("bad chunk size") << QByteArray(
                                           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                    << false << 0 << QByteArray() << false;
    QTest::newRow("chunk overflow")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n") << false
        << 0 << QByteArray() << false;
    QTest::newRow("chunk too long")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n0\r\n\r\n") << false
        << 0 << QByteArray() << false;
    QTest::newRow("folded header") << QByteArray("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n") << false << 0
                                   << QByteArray() << false;
    QTest::newRow("space in header name")
        << QByteArray("HTTP/1.1 200 OK\r\nBad Name: a\r\n\r\n") << false << 0 << QByteArray() << false;
    QTest::newRow("no colon") << QByteArray("HTTP/1.1 200 OK\r\nnocolon\r\n\r\n") << false << 0
                              << QByteArray() << false;
    QTest::newRow("101 switch") << QByteArray("HTTP/1.1 101 Switching\r\n\r\n") << false << 0 << QByteArray()
                                << false;
    QTest::newRow("gzip+chunked")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n") << false << 0
        << QByteArray() << false;
}

void TestHttpParser::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, valid);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, keepAlive);

    // Whole, and one byte at a time: framing must not depend on how TCP splits the stream.
    for (int mode = 0; mode < 2; ++mode) {
        HttpResponseParser parser;
        parser.reset();
        QByteArray got;
        if (mode == 0) {
            parser.feed(input);
        } else {
            for (qsizetype i = 0; i < input.size() && !parser.isComplete() && !parser.hasError(); ++i)
                parser.feed(QByteArrayView(input).sliced(i, 1));
        }
        got = parser.takeBody();
        if (!valid) {
            QVERIFY2(parser.hasError(), qPrintable(QString::number(mode)));
            QVERIFY(!parser.errorString().isEmpty());
            continue;
        }
        QVERIFY2(parser.isComplete(), qPrintable(parser.errorString()));
        QCOMPARE(parser.status(), status);
        QCOMPARE(got, body);
        QCOMPARE(parser.keepAlive(), keepAlive);
    }
}

void TestHttpParser::leftoverBelongsToNextResponse()
{
    const QByteArray two =
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 NF\r\nContent-Length: 0\r\n\r\n";
    HttpResponseParser parser;
    parser.reset();
    const qsizetype used = parser.feed(two);
    QVERIFY(parser.isComplete());
    QCOMPARE(parser.takeBody(), QByteArray("a"));
    QVERIFY(used < two.size());
    parser.reset();
    QCOMPARE(parser.feed(QByteArrayView(two).sliced(used)), two.size() - used);
    QVERIFY(parser.isComplete());
    QCOMPARE(parser.status(), 404);
}

void TestHttpParser::headResponseHasNoBody()
{
    HttpResponseParser parser;
    parser.reset(/*responseToHead=*/true);
    parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    QVERIFY(parser.isComplete());
    QVERIFY(parser.keepAlive());
}

void TestHttpParser::bodyLimitIsEnforced()
{
    HttpResponseParser parser(10);
    parser.reset();
    parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n");
    QVERIFY(parser.hasError());
    HttpResponseParser chunked(10);
    chunked.reset();
    chunked.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n");
    QVERIFY(chunked.hasError());
    // Streaming consumers drain the body as it comes, so only what is pending counts.
    HttpResponseParser drained(10);
    drained.reset();
    drained.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n");
    QCOMPARE(drained.takeBody().size(), 8);
    drained.feed("8\r\n12345678\r\n0\r\n\r\n");
    QVERIFY2(drained.isComplete(), qPrintable(drained.errorString()));
}

void TestHttpParser::untilCloseNeedsEof()
{
    HttpResponseParser parser;
    parser.reset();
    parser.feed("HTTP/1.1 200 OK\r\n\r\npartial");
    QVERIFY(!parser.isComplete());
    parser.feedEof();
    QVERIFY(parser.isComplete());
    QCOMPARE(parser.takeBody(), QByteArray("partial"));
    QVERIFY(!parser.keepAlive());

    HttpResponseParser truncated;
    truncated.reset();
    truncated.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    truncated.feedEof();
    QVERIFY(truncated.hasError());
}

void TestHttpParser::longStreamsAreNotHeaders()
{
    // A watch stream lives for days: its chunk framing must never count against the header limit.
    HttpResponseParser parser;
    parser.reset();
    parser.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    qint64 total = 0;
    for (int i = 0; i < 50000; ++i) {
        parser.feed("10\r\n{\"result\":{}}\n\n\r\n");
        total += parser.takeBody().size();
        QVERIFY2(!parser.hasError(), qPrintable(parser.errorString()));
    }
    QCOMPARE(total, qint64(50000) * 16);
    parser.feed("0\r\n\r\n");
    QVERIFY(parser.isComplete());
}

QTEST_GUILESS_MAIN(TestHttpParser)
#include "TestHttpParser.moc"
