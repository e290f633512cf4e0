// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "AccessLogParser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <array>

using namespace Qt::StringLiterals;

namespace lbdeck::traffic {

namespace {

Error bad(const QString& what)
{
    return makeError(ErrorCode::Protocol, u"malformed nginx access-log datagram: %1"_s.arg(what),
                     u"syslog"_s);
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// "Mmm dd hh:mm:ss" as nginx's ngx_cached_syslog_time writes it (day space-padded).
bool isSyslogTime(QByteArrayView t)
{
    static constexpr std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (t.size() != 15)
        return false;
    bool month = false;
    for (const char* m : months)
        month = month || t.first(3) == QByteArrayView(m);
    const bool day = (t[4] == ' ' || isDigit(t[4])) && isDigit(t[5]);
    const bool clock = isDigit(t[7]) && isDigit(t[8]) && t[9] == ':' && isDigit(t[10]) && isDigit(t[11]) &&
                       t[12] == ':' && isDigit(t[13]) && isDigit(t[14]);
    return month && t[3] == ' ' && day && t[6] == ' ' && clock;
}

bool isToken(QByteArrayView t)
{
    if (t.isEmpty() || t.size() > 255)
        return false;
    for (char c : t) {
        if (c <= ' ' || c == ':' || c == 0x7f)
            return false;
    }
    return true;
}

// Splits on a separator; " : " for groups, ", " within one.
QList<QByteArrayView> split(QByteArrayView text, QByteArrayView sep)
{
    QList<QByteArrayView> parts;
    qsizetype from = 0;
    for (;;) {
        const qsizetype at = text.indexOf(sep, from);
        if (at < 0) {
            parts << text.sliced(from);
            return parts;
        }
        parts << text.sliced(from, at - from);
        from = at + sep.size();
    }
}

using Shape = QList<QList<QByteArrayView>>;

Shape shapeOf(QByteArrayView list)
{
    Shape groups;
    const QList<QByteArrayView> parts = split(list, " : ");
    for (QByteArrayView g : parts)
        groups << split(g, ", ");
    return groups;
}

bool sameShape(const Shape& a, const Shape& b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a.at(i).size() != b.at(i).size())
            return false;
    }
    return true;
}

Result<QByteArray> field(const QJsonObject& o, QLatin1StringView name)
{
    const QJsonValue v = o.value(name);
    if (!v.isString())
        return bad(u"field \"%1\" missing or not a string"_s.arg(name));
    return v.toString().toUtf8();
}

} // namespace

namespace accesslog {

Result<qint64> parseCount(QByteArrayView text, bool allowUnknown)
{
    if (allowUnknown && text == "-")
        return kUnknown;
    if (text.isEmpty() || text.size() > 18)
        return bad(u"count \"%1\""_s.arg(QString::fromUtf8(text.first(qMin<qsizetype>(text.size(), 40)))));
    qint64 n = 0;
    for (char c : text) {
        if (!isDigit(c))
            return bad(
                u"count \"%1\""_s.arg(QString::fromUtf8(text.first(qMin<qsizetype>(text.size(), 40)))));
        n = n * 10 + (c - '0');
    }
    return n;
}

Result<qint64> parseSeconds(QByteArrayView text, bool allowUnknown)
{
    if (allowUnknown && text == "-")
        return kUnknown;
    const qsizetype dot = text.indexOf('.');
    const QByteArrayView whole = dot < 0 ? text : text.first(dot);
    const QByteArrayView frac = dot < 0 ? QByteArrayView() : text.sliced(dot + 1);
    if (whole.isEmpty() || whole.size() > 12 || (dot >= 0 && (frac.isEmpty() || frac.size() > 3)))
        return bad(u"time \"%1\""_s.arg(QString::fromUtf8(text.first(qMin<qsizetype>(text.size(), 40)))));
    const Result<qint64> s = parseCount(whole, false);
    if (!s)
        return s;
    qint64 ms = 0;
    for (qsizetype i = 0; i < 3; ++i) {
        const char c = i < frac.size() ? frac[i] : '0';
        if (!isDigit(c))
            return bad(u"time \"%1\""_s.arg(QString::fromUtf8(text.first(qMin<qsizetype>(text.size(), 40)))));
        ms = ms * 10 + (c - '0');
    }
    return *s * 1000 + ms;
}

Result<QList<UpstreamAttempt>> parseUpstreams(QByteArrayView addr, QByteArrayView status,
                                              QByteArrayView connect, QByteArrayView header,
                                              QByteArrayView response, QByteArrayView bytes)
{
    QList<UpstreamAttempt> attempts;
    // No upstream: nginx logs "" (escape=json) or "-" for every $upstream_* variable.
    if (addr.isEmpty() || addr == "-")
        return attempts;
    const Shape a = shapeOf(addr);
    const Shape s = shapeOf(status);
    const Shape c = shapeOf(connect);
    const Shape h = shapeOf(header);
    const Shape r = shapeOf(response);
    const Shape b = shapeOf(bytes);
    if (!sameShape(a, s) || !sameShape(a, c) || !sameShape(a, h) || !sameShape(a, r) || !sameShape(a, b))
        return bad(u"$upstream_* lists do not match $upstream_addr \"%1\""_s.arg(
            QString::fromUtf8(addr.first(qMin<qsizetype>(addr.size(), 200)))));
    for (qsizetype g = 0; g < a.size(); ++g) {
        for (qsizetype i = 0; i < a.at(g).size(); ++i) {
            UpstreamAttempt u;
            const QByteArrayView address = a.at(g).at(i);
            if (address.isEmpty() || address.contains(' ') || address.size() > 1024)
                return bad(u"upstream address \"%1\""_s.arg(
                    QString::fromUtf8(address.first(qMin<qsizetype>(address.size(), 200)))));
            u.address = QString::fromUtf8(address);
            u.group = static_cast<int>(g);
            const Result<qint64> st = parseCount(s.at(g).at(i), true);
            if (!st || (*st != kUnknown && (*st < 100 || *st > 999)))
                return bad(u"upstream status \"%1\""_s.arg(
                    QString::fromUtf8(s.at(g).at(i).first(qMin<qsizetype>(s.at(g).at(i).size(), 40)))));
            u.status = static_cast<int>(*st);
            const Result<qint64> ct = parseSeconds(c.at(g).at(i), true);
            const Result<qint64> ht = parseSeconds(h.at(g).at(i), true);
            const Result<qint64> rt = parseSeconds(r.at(g).at(i), true);
            const Result<qint64> by = parseCount(b.at(g).at(i), true);
            for (const Result<qint64>* x : {&ct, &ht, &rt, &by}) {
                if (!*x)
                    return x->error();
            }
            u.connectMs = *ct;
            u.headerMs = *ht;
            u.responseMs = *rt;
            u.bytesReceived = *by;
            attempts << u;
        }
    }
    return attempts;
}

} // namespace accesslog

