// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EngineConfig.h"

#include <QFile>

#include <toml++/toml.h>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

// Reads an optional string; a present value of the wrong type is an error, never ignored.
Result<void> readString(const toml::table& t, const char* key, QString& out)
{
    const toml::node_view<const toml::node> v = t[key];
    if (!v)
        return {};
    const auto s = v.value<std::string>();
    if (!s)
        return makeError(ErrorCode::InvalidArgument,
                         u"\"%1\" must be a string"_s.arg(QLatin1StringView(key)));
    out = qs(*s);
    return {};
}

template<typename T>
Result<void> readInt(const toml::table& t, const char* key, T& out, qint64 min, qint64 max)
{
    const toml::node_view<const toml::node> v = t[key];
    if (!v)
        return {};
    const auto i = v.value<int64_t>();
    if (!i || *i < min || *i > max)
        return makeError(
            ErrorCode::InvalidArgument,
            u"\"%1\" must be an integer from %2 to %3"_s.arg(QLatin1StringView(key)).arg(min).arg(max));
    out = T(*i);
    return {};
}

Result<void> readBool(const toml::table& t, const char* key, bool& out)
{
    const toml::node_view<const toml::node> v = t[key];
    if (!v)
        return {};
    const auto b = v.value<bool>();
    if (!b)
        return makeError(ErrorCode::InvalidArgument,
                         u"\"%1\" must be true or false"_s.arg(QLatin1StringView(key)));
    out = *b;
    return {};
}

} // namespace

