// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// lbdeck-engine: the headless reconciler for the load-balancer node (what confd did in the seed).
#include "core/cluster/Registrar.h"
#include "core/confd/ConfdMain.h"
#include "core/docker/DockerClient.h"
#include "core/engine/ConfigRenderer.h"
#include "core/engine/Engine.h"
#include "core/engine/StatusServer.h"
#include "core/etcd/EtcdV3Client.h"
#include "core/traffic/TrafficService.h"
#include "core/util/ChildReaper.h"
#include "core/util/Logging.h"
#include "core/util/UnixSignals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>
#include <QTimer>

#include <csignal>
#include <cstdio>

using namespace lbdeck;
using namespace Qt::StringLiterals;

namespace {

const char* const Help = R"(
Verbs:
  run        watch etcd and keep the config current (default)
  confd      run as confd, with confd's flags: lbdeck-engine confd -onetime -backend etcdv3
             -node http://127.0.0.1:2379 -confdir /etc/confd (also when invoked as "confd")
  render     print the config the current etcd state gives, change nothing
  template   print the built-in nginx template (a starting point for your own)
  register   keep this node's labelled containers (io.lbdeck.key = io.lbdeck.address) in etcd on
             one lease: lbdeck-engine register --docker unix:///var/run/docker.sock
             --etcd http://127.0.0.1:2379 [--prefix /test/] [--ttl 15]; when this process dies, the
             keys expire. Only keys under the prefix are written: a label naming another is refused

Exit codes:
  0  done (run: stopped by SIGTERM/SIGINT)
  1  a config could not be put live (check, install or reload failed)
  2  bad command line or configuration file
  3  etcd did not answer (--onetime, --noop, render)
  4  no valid backend: the last good config was kept (--onetime, render)
  register: 0 stopped by SIGTERM/SIGINT, lease revoked (keys gone); 2 bad command line or etcd not
     v3; 3 etcd did not answer the revoke (keys go when the lease expires)

Signals: SIGTERM/SIGINT finish the step in progress and exit; SIGHUP re-reads the configuration.
The etcd password, when the cluster needs one, is read from $CREDENTIALS_DIRECTORY/etcd-password
(systemd LoadCredential=) or $LBDECK_ETCD_PASSWORD; it is never logged.)";

// journald reads "<N>" priority prefixes on stderr; a terminal gets time and level instead.
void installMessageFormat()
{
    if (qEnvironmentVariableIsSet("JOURNAL_STREAM")) {
        qSetMessagePattern(u"%{if-debug}<7>%{endif}%{if-info}<6>%{endif}%{if-warning}<4>%{endif}"
                           u"%{if-critical}<2>%{endif}%{if-fatal}<0>%{endif}%{category}: %{message}"_s);
    } else {
        qSetMessagePattern(u"%{time yyyy-MM-dd HH:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info %{endif}"
                           u"%{if-warning}warn %{endif}%{if-critical}error%{endif}%{if-fatal}fatal%{endif} "
                           u"%{category}: %{message}"_s);
    }
}

// The registrator role: no config file needed, only the node's Docker socket and etcd (v3: leases).
int runRegister(QCoreApplication& app, const EtcdConfig& fromFile, const QByteArray& prefixText,
                const QString& dockerUrl, const QString& ttlText, const QString& password)
{
    const Result<QByteArray> prefix = Registrar::cleanPrefix(prefixText);
    if (!prefix) {
        QTextStream(stderr) << "lbdeck-engine: --prefix: " << prefix.error().message << "\n";
        return Engine::ExitConfig;
    }
    bool ttlOk = false;
    const int ttl = ttlText.toInt(&ttlOk);
    if (!ttlOk || ttl < 1 || ttl > 3600) {
        QTextStream(stderr) << "lbdeck-engine: --ttl takes seconds, 1 to 3600\n";
        return Engine::ExitConfig;
    }
    if (fromFile.api == EtcdApi::V2) {
        QTextStream(stderr) << "lbdeck-engine: register needs the etcd v3 API (leases)\n";
        return Engine::ExitConfig;
    }
    Result<HttpEndpoint> dockerEndpoint = HttpEndpoint::parse(dockerUrl);
    if (!dockerEndpoint) {
        QTextStream(stderr) << "lbdeck-engine: --docker: " << dockerEndpoint.error().toString() << "\n";
        return Engine::ExitConfig;
    }
    DockerClient docker(*dockerEndpoint);
    EtcdV3Client etcd(fromFile);
    if (!password.isEmpty())
        etcd.setPassword(password);
    Registrar registrar(&docker, &etcd, *prefix, std::chrono::seconds(ttl));
    // SIGHUP is caught only so that it does not end the process without a revoke: nothing to re-read.
    UnixSignals signals({SIGTERM, SIGINT, SIGHUP});
    bool stopping = false;
    QObject::connect(&signals, &UnixSignals::received, &registrar, [&](int s) {
        if (s == SIGHUP) {
            qCInfo(lcEngine, "SIGHUP: %s", qPrintable(registrar.describe()));
            return;
        }
        if (stopping)
            return;
        stopping = true;
        qCInfo(lcEngine, "signal %d: revoking the lease, then exiting", s);
        registrar.stop(&app, [&app](const Result<void>& revoked) {
            app.exit(revoked ? Engine::ExitOk : Engine::ExitEtcd);
        });
    });
    registrar.start();
    return app.exec();
}

