// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConfdMain.h"

#include "ConfdLog.h"
#include "ConfdRunner.h"
#include "EnvBackend.h"
#include "EtcdBackend.h"
#include "FileBackend.h"
#include "core/util/UnixSignals.h"

#include <QCoreApplication>
#include <QUrl>

#include <csignal>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace lbdeck::confd {

namespace {

void printErr(const QString& text)
{
    const QByteArray b = text.toUtf8();
    std::fwrite(b.constData(), 1, size_t(b.size()), stderr);
}

// Qt's and lbdeck's own messages (the etcd client's, say) are confd DEBUG lines: a confd user sees
// confd's lines only, and -log-level debug shows the rest.
void messageHandler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    const QString category = QString::fromLatin1(context.category ? context.category : "default");
    const ConfdLog::Level level = type == QtFatalMsg ? ConfdLog::Level::Fatal : ConfdLog::Level::Debug;
    ConfdLog::write(level, category + u": "_s + message);
}

// A node as confd takes it: a URL, or host:port (then -scheme says http or https).
QString nodeUrl(const QString& node, const QString& scheme)
{
    return node.contains(u"://"_s) ? node : scheme + u"://"_s + node;
}

Backend* makeBackend(const ConfdOptions& o, QObject* parent)
{
    switch (o.backend) {
    case BackendKind::File:
        return new FileBackend(o.files, o.filter, parent);
    case BackendKind::Env:
        return new EnvBackend(parent);
    case BackendKind::EtcdV3:
    case BackendKind::EtcdV2:
        break;
    }
    EtcdConfig config;
    for (const QString& n : o.nodes)
        config.endpoints << nodeUrl(n, o.scheme);
    config.tls.certFile = o.clientCert;
    config.tls.keyFile = o.clientKey;
    config.tls.caFile = o.clientCaKeys;
    config.api = o.backend == BackendKind::EtcdV2 ? EtcdApi::V2 : EtcdApi::V3;
    QString password;
    if (o.basicAuth || !o.username.isEmpty()) {
        config.user = o.username;
        password = o.password;
    }
    return new EtcdBackend(config, config.api, password, parent);
}

} // namespace

int runConfdMain(QCoreApplication& app, const QStringList& args)
{
    qInstallMessageHandler(messageHandler);
    Result<ConfdOptions> options = ConfdOptions::fromArguments(args);
    if (!options) {
        if (options.error().code == ErrorCode::InvalidArgument) {
            // Go's flag package: the error, then the usage, exit 2.
            printErr(options.error().message + u"\nUsage of confd:\n"_s);
            printErr(ConfdOptions::fromArguments({u"-version"_s})->usage);
            return 2;
        }
        ConfdLog::fatal(options.error().message);
        return 1;
    }
    if (options->help) {
        printErr(u"Usage of confd:\n"_s + options->usage);
        return 0;
    }
    if (options->printVersion) {
        std::printf("confd 0.16.0-compatible (lbdeck-engine %s)\n",
                    qPrintable(QCoreApplication::applicationVersion()));
        return 0;
    }
    ConfdLog::setLevel(options->logLevel);
    ConfdLog::info(u"Backend set to "_s + options->backendName);
    ConfdLog::info(u"Starting confd"_s);
    Backend* backend = makeBackend(*options, &app);
    ConfdLog::info(u"Backend source(s) set to "_s + backend->sources());

    ConfdRunner runner(*options, backend);
    UnixSignals signals({SIGTERM, SIGINT});
    QObject::connect(&signals, &UnixSignals::received, &runner, [&runner](int s) {
        ConfdLog::info(u"Captured %1. Exiting..."_s.arg(s == SIGINT ? u"interrupt"_s : u"terminated"_s));
        runner.stop();
    });
    QObject::connect(&runner, &ConfdRunner::finished, &app, [&app](int code) { app.exit(code); });
    runner.start();
    const int code = app.exec();
    delete backend;
    return code;
}

} // namespace lbdeck::confd
