// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/etcd/EtcdTypes.h"
#include "core/traffic/TrafficConfig.h"
#include "core/util/Result.h"

#include <QString>
#include <QStringList>

namespace lbdeck {

// What the values under a source prefix must look like before they may reach a config.
enum class SourceKind
{
    Backends, // host:port, strictly (BackendAddress)
    Raw,      // anything a config can hold as one token: no whitespace, quotes, ';', braces, '#', '$'
    Verbatim  // a confd resource's keys: every value byte for byte, as confd reads it; values that
              // nginx would read as syntax are only reported (ValidatedSource::warnings)
};

struct EngineSource
{
    QByteArray prefix = "/test/";
    SourceKind kind = SourceKind::Backends;
    // For Verbatim: keys under these prefixes must hold backend addresses (a resource's
    // lbdeck_backends, or a [[source]] kind = "backends" inside its keys).
    QList<QByteArray> backendPrefixes;
};

// The built-in nginx target: the seed's config, rendered from the built-in template.
struct NginxTarget
{
    QString dest; // the nginx.conf to write
    QString binary = QStringLiteral("/usr/sbin/nginx");
    QString prefix;   // nginx -p; empty: nginx's default
    QString pidFile;  // whose PID gets the HUP; also written into the config
    QString errorLog; // written into the config when set
    QString tempDir;  // client_body_temp_path and friends, when set
    QString user;     // the "user" directive, when set
    int workers = 1;
    // Old workers still serving long connections after a reload are closed after this long, so
    // generations do not pile up (nginx's worker_shutdown_timeout); 0: nginx waits for them.
    int workerShutdownTimeoutS = 30;
    QString listen = QStringLiteral("80");
    QString statusListen = QStringLiteral("127.0.0.1:9914"); // the location that says which config runs
    QString upstream = QStringLiteral("backend");
    QString templateFile; // override the built-in template text (same language)
    // nginx in a container (the seed's setup): dest is the path inside it; the node's Docker API
    // does the upload, the `nginx -t` (exec) and the HUP.
    QString container;
    QString docker = QStringLiteral("unix:///var/run/docker.sock");
    // Set: the config sends nginx's lbdeck_json access-log lines to this socket ([traffic]).
    QString accessLogSocket;
};

// lbdeck-engine's configuration (TOML, see packaging/lbdeck-engine.toml for every key).
struct EngineConfig
{
    EtcdConfig etcd;
    QList<EngineSource> sources{EngineSource{}};
    bool sourcesDeclared = false; // the file has [[source]] tables (else sources is the default)
    // Where the config goes: the built-in nginx target, or confd template resources.
    NginxTarget nginx;
    QString confdir; // set: use confd's conf.d/*.toml and templates/ instead of the built-in target

    qint64 quietMs = 25;            // gather changes until etcd was quiet this long...
    qint64 maxWaitMs = 1000;        // ...but never longer than this after the first one
    int minBackends = 1;            // fewer valid backends than this: keep the last good config, alert
    bool emptyUpstreamDown = false; // instead: render "server 127.0.0.1:1 down;" (nginx answers 502)
    qint64 checkTimeoutMs = 10000;
    qint64 reloadTimeoutMs = 10000;
    qint64 confirmTimeoutMs = 3000;
    QString statusListen =
        QStringLiteral("127.0.0.1:9913"); // the engine's own /status, /config, /metrics; empty: off
    int ledgerSize = 200;
    traffic::TrafficConfig traffic; // [traffic]: counting on the load balancer

    static Result<EngineConfig> parse(const QByteArray& toml, const QString& fileName);
    static Result<EngineConfig> load(const QString& path);
};

} // namespace lbdeck
