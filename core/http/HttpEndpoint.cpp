// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "HttpEndpoint.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace lbdeck {

Result<HttpEndpoint> HttpEndpoint::parse(const QString& text, const TlsFiles& tls)
{
    const QString trimmed = text.trimmed();
    auto bad = [&](const QString& why) {
        return makeError(ErrorCode::InvalidArgument,
                         u"%1 (expected http://host:port, https://host:port or unix:///path)"_s.arg(why),
                         trimmed.isEmpty() ? u"endpoint"_s : trimmed);
    };
    if (trimmed.isEmpty())
        return bad(u"empty endpoint"_s);

    if (trimmed.startsWith(u"unix://"_s)) {
        const QString path = trimmed.mid(7);
        if (!path.startsWith(u'/'))
            return bad(u"a unix socket path must be absolute"_s);
        return unixSocket(path);
    }
    if (trimmed.startsWith(u"http+unix://"_s)) {
        const QString path = QUrl::fromPercentEncoding(trimmed.mid(12).section(u'/', 0, 0).toUtf8());
        if (!path.startsWith(u'/'))
            return bad(u"a unix socket path must be absolute"_s);
        return unixSocket(path);
    }

    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return bad(u"not a valid URL"_s);
    HttpEndpoint ep;
    const QString scheme = url.scheme().toLower();
    if (scheme == u"http"_s) {
        ep.transport = Transport::Tcp;
    } else if (scheme == u"https"_s) {
        ep.transport = Transport::Tls;
        ep.tls = tls;
    } else {
        return bad(u"unsupported scheme \"%1\""_s.arg(url.scheme()));
    }
    if (!url.path().isEmpty() && url.path() != u"/"_s)
        return bad(u"an endpoint has no path"_s);
    ep.host = url.host();
    const int port = url.port(ep.transport == Transport::Tls ? 443 : 80);
    if (port <= 0 || port > 65535)
        return bad(u"port out of range"_s);
    ep.port = quint16(port);
    return ep;
}

HttpEndpoint HttpEndpoint::tcp(const QString& host, quint16 port)
{
    HttpEndpoint ep;
    ep.host = host;
    ep.port = port;
    return ep;
}

HttpEndpoint HttpEndpoint::unixSocket(const QString& path)
{
    HttpEndpoint ep;
    ep.transport = Transport::Unix;
    ep.socketPath = path;
    return ep;
}

QByteArray HttpEndpoint::hostHeader() const
{
    if (transport == Transport::Unix)
        return "localhost"; // what the Docker CLI sends over its socket
    const QString h = host.contains(u':') ? u"[%1]"_s.arg(host) : host;
    return u"%1:%2"_s.arg(h).arg(port).toUtf8();
}

QString HttpEndpoint::toString() const
{
    switch (transport) {
    case Transport::Unix:
        return u"unix://"_s + socketPath;
    case Transport::Tls:
        return u"https://%1"_s.arg(QString::fromUtf8(hostHeader()));
    case Transport::Tcp:
        break;
    }
    return u"http://%1"_s.arg(QString::fromUtf8(hostHeader()));
}

} // namespace lbdeck
