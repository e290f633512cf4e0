// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QString>

namespace lbdeck {

// TLS material for one endpoint. Paths only: the key passphrase comes from the keychain at
// connection time and is never stored here.
struct TlsFiles
{
    QString caFile;   // empty: the system's CA store
    QString certFile; // client certificate (mutual TLS), optional
    QString keyFile;
    QString serverName; // overrides the name checked against the certificate, optional
    bool operator==(const TlsFiles&) const = default;
};

// Where an HTTP server listens: http://host:port, https://host:port or unix:///path/to.sock
// (also http+unix://%2Fpath, as Docker and requests-unixsocket write it).
struct HttpEndpoint
{
    enum class Transport
    {
        Tcp,
        Tls,
        Unix
    };

    Transport transport = Transport::Tcp;
    QString host;
    quint16 port = 0;
    QString socketPath;
    TlsFiles tls;

    static Result<HttpEndpoint> parse(const QString& url, const TlsFiles& tls = {});
    static HttpEndpoint tcp(const QString& host, quint16 port);
    static HttpEndpoint unixSocket(const QString& path);

    // The Host header value for requests to this endpoint.
    QByteArray hostHeader() const;
    // How the endpoint is named in errors and logs: the URL it was written as.
    QString toString() const;
    bool operator==(const HttpEndpoint&) const = default;
};

} // namespace lbdeck
