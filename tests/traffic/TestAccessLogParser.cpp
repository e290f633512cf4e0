// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/traffic/AccessLogFormat.h"
#include "core/traffic/AccessLogParser.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace lbdeck;
using namespace lbdeck::traffic;

namespace {

struct Upstreams
{
    const char* addr;
    const char* status;
    const char* connect;
    const char* header;
    const char* response;
    const char* bytes;
};

// A body as nginx's lbdeck_json writes it.
QByteArray body(const Upstreams& u, const char* status = "200", const char* requestTime = "0.004")
{
    return QByteArray(R"({"msec":"1764582601.123","status":")") + status + R"(","request_time":")" +
           requestTime + R"(","bytes_sent":"245","upstream_addr":")" + u.addr + R"(","upstream_status":")" +
           u.status + R"(","upstream_connect_time":")" + u.connect + R"(","upstream_header_time":")" +
           u.header + R"(","upstream_response_time":")" + u.response + R"(","upstream_bytes_received":")" +
           u.bytes + R"("})";
}

QByteArray line(const QByteArray& json, const QByteArray& header = "<190>Dec  1 09:50:01 lbdeck: ")
{
    return header + json;
}

UpstreamAttempt attempt(const char* address, int group, int status, qint64 c, qint64 h, qint64 r, qint64 b)
{
    UpstreamAttempt a;
    a.address = QString::fromLatin1(address);
    a.group = group;
    a.status = status;
    a.connectMs = c;
    a.headerMs = h;
    a.responseMs = r;
    a.bytesReceived = b;
    return a;
}

} // namespace

class TestAccessLogParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void directivesNameTheFormatAndSocket()
    {
        const QString format = accessLogFormatDirective();
        QVERIFY(format.startsWith(u"log_format lbdeck_json escape=json '{"_s));
        QVERIFY(format.endsWith(u"}';"_s));
        for (const char* v : {"$msec", "$status", "$request_time", "$bytes_sent", "$upstream_addr",
                              "$upstream_status", "$upstream_connect_time", "$upstream_header_time",
                              "$upstream_response_time", "$upstream_bytes_received"})
            QVERIFY2(format.contains(QString::fromLatin1(v) + u'"'), v);
        QCOMPARE(
            accessLogDirective(u"/run/lbdeck/access.sock"_s),
            u"access_log syslog:server=unix:/run/lbdeck/access.sock,nohostname,tag=lbdeck lbdeck_json;"_s);
        QCOMPARE(accessLogDirective(u"/x.sock"_s, true),
                 u"access_log syslog:server=unix:/x.sock,tag=lbdeck lbdeck_json;"_s);
    }

    void goodLines_data()
    {
        QTest::addColumn<QByteArray>("datagram");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("status");
        QTest::addColumn<QList<UpstreamAttempt>>("attempts");
        QTest::addColumn<bool>("retried");

        const Upstreams one{"127.0.1.7:9001", "200", "0.000", "0.002", "0.003", "512"};
        QTest::newRow("one upstream, nohostname")
            << line(body(one)) << QString() << 200
            << QList<UpstreamAttempt>{attempt("127.0.1.7:9001", 0, 200, 0, 2, 3, 512)} << false;
        QTest::newRow("with hostname")
            << line(body(one), "<190>Dec 11 23:59:59 lb-1 lbdeck: ") << u"lb-1"_s << 200
            << QList<UpstreamAttempt>{attempt("127.0.1.7:9001", 0, 200, 0, 2, 3, 512)} << false;
        const Upstreams retry{
            "127.0.1.9:9003, 127.0.1.8:9002", "502, 200", "-, 0.001", "-, 0.210", "0.000, 0.211", "0, 77"};
        QTest::newRow("retry after a refused server")
            << line(body(retry)) << QString() << 200
            << QList<UpstreamAttempt>{attempt("127.0.1.9:9003", 0, 502, kUnknown, kUnknown, 0, 0),
                                      attempt("127.0.1.8:9002", 0, 200, 1, 210, 211, 77)}
            << true;
        const Upstreams groups{"127.0.1.7:9001 : 127.0.1.8:9002",
                               "404 : 200",
                               "0.001 : 0.001",
                               "0.002 : 0.003",
                               "0.002 : 0.004",
                               "10 : 20"};
        QTest::newRow("internal redirect: two groups, no retry")
            << line(body(groups)) << QString() << 200
            << QList<UpstreamAttempt>{attempt("127.0.1.7:9001", 0, 404, 1, 2, 2, 10),
                                      attempt("127.0.1.8:9002", 1, 200, 1, 3, 4, 20)}
            << false;
        const Upstreams none{"", "", "", "", "", ""};
        QTest::newRow("no upstream (empty)")
            << line(body(none, "404")) << QString() << 404 << QList<UpstreamAttempt>{} << false;
        const Upstreams dash{"-", "-", "-", "-", "-", "-"};
        QTest::newRow("no upstream (-)")
            << line(body(dash, "301")) << QString() << 301 << QList<UpstreamAttempt>{} << false;
        const Upstreams noLive{"backends", "502", "-", "-", "0.000", "0"};
        QTest::newRow("no live upstreams: the group's name")
            << line(body(noLive, "502")) << QString() << 502
            << QList<UpstreamAttempt>{attempt("backends", 0, 502, kUnknown, kUnknown, 0, 0)} << false;
        const Upstreams gone{"[::1]:8080", "-", "0.000", "-", "1.500", "0"};
        QTest::newRow("client went away: status -, IPv6")
            << line(body(gone, "499", "1.500")) << QString() << 499
            << QList<UpstreamAttempt>{attempt("[::1]:8080", 0, kUnknown, 0, kUnknown, 1500, 0)} << false;
        const Upstreams unixSock{"unix:/run/app.sock", "200", "0.000", "0.001", "0.001", "5"};
        QTest::newRow("unix socket upstream")
            << line(body(unixSock), "<14>Jan  1 00:00:00 lbdeck: ") << QString() << 200
            << QList<UpstreamAttempt>{attempt("unix:/run/app.sock", 0, 200, 0, 1, 1, 5)} << false;
    }

    void goodLines()
    {
        QFETCH(QByteArray, datagram);
        QFETCH(QString, host);
        QFETCH(int, status);
        QFETCH(QList<UpstreamAttempt>, attempts);
        QFETCH(bool, retried);
        const Result<AccessLogRecord> rec = AccessLogParser::parse(datagram, "lbdeck");
        QVERIFY2(rec.ok(), qPrintable(rec.ok() ? QString() : rec.error().toString()));
        QCOMPARE(rec->host, host);
        QCOMPARE(rec->tag, u"lbdeck"_s);
        QCOMPARE(rec->status, status);
        QCOMPARE(rec->msecSinceEpoch, Q_INT64_C(1764582601123));
        QCOMPARE(rec->bytesSent, 245);
        QCOMPARE(rec->attempts, attempts);
        QCOMPARE(rec->retried(), retried);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("datagram");
        const Upstreams one{"127.0.1.7:9001", "200", "0.000", "0.002", "0.003", "512"};
        const QByteArray good = body(one);
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("no PRI") << QByteArray("Dec  1 09:50:01 lbdeck: ") + good;
        QTest::newRow("PRI too large") << line(good, "<192>Dec  1 09:50:01 lbdeck: ");
        QTest::newRow("PRI unterminated") << QByteArray("<1900");
        QTest::newRow("bad month") << line(good, "<190>Dex  1 09:50:01 lbdeck: ");
        QTest::newRow("short timestamp") << line(good, "<190>Dec 1 09:50:01 lbdeck: ");
        QTest::newRow("no tag") << line(good, "<190>Dec  1 09:50:01 ");
        QTest::newRow("other tag") << line(good, "<190>Dec  1 09:50:01 nginx: ");
        QTest::newRow("three header words") << line(good, "<190>Dec  1 09:50:01 a b lbdeck: ");
        QTest::newRow("not JSON") << line("GET / HTTP/1.1 200");
        QTest::newRow("JSON array") << line("[1,2]");
        QTest::newRow("truncated JSON") << line(good.left(good.size() - 5));
        QTest::newRow("field missing") << line(R"({"msec":"1.0","status":"200"})");
        QTest::newRow("number not string")
            << line(QByteArray(good).replace(R"("status":"200")", R"("status":200)"));
        QTest::newRow("status not a number") << line(body(one, "2x0"));
        QTest::newRow("negative time") << line(body(one, "200", "-0.1"));
        QTest::newRow("time with 4 decimals") << line(body(one, "200", "0.0001"));
        QTest::newRow("time nan") << line(body(one, "200", "nan"));
        QTest::newRow("request_time -") << line(body(one, "200", "-"));
        QTest::newRow("fewer statuses than addresses")
            << line(body({"127.0.1.9:9003, 127.0.1.8:9002", "200", "0, 0", "0, 0", "0, 0", "0, 0"}));
        QTest::newRow("groups differ")
            << line(body({"127.0.1.7:9001 : 127.0.1.8:9002", "200, 200", "0, 0", "0, 0", "0, 0", "0, 0"}));
        QTest::newRow("upstream status 42") << line(body({"127.0.1.7:9001", "42", "0", "0", "0", "0"}));
        QTest::newRow("empty address in list")
            << line(body({"127.0.1.7:9001, ", "200, 200", "0, 0", "0, 0", "0, 0", "0, 0"}));
        QTest::newRow("bytes not a number") << line(body({"127.0.1.7:9001", "200", "0", "0", "0", "1e3"}));
        QTest::newRow("too large") << line(good) + QByteArray(AccessLogParser::kMaxDatagram, ' ');
    }

    void malformed()
    {
        QFETCH(QByteArray, datagram);
        const Result<AccessLogRecord> rec = AccessLogParser::parse(datagram, "lbdeck");
        QVERIFY(!rec.ok());
        QCOMPARE(rec.error().code, ErrorCode::Protocol);
        QVERIFY(rec.error().message.startsWith(u"malformed nginx access-log datagram: "_s));
    }

    void everyPrefixOfAGoodLineIsRejectedCleanly()
    {
        const QByteArray good = line(body(
            {"127.0.1.9:9003, 127.0.1.8:9002", "502, 200", "-, 0.001", "-, 0.210", "0.000, 0.211", "0, 77"}));
        QVERIFY(AccessLogParser::parse(good).ok());
        for (qsizetype n = 0; n < good.size(); ++n)
            QVERIFY2(!AccessLogParser::parse(QByteArrayView(good).first(n)).ok(), good.left(n).constData());
    }
};

QTEST_GUILESS_MAIN(TestAccessLogParser)
#include "TestAccessLogParser.moc"
