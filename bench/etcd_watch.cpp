// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// bench_etcd_watch: latency from an etcd put to the watch event, over N puts on loopback, for
// lbdeck's v3 watch and, in the same run against the same etcd, for `etcdctl watch` (the anchor).
// The watchers take turns in blocks so both see the same machine state.
#include "BenchUtil.h"
#include "core/etcd/EtcdV3Client.h"
#include "core/etcd/EtcdV3Watch.h"
#include "tests/testbed/EtcdServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTimer>

#include <optional>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

using lbdeck::bench::waitFor;

// Puts key=value with our client and returns when the put call itself returned.
bool put(EtcdV3Client& client, const QByteArray& key, const QByteArray& value)
{
    std::optional<bool> ok;
    QObject ctx;
    client.put(key, value, 0, &ctx, [&ok](const Result<qint64>& r) { ok = r.ok(); });
    return waitFor([&] { return ok.has_value(); }) && *ok;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    const QCommandLineOption countOption(u"puts"_s, u"Puts per watcher (default 1000)."_s, u"n"_s, u"1000"_s);
    cli.addOption(countOption);
    cli.addHelpOption();
    cli.process(app);
    const int total = qMax(10, cli.value(countOption).toInt());
    const int block = qMax(1, total / 4);

    EtcdServer etcd;
    if (const QString e = etcd.start(); !e.isEmpty()) {
        qCritical("%s", qPrintable(e));
        return 1;
    }
    EtcdConfig config;
    config.endpoints = {etcd.clientUrl()};
    EtcdV3Client writer(config);
    EtcdV3Client watcherClient(config);

    // Our watcher.
    QByteArray lastOurs;
    EtcdWatch* watch = watcherClient.watchPrefix("/bench/", 0, &app);
    QObject::connect(
        watch, &EtcdWatch::eventsReceived, &app,
        [&lastOurs](const QList<WatchEvent>& events, qint64) { lastOurs = events.last().kv.value; });
    // The anchor: etcdctl watch, reading its stdout ("PUT\n<key>\n<value>\n" per event).
    QProcess etcdctl;
    QByteArray lastTheirs;
    QByteArray pending;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"ETCDCTL_API"_s, u"3"_s);
    etcdctl.setProcessEnvironment(env);
    QObject::connect(&etcdctl, &QProcess::readyReadStandardOutput, &app, [&] {
        pending += etcdctl.readAllStandardOutput();
        QList<QByteArray> lines = pending.split('\n');
        pending = lines.takeLast();
        for (const QByteArray& l : lines) {
            if (l != "PUT" && l != "DELETE" && !l.startsWith("/bench/"))
                lastTheirs = l; // the value line of "PUT\n<key>\n<value>"
        }
    });
    etcdctl.start(u"etcdctl"_s,
                  {u"--endpoints"_s, etcd.clientUrl(), u"watch"_s, u"--prefix"_s, u"/bench/"_s});
    if (!etcdctl.waitForStarted() || !waitFor([&] { return watch->isConnected(); })) {
        qCritical("watchers did not start");
        return 1;
    }
    // Warm up both paths (connections, etcdctl's own start), then let etcdctl settle.
    for (int i = 0; i < 20; ++i) {
        const QByteArray v = "warm" + QByteArray::number(i);
        put(writer, "/bench/k", v);
        waitFor([&] { return lastOurs == v && lastTheirs == v; });
    }

    QList<double> ours;
    QList<double> theirs;
    QElapsedTimer clock;
    int sequence = 0;
    for (int round = 0; round < 4; ++round) {
        for (int who = 0; who < 2; ++who) {
            QList<double>& samples = who == 0 ? ours : theirs;
            QByteArray& last = who == 0 ? lastOurs : lastTheirs;
            for (int i = 0; i < block; ++i) {
                const QByteArray v = "v" + QByteArray::number(++sequence);
                clock.start();
                if (!put(writer, "/bench/k", v)) {
                    qCritical("put failed");
                    return 1;
                }
                if (!waitFor([&] { return last == v; })) {
                    qCritical("no watch event for %s", v.constData());
                    return 1;
                }
                samples << double(clock.nsecsElapsed()) / 1e6;
                // The other watcher sees the same event; let it drain before the next sample.
                QByteArray& other = who == 0 ? lastTheirs : lastOurs;
                waitFor([&] { return other == v; });
            }
        }
    }
    etcdctl.kill();
    etcdctl.waitForFinished();

    const double p50 = bench::percentile(ours, 50), p99 = bench::percentile(ours, 99);
    const double a50 = bench::percentile(theirs, 50), a99 = bench::percentile(theirs, 99);
    bench::report(u"etcd_watch.samples"_s, ours.size(), u"puts"_s);
    bench::report(u"etcd_watch.lbdeck.p50"_s, p50, u"ms"_s);
    bench::report(u"etcd_watch.lbdeck.p99"_s, p99, u"ms"_s);
    bench::report(u"etcd_watch.etcdctl.p50"_s, a50, u"ms"_s);
    bench::report(u"etcd_watch.etcdctl.p99"_s, a99, u"ms"_s);
    bench::summary(u"put-to-event p99: lbdeck %1 ms, etcdctl watch %2 ms (goal lbdeck <= etcdctl): %3"_s
                       .arg(p99, 0, 'f', 3)
                       .arg(a99, 0, 'f', 3)
                       .arg(p99 <= a99 ? u"met"_s : u"NOT met"_s));
    return 0;
}