Result<EngineConfig> EngineConfig::parse(const QByteArray& text, const QString& fileName)
{
    toml::table doc;
    try {
        doc = toml::parse(std::string_view(text.constData(), size_t(text.size())), fileName.toStdString());
    } catch (const toml::parse_error& e) {
        return makeError(ErrorCode::InvalidArgument,
                         u"line %1, column %2: %3"_s.arg(e.source().begin.line)
                             .arg(e.source().begin.column)
                             .arg(qs(std::string(e.description()))),
                         fileName);
    }
    EngineConfig c;
    auto fail = [&](const Error& e, const QString& table) {
        return makeError(e.code, u"[%1] %2"_s.arg(table, e.message), fileName);
    };
#define LBDECK_TRY(table, expr)                                                                              \
    if (Result<void> r_ = (expr); !r_)                                                                       \
        return fail(r_.error(), table);

    if (const toml::table* etcd = doc["etcd"].as_table()) {
        if (const toml::array* eps = (*etcd)["endpoints"].as_array()) {
            c.etcd.endpoints.clear();
            for (const toml::node& n : *eps) {
                if (const auto s = n.value<std::string>())
                    c.etcd.endpoints << qs(*s);
                else
                    return makeError(ErrorCode::InvalidArgument, u"[etcd] endpoints must be strings"_s,
                                     fileName);
            }
        } else if ((*etcd)["endpoints"]) {
            return makeError(ErrorCode::InvalidArgument, u"[etcd] endpoints must be a list of URLs"_s,
                             fileName);
        }
        QString api = u"auto"_s;
        LBDECK_TRY(u"etcd"_s, readString(*etcd, "api", api));
        if (api == u"v3"_s)
            c.etcd.api = EtcdApi::V3;
        else if (api == u"v2"_s)
            c.etcd.api = EtcdApi::V2;
        else if (api == u"auto"_s)
            c.etcd.api = EtcdApi::Auto;
        else
            return makeError(ErrorCode::InvalidArgument, u"[etcd] api must be \"auto\", \"v3\" or \"v2\""_s,
                             fileName);
        LBDECK_TRY(u"etcd"_s, readString(*etcd, "user", c.etcd.user));
        LBDECK_TRY(u"etcd"_s, readString(*etcd, "ca_file", c.etcd.tls.caFile));
        LBDECK_TRY(u"etcd"_s, readString(*etcd, "cert_file", c.etcd.tls.certFile));
        LBDECK_TRY(u"etcd"_s, readString(*etcd, "key_file", c.etcd.tls.keyFile));
        qint64 timeout = c.etcd.timeout.count();
        LBDECK_TRY(u"etcd"_s, readInt(*etcd, "timeout_ms", timeout, 100, 600000));
        c.etcd.timeout = std::chrono::milliseconds(timeout);
    }
    if (c.etcd.endpoints.isEmpty())
        c.etcd.endpoints = {u"http://127.0.0.1:2379"_s};

    if (const toml::array* sources = doc["source"].as_array()) {
        c.sources.clear();
        c.sourcesDeclared = true;
        for (const toml::node& n : *sources) {
            const toml::table* s = n.as_table();
            if (!s)
                return makeError(ErrorCode::InvalidArgument, u"[[source]] entries must be tables"_s,
                                 fileName);
            EngineSource src;
            QString prefix = QString::fromUtf8(src.prefix);
            LBDECK_TRY(u"source"_s, readString(*s, "prefix", prefix));
            if (!prefix.startsWith(u'/'))
                return makeError(ErrorCode::InvalidArgument, u"[source] prefix must start with '/'"_s,
                                 fileName);
            src.prefix = prefix.toUtf8();
            QString kind = u"backends"_s;
            LBDECK_TRY(u"source"_s, readString(*s, "kind", kind));
            if (kind == u"backends"_s)
                src.kind = SourceKind::Backends;
            else if (kind == u"raw"_s)
                src.kind = SourceKind::Raw;
            else if (kind == u"verbatim"_s)
                src.kind = SourceKind::Verbatim;
            else
                return makeError(ErrorCode::InvalidArgument,
                                 u"[source] kind must be \"backends\", \"raw\" or \"verbatim\""_s, fileName);
            c.sources.append(src);
        }
    }
    if (const toml::table* engine = doc["engine"].as_table()) {
        LBDECK_TRY(u"engine"_s, readInt(*engine, "quiet_ms", c.quietMs, 0, 60000));
        LBDECK_TRY(u"engine"_s, readInt(*engine, "max_wait_ms", c.maxWaitMs, 0, 600000));
        LBDECK_TRY(u"engine"_s, readInt(*engine, "min_backends", c.minBackends, 0, 1000000));
        LBDECK_TRY(u"engine"_s, readBool(*engine, "empty_upstream_down", c.emptyUpstreamDown));
        LBDECK_TRY(u"engine"_s, readInt(*engine, "check_timeout_ms", c.checkTimeoutMs, 100, 600000));
        LBDECK_TRY(u"engine"_s, readInt(*engine, "reload_timeout_ms", c.reloadTimeoutMs, 100, 600000));
        LBDECK_TRY(u"engine"_s, readInt(*engine, "confirm_timeout_ms", c.confirmTimeoutMs, 0, 600000));
        LBDECK_TRY(u"engine"_s, readString(*engine, "status_listen", c.statusListen));
        LBDECK_TRY(u"engine"_s, readInt(*engine, "ledger_size", c.ledgerSize, 1, 100000));
        LBDECK_TRY(u"engine"_s, readString(*engine, "confdir", c.confdir));
    }
    if (c.maxWaitMs < c.quietMs)
        return makeError(ErrorCode::InvalidArgument, u"[engine] max_wait_ms must not be below quiet_ms"_s,
                         fileName);
    if (const toml::table* nginx = doc["nginx"].as_table()) {
        NginxTarget& n = c.nginx;
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "dest", n.dest));
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "binary", n.binary));
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "prefix", n.prefix));
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "pid_file", n.pidFile));
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "error_log", n.errorLog));
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "temp_dir", n.tempDir));
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "user", n.user));
        LBDECK_TRY(u"nginx"_s, readInt(*nginx, "workers", n.workers, 1, 1024));
        LBDECK_TRY(u"nginx"_s,
                   readInt(*nginx, "worker_shutdown_timeout_s", n.workerShutdownTimeoutS, 0, 86400));
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "listen", n.listen));
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "status_listen", n.statusListen));
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "upstream", n.upstream));
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "template", n.templateFile));
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "container", n.container));
        LBDECK_TRY(u"nginx"_s, readString(*nginx, "docker", n.docker));
    }
    if (const toml::table* traffic = doc["traffic"].as_table()) {
        traffic::TrafficConfig& t = c.traffic;
        LBDECK_TRY(u"traffic"_s, readBool(*traffic, "capture", t.capture));
        LBDECK_TRY(u"traffic"_s, readString(*traffic, "interface", t.interface));
        LBDECK_TRY(u"traffic"_s, readInt(*traffic, "buffer_size", t.bufferSizeBytes, 65536, 1 << 30));
        LBDECK_TRY(u"traffic"_s, readInt(*traffic, "flow_capacity", t.flowCapacity, 0, 1 << 24));
        LBDECK_TRY(u"traffic"_s, readInt(*traffic, "lines_per_second", t.linesPerSecond, 0, 100000));
        LBDECK_TRY(u"traffic"_s, readString(*traffic, "access_log_socket", t.accessLogSocket));
        LBDECK_TRY(u"traffic"_s, readString(*traffic, "access_log_user", t.accessLogUser));
        if (!t.accessLogSocket.isEmpty() && !t.accessLogSocket.startsWith(u'/'))
            return makeError(ErrorCode::InvalidArgument,
                             u"[traffic] access_log_socket must be an absolute path"_s, fileName);
        c.nginx.accessLogSocket = t.accessLogSocket;
        if (const toml::array* ports = (*traffic)["front_ports"].as_array()) {
            for (const toml::node& n : *ports) {
                const auto v = n.value<int64_t>();
                if (!v || *v < 1 || *v > 65535)
                    return makeError(ErrorCode::InvalidArgument,
                                     u"[traffic] front_ports must be ports (1 to 65535)"_s, fileName);
                t.frontPorts.append(quint16(*v));
            }
        }
    }
    // The built-in target's listen ("80", "127.0.0.1:8080", "[::]:80"): where clients come in.
    if (c.traffic.frontPorts.isEmpty() && c.confdir.isEmpty()) {
        bool ok = false;
        const uint port = c.nginx.listen.section(u' ', 0, 0).section(u':', -1).toUInt(&ok);
        if (ok && port > 0 && port < 65536)
            c.traffic.frontPorts.append(quint16(port));
    }
#undef LBDECK_TRY
    if (c.confdir.isEmpty() && c.nginx.dest.isEmpty())
        return makeError(
            ErrorCode::InvalidArgument,
            u"say where the config goes: [nginx] dest = \"/etc/nginx/nginx.conf\", or [engine] confdir"_s,
            fileName);
    return c;
}

Result<EngineConfig> EngineConfig::load(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"cannot read the config: %1"_s.arg(f.errorString()), path);
    return parse(f.readAll(), path);
}

} // namespace lbdeck