QString readPassword()
{
    const QString credentials = qEnvironmentVariable("CREDENTIALS_DIRECTORY");
    if (!credentials.isEmpty()) {
        QFile f(credentials + u"/etcd-password"_s);
        if (f.open(QIODevice::ReadOnly))
            return QString::fromUtf8(f.readAll().trimmed());
    }
    return qEnvironmentVariable("LBDECK_ETCD_PASSWORD");
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"lbdeck-engine"_s);
    QCoreApplication::setApplicationVersion(u"0.1.0"_s);
    // What a check_cmd or reload_cmd leaves behind (a setsid daemon, the children of one killed at
    // its deadline) becomes this process's child instead of init's, and is reaped here. Every child
    // of this process is started by runProcess, which keeps the reaper off its own.
    if (Result<void> subreaper = childreaper::becomeSubreaper(); !subreaper)
        qCWarning(lcEngine, "%s", qPrintable(subreaper.error().toString()));
    QTimer reaper;
    QObject::connect(&reaper, &QTimer::timeout, &app, [] { childreaper::reapOrphans(); });
    reaper.start(1000);
    // confd's command line, as `lbdeck-engine confd ...` or through a `confd` symlink.
    const QStringList args = app.arguments();
    if (QFileInfo(QString::fromLocal8Bit(argv[0])).fileName() == u"confd"_s)
        return confd::runConfdMain(app, args.mid(1));
    if (args.size() > 1 && args[1] == u"confd"_s)
        return confd::runConfdMain(app, args.mid(2));
    installMessageFormat();

    QCommandLineParser cli;
    cli.setApplicationDescription(u"Renders nginx's config from etcd, checks it, installs it atomically and "
                                  u"reloads nginx — confd-compatible."_s +
                                  QString::fromLatin1(Help));
    cli.addHelpOption();
    cli.addVersionOption();
    const QCommandLineOption configOption({u"c"_s, u"config"_s}, u"Configuration file (TOML)."_s, u"file"_s,
                                          u"/etc/lbdeck/engine.toml"_s);
    const QCommandLineOption etcdOption(
        u"etcd"_s, u"etcd client URL(s), comma-separated (overrides the file)."_s, u"urls"_s);
    const QCommandLineOption prefixOption(
        u"prefix"_s,
        u"The backend prefix to watch; register: the only prefix it writes under (overrides the file)."_s,
        u"prefix"_s);
    const QCommandLineOption onetimeOption(u"onetime"_s, u"Apply the current state once, then exit."_s);
    const QCommandLineOption noopOption(u"noop"_s,
                                        u"Print the diff the next apply would make; change nothing."_s);
    const QCommandLineOption dockerOption(u"docker"_s, u"register: this node's Docker socket."_s, u"url"_s,
                                          u"unix:///var/run/docker.sock"_s);
    const QCommandLineOption ttlOption(u"ttl"_s, u"register: lease TTL in seconds."_s, u"seconds"_s, u"15"_s);
    cli.addOptions(
        {configOption, etcdOption, prefixOption, onetimeOption, noopOption, dockerOption, ttlOption});
    cli.addPositionalArgument(u"verb"_s, u"run (default), render, template or register."_s, u"[verb]"_s);
    if (!cli.parse(app.arguments())) {
        QTextStream(stderr) << "lbdeck-engine: " << cli.errorText() << "\n";
        return Engine::ExitConfig;
    }
    if (cli.isSet(u"help"_s))
        cli.showHelp(0);
    if (cli.isSet(u"version"_s))
        cli.showVersion();
    const QString verb = cli.positionalArguments().value(0, u"run"_s);
    if (verb == u"template"_s) {
        QTextStream(stdout) << ConfigRenderer::builtinTemplateText();
        return 0;
    }
    if (verb == u"register"_s) {
        // The config file is optional here: only its [etcd] section (TLS, user) and its first
        // [[source]] prefix are used, when given.
        // Keys go only under the prefix: --prefix, else the file's first [[source]], else /test/.
        EtcdConfig etcd;
        etcd.endpoints = {u"http://127.0.0.1:2379"_s};
        QByteArray prefix = EngineSource{}.prefix;
        if (cli.isSet(configOption)) {
            Result<EngineConfig> c = EngineConfig::load(cli.value(configOption));
            if (!c) {
                QTextStream(stderr) << "lbdeck-engine: " << c.error().toString() << "\n";
                return Engine::ExitConfig;
            }
            etcd = c->etcd;
            if (!c->sources.isEmpty())
                prefix = c->sources.first().prefix;
        }
        if (cli.isSet(etcdOption))
            etcd.endpoints = cli.value(etcdOption).split(u',', Qt::SkipEmptyParts);
        if (cli.isSet(prefixOption))
            prefix = cli.value(prefixOption).toUtf8();
        return runRegister(app, etcd, prefix, cli.value(dockerOption), cli.value(ttlOption), readPassword());
    }
    if (verb != u"run"_s && verb != u"render"_s) {
        QTextStream(stderr) << "lbdeck-engine: unknown verb \"" << verb
                            << "\" (run, render, template, register)\n";
        return Engine::ExitConfig;
    }
    const QString configPath = cli.value(configOption);
    auto loadConfig = [&]() -> Result<EngineConfig> {
        Result<EngineConfig> c = EngineConfig::load(configPath);
        if (!c)
            return c;
        if (cli.isSet(etcdOption))
            c->etcd.endpoints = cli.value(etcdOption).split(u',', Qt::SkipEmptyParts);
        if (cli.isSet(prefixOption) && !c->sources.isEmpty())
            c->sources.first().prefix = cli.value(prefixOption).toUtf8();
        return c;
    };
    Result<EngineConfig> config = loadConfig();
    if (!config) {
        QTextStream(stderr) << "lbdeck-engine: " << config.error().toString() << "\n";
        return Engine::ExitConfig;
    }

    Engine engine(*config);
    engine.setPassword(readPassword());
    const bool render = verb == u"render"_s;
    Engine::Mode mode = Engine::Mode::Run;
    if (render || cli.isSet(noopOption))
        mode = Engine::Mode::Noop;
    else if (cli.isSet(onetimeOption))
        mode = Engine::Mode::Once;

    StatusServer status(&engine);
    if (mode == Engine::Mode::Run && !config->statusListen.isEmpty()) {
        Result<quint16> port = status.listen(config->statusListen);
        if (!port) {
            QTextStream(stderr) << "lbdeck-engine: status endpoint: " << port.error().toString() << "\n";
            return Engine::ExitConfig;
        }
        qCInfo(lcEngine, "status endpoint on http://%s",
               qPrintable(config->statusListen.section(u':', 0, -2) + u':' + QString::number(*port)));
    }

    // Traffic counting runs beside the engine, on what nginx serves; its failures (no capture
    // permission) are reported on /traffic and never stop the engine.
    std::unique_ptr<traffic::TrafficService> trafficService;
    if (mode == Engine::Mode::Run && !config->statusListen.isEmpty()) {
        trafficService = std::make_unique<traffic::TrafficService>(config->traffic);
        trafficService->start(engine.servedValues());
        status.setTraffic(trafficService.get());
        const auto follow = [&engine, t = trafficService.get()] { t->setUpstreams(engine.servedValues()); };
        QObject::connect(&engine, &Engine::entryRecorded, trafficService.get(), follow);
        QObject::connect(&engine, &Engine::statusChanged, trafficService.get(), follow);
    }

    UnixSignals signals({SIGTERM, SIGINT, SIGHUP});
    QObject::connect(&signals, &UnixSignals::received, &engine, [&](int s) {
        if (s == SIGHUP) {
            Result<EngineConfig> fresh = loadConfig();
            Result<void> applied = fresh ? engine.reconfigure(*fresh) : Result<void>(fresh.error());
            if (applied && engine.hasQueuedConfig())
                qCInfo(lcEngine,
                       "SIGHUP: configuration re-read from %s; it applies when the deploy in "
                       "progress is done",
                       qPrintable(configPath));
            else if (applied)
                qCInfo(lcEngine, "SIGHUP: configuration re-read from %s", qPrintable(configPath));
            else
                qCWarning(lcEngine, "SIGHUP: keeping the current configuration: %s",
                          qPrintable(applied.error().toString()));
            return;
        }
        qCInfo(lcEngine, "signal %d: finishing the step in progress, then exiting", s);
        engine.shutdown();
    });
    QObject::connect(&engine, &Engine::finished, &app, [&](int code) {
        if (render) {
            std::fwrite(engine.lastRendered().constData(), 1, size_t(engine.lastRendered().size()), stdout);
            std::fflush(stdout);
        } else if (mode == Engine::Mode::Noop) {
            QTextStream(stdout) << engine.noopDiff();
        }
        app.exit(code);
    });
    if (Result<void> started = engine.start(mode); !started) {
        QTextStream(stderr) << "lbdeck-engine: " << started.error().toString() << "\n";
        return Engine::ExitConfig;
    }
    return app.exec();
}
