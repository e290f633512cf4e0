// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// lbdeck: the desktop control panel.
#include "core/cluster/ClusterSession.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

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
    const QCommandLineOption etcdOption(u"etcd"_s, u"etcd client URL(s), comma-separated."_s, u"urls"_s,
                                        u"http://127.0.0.1:2379"_s);
    const QCommandLineOption apiOption(u"api"_s, u"etcd API: auto, v3 or v2."_s, u"api"_s, u"auto"_s);
    const QCommandLineOption prefixOption(u"prefix"_s, u"Key prefix backends register under."_s, u"prefix"_s,
                                          u"/test/"_s);
    const QCommandLineOption titleOption(u"title"_s, u"Cluster name shown in the title."_s, u"name"_s,
                                         u"local"_s);
    cli.addOptions({etcdOption, apiOption, prefixOption, titleOption});
    cli.process(app);

    lbdeck::EtcdConfig etcd;
    etcd.endpoints = cli.value(etcdOption).split(u',', Qt::SkipEmptyParts);
    const QString api = cli.value(apiOption).toLower();
    etcd.api = api == u"v2"_s   ? lbdeck::EtcdApi::V2
               : api == u"v3"_s ? lbdeck::EtcdApi::V3
                                : lbdeck::EtcdApi::Auto;

    lbdeck::ClusterSession session(etcd, cli.value(prefixOption).toUtf8());
    lbdeck::MainWindow window;
    window.setSession(&session, cli.value(titleOption));
    window.show();
    session.open();
    return app.exec();
}
