// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// lbdeck-testbed: starts the real services of a local demo cluster on loopback, prints where they
// listen (JSON), and stops them all on SIGINT/SIGTERM. Used by tools/demo and by the tests that
// check nothing is left behind.
#include "DockerDaemon.h"
#include "EtcdServer.h"
#include "NginxServer.h"
#include "SshServer.h"
#include "core/util/UnixSignals.h"
#include "demo/DemoCluster.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTextStream>

#include <csignal>
#include <memory>

using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(u"Starts a local demo cluster for lbdeck on loopback."_s);
    cli.addHelpOption();
    const QCommandLineOption servicesOption(u"services"_s, u"Services to start: etcd,nginx,ssh,docker"_s,
                                            u"list"_s, u"etcd"_s);
    const QCommandLineOption seedOption(u"seed"_s, u"Put the seed's two backends into etcd under /test/."_s);
    const QCommandLineOption stateOption(u"state"_s, u"Also write the endpoints (JSON) to this file."_s,
                                         u"file"_s);
    const QCommandLineOption demoOption(
        u"demo"_s, u"The whole demo cluster (etcd, backends in Docker, nginx, "
                   u"lbdeck-engine, an ssh:// node); {profile} in the command is its profile."_s);
    const QCommandLineOption loadOption(
        u"load"_s, u"With --demo: requests per second through nginx (default 5)."_s, u"n"_s, u"5"_s);
    cli.addOptions({servicesOption, seedOption, stateOption, demoOption, loadOption});
    cli.addPositionalArgument(
        u"command"_s,
        u"Optional: a command to run once the services are up (after --); {etcd}, {docker},"
        u" {ssh-port}, {nginx-port} in it are replaced. The services stop when it exits."_s,
        u"[-- command...]"_s);
    cli.process(app);
    const QStringList services =
        cli.isSet(demoOption) ? QStringList() : cli.value(servicesOption).split(u',', Qt::SkipEmptyParts);
    QTextStream err(stderr);

    lbdeck::UnixSignals signals({SIGINT, SIGTERM});
    QObject::connect(&signals, &lbdeck::UnixSignals::received, &app, [&app](int) { app.quit(); });

    QJsonObject state;
    std::unique_ptr<DemoCluster> demo;
    QStringList commandEnvironment;
    if (cli.isSet(demoOption)) {
        demo = std::make_unique<DemoCluster>();
        const QString binDir = QCoreApplication::applicationDirPath() + u"/../../app"_s;
        if (const QString e = demo->start(binDir); !e.isEmpty()) {
            err << "lbdeck-testbed: " << e << Qt::endl;
            return 1;
        }
        demo->startLoad(cli.value(loadOption).toInt());
        err << demo->summary() << Qt::flush;
        state = demo->state();
        commandEnvironment = demo->environment();
    }
    std::unique_ptr<EtcdServer> etcd;
    std::unique_ptr<NginxServer> nginx;
    std::unique_ptr<SshServer> ssh;
    std::unique_ptr<DockerDaemon> docker;
    auto fail = [&err](const QString& what, const QString& why) {
        err << "lbdeck-testbed: " << what << ": " << why << Qt::endl;
        return 1;
    };

    if (services.contains(u"etcd"_s)) {
        etcd = std::make_unique<EtcdServer>();
        if (const QString e = etcd->start(); !e.isEmpty())
            return fail(u"etcd"_s, e);
        state[u"etcd"_s] = etcd->clientUrl();
        state[u"etcdDataDir"_s] = etcd->dataDir();
        if (cli.isSet(seedOption)) {
            for (const auto& [key, value] : {std::pair{u"/test/apache-8001"_s, u"127.0.1.3:8001"_s},
                                             std::pair{u"/test/apache-8002"_s, u"127.0.1.2:8002"_s}}) {
                if (const QString e = etcd->etcdctl({u"put"_s, key, value}); !e.isEmpty())
                    return fail(u"seeding etcd"_s, e);
            }
        }
    }
    if (services.contains(u"nginx"_s)) {
        nginx = std::make_unique<NginxServer>();
        if (const QString e = nginx->start(
                u"server { listen 127.0.0.1:@PORT@; location / { return 200 \"lbdeck demo\\n\"; } }"_s);
            !e.isEmpty())
            return fail(u"nginx"_s, e);
        state[u"nginx"_s] = QJsonObject{{u"port"_s, nginx->port()},
                                        {u"prefix"_s, nginx->prefix()},
                                        {u"conf"_s, nginx->confPath()},
                                        {u"pidFile"_s, nginx->pidFile()}};
    }
    if (services.contains(u"ssh"_s)) {
        ssh = std::make_unique<SshServer>();
        if (const QString e = ssh->start(); !e.isEmpty())
            return fail(u"sshd"_s, e);
        state[u"ssh"_s] = QJsonObject{{u"port"_s, ssh->port()},
                                      {u"user"_s, ssh->user()},
                                      {u"identity"_s, ssh->clientKey()},
                                      {u"knownHostsLine"_s, ssh->knownHostsLine()},
                                      {u"fingerprint"_s, ssh->hostKeyFingerprint()}};
    }
    if (services.contains(u"docker"_s)) {
        docker = std::make_unique<DockerDaemon>();
        if (const QString e = docker->start(); !e.isEmpty())
            return fail(u"dockerd"_s, e);
        if (const QString e = docker->buildBackendImage(); !e.isEmpty())
            return fail(u"backend image"_s, e);
        state[u"docker"_s] = docker->host();
        state[u"dockerSocket"_s] = docker->socketPath();
        state[u"backendImage"_s] = DockerDaemon::backendImage();
    }
    state[u"pid"_s] = QCoreApplication::applicationPid();
    const QByteArray json = QJsonDocument(state).toJson(QJsonDocument::Indented);
    if (cli.isSet(stateOption)) {
        QFile f(cli.value(stateOption));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(json) != json.size())
            return fail(u"state file"_s, f.errorString());
    }
    QTextStream(stdout) << json << Qt::flush;

    QProcess command;
    QStringList commandLine = cli.positionalArguments();
    if (!commandLine.isEmpty()) {
        for (QString& arg : commandLine) {
            arg.replace(u"{profile}"_s, state.value(u"profile"_s).toString());
            arg.replace(u"{etcd}"_s, state.value(u"etcd"_s).toString())
                .replace(u"{docker}"_s, state.value(u"docker"_s).toString())
                .replace(u"{ssh-port}"_s,
                         QString::number(state.value(u"ssh"_s).toObject().value(u"port"_s).toInt()))
                .replace(u"{nginx-port}"_s,
                         QString::number(state.value(u"nginx"_s).toObject().value(u"port"_s).toInt()));
        }
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString& kv : std::as_const(commandEnvironment))
            env.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
        command.setProcessEnvironment(env);
        command.setProcessChannelMode(QProcess::ForwardedChannels);
        command.setInputChannelMode(QProcess::ForwardedInputChannel);
        QObject::connect(&command, &QProcess::finished, &app, [&app](int code) { app.exit(code); });
        QObject::connect(&command, &QProcess::errorOccurred, &app, [&](QProcess::ProcessError e) {
            if (e == QProcess::FailedToStart) {
                err << "lbdeck-testbed: cannot start " << commandLine.first() << ": " << command.errorString()
                    << Qt::endl;
                app.exit(127);
            }
        });
        command.start(commandLine.first(), commandLine.mid(1));
    }
    const int rc = app.exec();
    if (command.state() != QProcess::NotRunning) {
        command.terminate();
        if (!command.waitForFinished(5000))
            command.kill();
    }
    err << "lbdeck-testbed: stopping" << Qt::endl;
    return rc;
}
