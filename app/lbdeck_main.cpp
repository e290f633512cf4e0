// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// lbdeck: the desktop control panel.
#include "core/cluster/ClusterSession.h"
#include "core/cluster/ProfileStore.h"
#include "core/ssh/RuntimeDirectory.h"
#include "core/util/UnixSignals.h"
#include "ui/MainWindow.h"
#include "ui/Screenshots.h"
#include "ui/SecretStore.h"
#include "ui/models/BackendsModel.h"
#include "ui/models/EventLogModel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QFile>
#include <QIcon>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <csignal>

using namespace Qt::StringLiterals;

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"lbdeck"_s);
    QApplication::setApplicationName(u"lbdeck"_s);
    QApplication::setApplicationVersion(u"0.1.0"_s);
    QApplication::setDesktopFileName(u"io.github.lbdeck"_s);
    QApplication::setWindowIcon(QIcon(u":/lbdeck/icons/lbdeck.svg"_s));

    QCommandLineParser cli;
    cli.setApplicationDescription(u"Control panel for an etcd + nginx load-balanced cluster."_s);
    cli.addHelpOption();
    cli.addVersionOption();
    const QCommandLineOption profileOption(u"profile"_s, u"Open this saved cluster profile."_s, u"name"_s);
    const QCommandLineOption profileFileOption(u"profile-file"_s,
                                               u"Open the cluster profile in this JSON file."_s, u"file"_s);
    QCommandLineOption screenshotsOption(
        u"screenshots"_s, u"Save a PNG of each view into this directory once the data is live, then quit."_s,
        u"dir"_s);
    screenshotsOption.setFlags(QCommandLineOption::HiddenFromHelp);
    const QCommandLineOption etcdOption(u"etcd"_s, u"etcd client URL(s), comma-separated."_s, u"urls"_s);
    const QCommandLineOption apiOption(u"api"_s, u"etcd API: auto, v3 or v2."_s, u"api"_s, u"auto"_s);
    const QCommandLineOption prefixOption(u"prefix"_s, u"Key prefix backends register under."_s, u"prefix"_s,
                                          u"/test/"_s);
    const QCommandLineOption engineOption(
        u"engine"_s, u"The engine's status endpoint, e.g. http://127.0.0.1:9913."_s, u"url"_s);
    const QCommandLineOption nameOption(u"title"_s, u"Cluster name shown in the title."_s, u"name"_s,
                                        u"local"_s);
    // For bench_ui: print when the first backend row is on screen, then quit.
    QCommandLineOption firstRowOption(u"exit-after-first-row"_s,
                                      u"Benchmarks: exit once a backend row is shown."_s);
    firstRowOption.setFlags(QCommandLineOption::HiddenFromHelp);
    cli.addOptions({profileOption, etcdOption, apiOption, prefixOption, engineOption, nameOption,
                    firstRowOption, profileFileOption, screenshotsOption});
    cli.process(app);

    lbdeck::ClusterProfile profile;
    if (cli.isSet(profileFileOption)) {
        QFile f(cli.value(profileFileOption));
        if (!f.open(QIODevice::ReadOnly)) {
            QTextStream(stderr) << "lbdeck: cannot read " << f.fileName() << ": " << f.errorString() << "\n";
            return 2;
        }
        profile = lbdeck::ClusterProfile::fromJson(QJsonDocument::fromJson(f.readAll()).object());
    } else if (cli.isSet(profileOption)) {
        lbdeck::Result<lbdeck::ClusterProfile> loaded = lbdeck::ProfileStore().load(cli.value(profileOption));
        if (!loaded) {
            QTextStream(stderr) << "lbdeck: " << loaded.error().toString() << "\n";
            return 2;
        }
        profile = *loaded;
    } else {
        profile = lbdeck::ProfileStore::fromEnvironment();
        profile.name = cli.value(nameOption);
        profile.nodes.clear();
    }
    if (cli.isSet(etcdOption))
        profile.etcd.endpoints = cli.value(etcdOption).split(u',', Qt::SkipEmptyParts);
    if (cli.isSet(apiOption) || (!cli.isSet(profileOption) && !cli.isSet(profileFileOption))) {
        const QString api = cli.value(apiOption).toLower();
        profile.etcd.api = api == u"v2"_s   ? lbdeck::EtcdApi::V2
                           : api == u"v3"_s ? lbdeck::EtcdApi::V3
                                            : lbdeck::EtcdApi::Auto;
    }
    if (cli.isSet(prefixOption))
        profile.prefix = cli.value(prefixOption).toUtf8();
    if (cli.isSet(engineOption)) {
        profile.balancer().engine = lbdeck::BalancerProfile::Engine::Remote;
        profile.balancer().engineStatusUrl = cli.value(engineOption);
    }

    // Sockets of a run that was killed (kill -9, a crash) are gone with it; their directories are
    // not. Those of an lbdeck still running are left alone.
    lbdeck::RuntimeDirectory::removeStale(lbdeck::RuntimeDirectory::base());
    // Before the session, so that it outlives it: a second signal during the clean-up is caught too.
    lbdeck::UnixSignals stopSignals({SIGTERM, SIGINT});

    lbdeck::ClusterSession session(profile);
    lbdeck::MainWindow window;
    window.setSession(&session);
    window.show();
    // SIGTERM and SIGINT end the event loop, so that the destructors of the session and the window
    // run: they stop the ssh children and remove the runtime directories. close() saves the layout.
    QObject::connect(&stopSignals, &lbdeck::UnixSignals::received, &window, [&window] {
        window.close();
        QCoreApplication::exit(0);
    });
    // The etcd password lives in the keychain only; a cluster without a user needs none.
    lbdeck::SecretStore secrets;
    if (profile.etcd.user.isEmpty()) {
        session.open();
    } else {
        secrets.read(
            lbdeck::SecretStore::etcdPasswordKey(profile.name), &session,
            [&session, &window](const lbdeck::Result<QString>& password) {
                if (!password)
                    window.eventLog()->append(
                        QObject::tr("No etcd password from the keychain (%1); connecting without one")
                            .arg(password.error().toString()),
                        true);
                session.open(password ? *password : QString());
            });
    }
    if (cli.isSet(screenshotsOption))
        lbdeck::takeScreenshots(&window, cli.value(screenshotsOption));
    if (cli.isSet(firstRowOption)) {
        auto report = [&window] {
            if (window.backendsModel()->rowCount() == 0)
                return;
            // Once the rows are painted, not merely in the model.
            QMetaObject::invokeMethod(
                &window,
                [&window] {
                    window.repaint();
                    QTextStream(stdout) << "first-row " << QDateTime::currentMSecsSinceEpoch() << Qt::endl;
                    QCoreApplication::exit(0);
                },
                Qt::QueuedConnection);
        };
        QObject::connect(window.backendsModel(), &QAbstractItemModel::rowsInserted, &window, report);
        QObject::connect(window.backendsModel(), &QAbstractItemModel::modelReset, &window, report);
    }
    return app.exec();
}
