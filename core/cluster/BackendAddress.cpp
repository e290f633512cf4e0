// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BackendAddress.h"

#include <QHostAddress>

#include <arpa/inet.h>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

Error reject(const QString& why)
{
    return makeError(ErrorCode::Validation, u"not a backend address (host:port): %1"_s.arg(why));
}

// Names the first character that has no business in an address, the way an operator would look
// for it.
QString describeForbidden(char c)
{
    switch (c) {
    case ' ':
        return u"contains a space"_s;
    case '\t':
        return u"contains a tab"_s;
    case '\n':
        return u"contains a line break"_s;
    case '\r':
        return u"contains a carriage return"_s;
    case ';':
        return u"contains ';' (nginx syntax)"_s;
    case '{':
    case '}':
        return u"contains a brace (nginx syntax)"_s;
    case '"':
    case '\'':
    case '`':
        return u"contains a quote"_s;
    case '#':
        return u"contains '#' (an nginx comment)"_s;
    case '$':
        return u"contains '$' (an nginx variable)"_s;
    case '\\':
        return u"contains a backslash"_s;
    case '/':
        return u"contains '/' (a URL, not host:port)"_s;
    case '=':
        return u"contains '=' (an nginx server parameter such as weight= or max_fails=, which the "
               u"config sets, not the address): write only host:port"_s;
    default:
        break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
        return u"contains a control character (0x%1)"_s.arg(u, 2, 16, QChar(u'0'));
    if (u >= 0x80)
        return u"contains a non-ASCII character"_s;
    return u"contains '%1'"_s.arg(QChar(QLatin1Char(c)));
}

bool parsePort(QByteArrayView text, quint16& port)
{
    if (text.isEmpty() || text.size() > 5 || (text.size() > 1 && text.front() == '0'))
        return false;
    int v = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    if (v < 1 || v > 65535)
        return false;
    port = quint16(v);
    return true;
}

bool isIPv4(QByteArrayView host)
{
    int parts = 0;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= host.size(); ++i) {
        if (i < host.size() && host[i] != '.')
            continue;
        const QByteArrayView octet = host.sliced(start, i - start);
        if (octet.isEmpty() || octet.size() > 3 || (octet.size() > 1 && octet.front() == '0'))
            return false;
        int v = 0;
        for (char c : octet) {
            if (c < '0' || c > '9')
                return false;
            v = v * 10 + (c - '0');
        }
        if (v > 255)
            return false;
        ++parts;
        start = i + 1;
    }
    return parts == 4;
}

// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
bool isDnsName(QByteArrayView host, QString& why)
{
    if (host.size() > 253) {
        why = u"host name longer than 253 characters"_s;
        return false;
    }
    bool allNumeric = true;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= host.size(); ++i) {
        if (i < host.size() && host[i] != '.') {
            const char c = host[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                why = describeForbidden(c);
                return false;
            }
            if (!(c >= '0' && c <= '9'))
                allNumeric = false;
            continue;
        }
        const QByteArrayView label = host.sliced(start, i - start);
        if (label.isEmpty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            why = u"\"%1\" is not a valid host name"_s.arg(QString::fromLatin1(host.toByteArray()));
            return false;
        }
        start = i + 1;
    }
    if (allNumeric) {
        why = u"\"%1\" is not a valid IPv4 address"_s.arg(QString::fromLatin1(host.toByteArray()));
        return false;
    }
    return true;
}

// nginx reads a server that starts with "unix:" (any case) as a socket path, whatever follows.
bool namesUnixSocket(QByteArrayView value)
{
    return value.size() >= 5 && QByteArrayView(value.first(5)).compare("unix:", Qt::CaseInsensitive) == 0;
}

// A name the resolver reads as an IPv4 address in inet_aton's shorthand (127.1, 0x7f000001,
// 10.0x1.2): nginx hands it to getaddrinfo, which connects to that address without asking DNS.
// The dotted form it stands for, or empty.
QString ipv4Shorthand(QByteArrayView host)
{
    in_addr addr{};
    if (::inet_aton(host.toByteArray().constData(), &addr) == 0)
        return {};
    return QHostAddress(ntohl(addr.s_addr)).toString();
}

} // namespace

QString BackendAddress::join(const QString& host, quint16 port)
{
    return host.contains(u':') ? u"[%1]:%2"_s.arg(host).arg(port) : u"%1:%2"_s.arg(host).arg(port);
}

QString BackendAddress::hostOf(QByteArrayView value)
{
    const Result<BackendAddress> a = parse(value);
    return a ? a->host : QString();
}

QString BackendAddress::toString() const
{
    if (kind == Kind::IPv6)
        return u"[%1]:%2"_s.arg(host).arg(port);
    return u"%1:%2"_s.arg(host).arg(port);
}

Result<BackendAddress> BackendAddress::parse(QByteArrayView value)
{
    if (value.isEmpty())
        return reject(u"empty value"_s);
    if (value.size() > MaxLength)
        return reject(
            u"%1 bytes long, more than the %2 an address can have"_s.arg(value.size()).arg(MaxLength));
    if (namesUnixSocket(value))
        return reject(u"\"unix:\" makes nginx read the rest as a unix socket path, not a host: write "
                      u"host:port, e.g. 10.0.0.1:8080"_s);
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                             c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
        if (!allowed || u >= 0x80)
            return reject(describeForbidden(c));
    }
    BackendAddress a;
    QByteArrayView host;
    QByteArrayView port;
    if (value.front() == '[') {
        const qsizetype close = value.indexOf(']');
        if (close < 0 || close + 1 >= value.size() || value[close + 1] != ':')
            return reject(u"an IPv6 address is written [address]:port"_s);
        host = value.sliced(1, close - 1);
        port = value.sliced(close + 2);
        QHostAddress ip;
        if (host.isEmpty() || host.contains('[') || !ip.setAddress(QString::fromLatin1(host.toByteArray())) ||
            ip.protocol() != QAbstractSocket::IPv6Protocol)
            return reject(u"\"%1\" is not an IPv6 address"_s.arg(QString::fromLatin1(host.toByteArray())));
        a.kind = Kind::IPv6;
        a.host = ip.toString(); // canonical form: one spelling per address
    } else {
        const qsizetype colon = value.lastIndexOf(':');
        if (colon < 0)
            return reject(u"no port (expected host:port)"_s);
        host = value.first(colon);
        port = value.sliced(colon + 1);
        if (host.contains(':') || host.contains('[') || host.contains(']'))
            return reject(u"an IPv6 address needs brackets: [address]:port"_s);
        if (host.isEmpty())
            return reject(u"no host before the port"_s);
        QString why;
        if (const QString dotted = isIPv4(host) ? QString() : ipv4Shorthand(host); !dotted.isEmpty())
            return reject(u"\"%1\" is IPv4 shorthand that the resolver reads as %2: write the dotted "
                          u"address, %2:port"_s.arg(QString::fromLatin1(host.toByteArray()), dotted));
        if (isIPv4(host)) {
            a.kind = Kind::IPv4;
        } else if (isDnsName(host, why)) {
            a.kind = Kind::DnsName;
        } else {
            return reject(why);
        }
        a.host = QString::fromLatin1(host.toByteArray());
    }
    if (!parsePort(port, a.port))
        return reject(u"port \"%1\" is not a number from 1 to 65535"_s.arg(
            QString::fromLatin1(port.first(qMin<qsizetype>(10, port.size())).toByteArray())));
    return a;
}

} // namespace lbdeck