Result<AccessLogRecord> AccessLogParser::parse(QByteArrayView datagram, QByteArrayView expectedTag)
{
    if (datagram.size() > kMaxDatagram)
        return bad(u"%1 bytes, more than %2"_s.arg(datagram.size()).arg(kMaxDatagram));
    AccessLogRecord rec;
    // <PRI>
    if (datagram.size() < 3 || datagram[0] != '<')
        return bad(u"no <PRI>"_s);
    qsizetype pos = 1;
    int pri = 0;
    while (pos < datagram.size() && pos <= 3 && isDigit(datagram[pos]))
        pri = pri * 10 + (datagram[pos++] - '0');
    if (pos == 1 || pos >= datagram.size() || datagram[pos] != '>' || pri > 191)
        return bad(u"bad <PRI>"_s);
    rec.priority = pri;
    ++pos;
    // TIMESTAMP SP
    if (datagram.size() < pos + 16 || !isSyslogTime(datagram.sliced(pos, 15)) || datagram[pos + 15] != ' ')
        return bad(u"bad syslog timestamp"_s);
    pos += 16;
    // [HOSTNAME SP] TAG ": "
    const qsizetype colon = datagram.indexOf(": ", pos);
    if (colon < 0)
        return bad(u"no \"TAG: \""_s);
    const QByteArrayView header = datagram.sliced(pos, colon - pos);
    const qsizetype space = header.indexOf(' ');
    const QByteArrayView host = space < 0 ? QByteArrayView() : header.first(space);
    const QByteArrayView tag = space < 0 ? header : header.sliced(space + 1);
    if ((space >= 0 && !isToken(host)) || !isToken(tag))
        return bad(u"bad hostname or tag"_s);
    if (!expectedTag.isEmpty() && tag != expectedTag)
        return bad(
            u"tag \"%1\", expected \"%2\""_s.arg(QString::fromUtf8(tag), QString::fromUtf8(expectedTag)));
    rec.host = QString::fromUtf8(host);
    rec.tag = QString::fromUtf8(tag);

    QJsonParseError jsonError;
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(datagram.data() + colon + 2, datagram.size() - colon - 2), &jsonError);
    if (jsonError.error != QJsonParseError::NoError || !doc.isObject())
        return bad(u"body is not a JSON object (%1)"_s.arg(jsonError.errorString()));
    const QJsonObject o = doc.object();

    static constexpr std::array<QLatin1StringView, 10> names = {"msec"_L1,
                                                                "status"_L1,
                                                                "request_time"_L1,
                                                                "bytes_sent"_L1,
                                                                "upstream_addr"_L1,
                                                                "upstream_status"_L1,
                                                                "upstream_connect_time"_L1,
                                                                "upstream_header_time"_L1,
                                                                "upstream_response_time"_L1,
                                                                "upstream_bytes_received"_L1};
    std::array<QByteArray, names.size()> v;
    for (size_t i = 0; i < names.size(); ++i) {
        Result<QByteArray> f = field(o, names.at(i));
        if (!f)
            return f.error();
        v.at(i) = std::move(f).value();
    }
    const Result<qint64> msec = accesslog::parseSeconds(v[0], false);
    const Result<qint64> status = accesslog::parseCount(v[1], false);
    const Result<qint64> requestMs = accesslog::parseSeconds(v[2], false);
    const Result<qint64> bytesSent = accesslog::parseCount(v[3], false);
    for (const Result<qint64>* x : {&msec, &status, &requestMs, &bytesSent}) {
        if (!*x)
            return x->error();
    }
    if (*status < 0 || *status > 999)
        return bad(u"status %1"_s.arg(*status));
    rec.msecSinceEpoch = *msec;
    rec.status = static_cast<int>(*status);
    rec.requestMs = *requestMs;
    rec.bytesSent = *bytesSent;
    Result<QList<UpstreamAttempt>> attempts = accesslog::parseUpstreams(v[4], v[5], v[6], v[7], v[8], v[9]);
    if (!attempts)
        return attempts.error();
    rec.attempts = std::move(attempts).value();
    return rec;
}

} // namespace lbdeck::traffic
