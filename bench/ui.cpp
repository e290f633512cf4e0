// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// bench_ui:
//  (1) time from starting the lbdeck process to its first backend row on screen (loopback etcd
//      with the seed's keys), median of 10 starts;
//  (2) 1,000 etcd changes applied to a 10,000-row backends view: time until all are shown, how
//      often the model was reset (target 0), and the longest stall of the GUI thread (target
//      <= 16 ms: one frame at 60 Hz), measured by a 1 ms timer on the GUI thread;
//  (3) the Traffic view with 1,000 backends, given a GET /traffic document every second for 20 s
//      (counters growing, documents built beforehand: the view's cost, not the HTTP layer's), plus
//      tcpdump lines: the longest GUI-thread gap, the same way (target <= 16 ms);
//  (4) the Overview with 1,000 backends on 10 nodes (keys in etcd, mirrored by a real session),
//      given every second for 20 s a traffic document (requests/s on every line) and an engine
//      status whose live set changes (20 backends go in or out of nginx each second): the
//      longest GUI-thread gap, the same way (target <= 16 ms).
// (3) and (4) wait by blocking in the event loop, as the application does: a spinning wait keeps a
// core busy that Qt's raster threads and the view's worker need. Each also reports the GUI
// thread's own CPU in its longest gap: a long gap with none in it is a wait for a core.
// --only overview|traffic runs that part alone.
#include "BenchUtil.h"
#include "GapProbe.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/EngineLink.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/testbed/EtcdServer.h"
#include "ui/MainWindow.h"
#include "ui/models/BackendsModel.h"
#include "ui/models/OverviewModel.h"
#include "ui/models/TrafficModel.h"
#include "ui/views/OverviewView.h"
#include "ui/views/TrafficLinesPane.h"
#include "ui/views/TrafficView.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTableView>
#include <QThread>
#include <QTimer>

#include <optional>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

double g_longestProcessEvents = 0;

bool waitFor(const std::function<bool()>& done, int timeoutMs = 60000)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QElapsedTimer one;
        one.start();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        g_longestProcessEvents = qMax(g_longestProcessEvents, double(one.nsecsElapsed()) / 1e6);
    }
    return true;
}

// Writes from a thread of its own, so the GUI thread only sees what a real cluster causes.
class Writer : public QThread
{
public:
    Writer(QString url, int first, int count, QByteArray prefix, int port = 8080)
        : m_url(std::move(url))
        , m_first(first)
        , m_count(count)
        , m_prefix(std::move(prefix))
        , m_port(port)
    {}
    int done = 0;

protected:
    void run() override
    {
        EtcdConfig c;
        c.endpoints = {m_url};
        EtcdV3Client client(c);
        QObject ctx;
        int pending = 0;
        for (int i = m_first; i < m_first + m_count; ++i) {
            const QByteArray key = m_prefix + "b" + QByteArray::number(i).rightJustified(5, '0');
            const QByteArray value = "10." + QByteArray::number(i / 65536) + '.' +
                                     QByteArray::number((i / 256) % 256) + '.' + QByteArray::number(i % 256) +
                                     ':' + QByteArray::number(m_port);
            ++pending;
            client.put(key, value, 0, &ctx, [&](const Result<qint64>&) {
                --pending;
                ++done;
            });
            while (pending > 16) // keep a few in flight, like a busy cluster
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        }
        while (pending > 0)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }

private:
    QString m_url;
    int m_first;
    int m_count;
    QByteArray m_prefix;
    int m_port;
};

// A GET /traffic document for `backends` upstreams at update `tick` (one a second).
QJsonObject trafficDocument(int backends, int tick, qint64 nowMs)
{
    QJsonArray upstreams;
    for (int i = 0; i < backends; ++i) {
        const qint64 perS = 10 + (i * 7 + tick) % 50;
        const qint64 packets = qint64(tick) * perS + i;
        const qint64 requests = qint64(tick) * (perS / 5);
        const QJsonObject rate{{u"packetsTo"_s, double(perS)},       {u"packetsFrom"_s, double(perS)},
                               {u"bytesTo"_s, double(perS * 90)},    {u"bytesFrom"_s, double(perS * 700)},
                               {u"connections"_s, double(perS / 5)}, {u"rst"_s, 0.0}};
        upstreams.append(QJsonObject{
            {u"address"_s, u"10.%1.%2.%3:8080"_s.arg(i / 65536).arg((i / 256) % 256).arg(i % 256)},
            {u"state"_s, i % 100 == 7 ? u"draining"_s : u"registered"_s},
            {u"to"_s, QJsonObject{{u"packets"_s, packets}, {u"bytes"_s, packets * 90}}},
            {u"from"_s, QJsonObject{{u"packets"_s, packets}, {u"bytes"_s, packets * 700}}},
            {u"connections"_s, packets / 5},
            {u"open"_s, i % 3},
            {u"rtt"_s, QJsonObject{{u"count"_s, tick}, {u"avgUs"_s, 40 + i % 20}}},
            {u"rate1s"_s, rate},
            {u"rate10s"_s, rate},
            {u"l7"_s, QJsonObject{{u"requests"_s, requests},
                                  {u"2xx"_s, requests},
                                  {u"4xx"_s, 0},
                                  {u"5xx"_s, 0},
                                  {u"p99Ms"_s, 2.0 + (i + tick) % 7}}}});
    }
    return {{u"nowMs"_s, nowMs},
            {u"capture"_s, QJsonObject{{u"running"_s, true}, {u"error"_s, QString()}}},
            {u"accessLog"_s, QJsonObject{{u"listening"_s, true}, {u"error"_s, QString()}}},
            {u"warnings"_s, QJsonArray{}},
            {u"upstreams"_s, upstreams}};
}

struct TrafficRun
{
    QList<double> gaps; // wall ms between GUI ticks
    QList<double> busy; // the GUI thread's CPU ms within each
    int updates = 0;
};

void reportBusy(const QString& name, const TrafficRun& run)
{
    const qsizetype worst = run.gaps.indexOf(*std::max_element(run.gaps.cbegin(), run.gaps.cend()));
    bench::report(name + u"_gui_cpu_in_longest_gap"_s, worst >= 0 ? run.busy.value(worst) : 0.0, u"ms"_s);
    bench::report(name + u"_gui_busy_max"_s, *std::max_element(run.busy.cbegin(), run.busy.cend()), u"ms"_s);
}

// (3): the view shown, its first document (1,000 rows and series appear) before the probe starts.
std::optional<TrafficRun> runTraffic()
{
    constexpr int Backends = 1000;
    constexpr int Seconds = 20;
    QList<QJsonObject> documents;
    const qint64 start = QDateTime::currentMSecsSinceEpoch();
    for (int t = 0; t <= Seconds; ++t)
        documents << trafficDocument(Backends, t, start + qint64(t) * 1000);
    TrafficView view;
    view.resize(1100, 720); // the window's default size
    view.show();
    view.showTraffic(documents.first());
    if (!bench::waitFor([&] { return view.model()->rowCount() == Backends; }, 10000)) {
        qCritical("the traffic view has %d rows, not %d", view.model()->rowCount(), Backends);
        return std::nullopt;
    }
    bench::waitFor([] { return false; }, 1500); // first layout and paint, the columns' fit
    TrafficRun run;
    bench::GapProbe probe(&view);
    QTimer feed;
    feed.setInterval(1000);
    int next = 1;
    QObject::connect(&feed, &QTimer::timeout, &view, [&] {
        if (next >= documents.size())
            return;
        view.showTraffic(documents.at(next));
        if (next == Seconds / 2)
            view.addMarker(QDateTime::currentDateTime(), u"reload"_s);
        ++run.updates;
        ++next;
    });
    // The line feed is a request of its own (GET /traffic/lines), half a second after the counters.
    QTimer lineFeed;
    lineFeed.setInterval(1000);
    QObject::connect(&lineFeed, &QTimer::timeout, &view, [&] {
        QStringList lines;
        for (int i = 0; i < 200; ++i)
            lines << u"12:00:%1.%2 IP 127.0.1.1.%3 > 10.0.%4.%5.8080: tcp 0"_s
                         .arg(next % 60, 2, 10, QChar(u'0'))
                         .arg(i, 6, 10, QChar(u'0'))
                         .arg(40000 + i)
                         .arg(i / 256)
                         .arg(i % 256);
        view.lines()->appendLines(lines);
    });
    probe.start();
    feed.start();
    QTimer::singleShot(500, &lineFeed, qOverload<>(&QTimer::start));
    bench::waitFor([&] { return next >= documents.size(); }, (Seconds + 10) * 1000);
    bench::waitFor([] { return false; }, 200); // the last update's paint
    probe.stop();
    run.gaps = probe.wall;
    run.busy = probe.busy;
    return run;
}

// The engine as the Overview sees it, fed documents built beforehand (the view's cost, not HTTP's).
class FedEngineLink : public EngineLink
{
public:
    using EngineLink::EngineLink;
    QString describe() const override { return u"bench engine"_s; }
    void refresh() override {}
    void feed(const QJsonObject& status, const QJsonObject& traffic)
    {
        setStatus(status);
        setTraffic(traffic);
    }
};

// (4): backend i is node (i % 10)'s, on 10.0.0.(i % 10):(10000 + i).
std::optional<TrafficRun> runOverview(const QString& etcdUrl)
{
    constexpr int Backends = 1000;
    constexpr int Nodes = 10;
    constexpr int Seconds = 20;
    const QByteArray prefix = "/ov/";
    QStringList addresses;
    for (int i = 0; i < Backends; ++i)
        addresses << u"10.0.0.%1:%2"_s.arg(i % Nodes).arg(10000 + i);
    {
        EtcdConfig c;
        c.endpoints = {etcdUrl};
        EtcdV3Client client(c);
        QObject ctx;
        int done = 0;
        for (int i = 0; i < Backends; ++i)
            client.put(prefix + "b" + QByteArray::number(i).rightJustified(5, '0'), addresses[i].toUtf8(), 0,
                       &ctx, [&done](const Result<qint64>&) { ++done; });
        if (!bench::waitFor([&] { return done == Backends; }, 60000)) {
            qCritical("the overview's keys were not written");
            return std::nullopt;
        }
    }
    QList<QJsonObject> statuses;
    QList<QJsonObject> traffic;
    const qint64 start = QDateTime::currentMSecsSinceEpoch();
    for (int t = 0; t <= Seconds; ++t) {
        QJsonArray live;
        QJsonArray accepted;
        for (int i = 0; i < Backends; ++i) {
            accepted.append(
                QJsonObject{{u"key"_s, u"/ov/b%1"_s.arg(i, 5, 10, QChar(u'0'))}, {u"value"_s, addresses[i]}});
            if ((i + t) % 50 != 0)
                live.append(addresses[i]);
        }
        statuses << QJsonObject{
            {u"targets"_s, QJsonArray{QJsonObject{{u"values"_s, live}}}},
            {u"backends"_s, QJsonObject{{u"accepted"_s, accepted}}},
            {u"sources"_s, QJsonArray{QJsonObject{{u"prefix"_s, u"/ov/"_s}, {u"revision"_s, u"1"_s}}}},
            {u"ledger"_s,
             QJsonArray{QJsonObject{{u"at"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                                    {u"outcome"_s, u"applied"_s}}}}};
        QJsonArray upstreams;
        for (int i = 0; i < Backends; ++i)
            upstreams.append(
                QJsonObject{{u"address"_s, addresses[i]},
                            {u"l7"_s, QJsonObject{{u"requests"_s, qint64(t) * (1 + (i * 7 + t) % 50)}}}});
        traffic << QJsonObject{{u"nowMs"_s, start + qint64(t) * 1000}, {u"upstreams"_s, upstreams}};
    }

    ClusterProfile profile;
    profile.etcd.endpoints = {etcdUrl};
    profile.prefix = prefix;
    for (int n = 0; n < Nodes; ++n) // no Docker there: the nodes fail, their backends are drawn by address
        profile.nodes << NodeProfile{u"node-%1"_s.arg(n), u"10.0.0.%1"_s.arg(n),
                                     u"unix:///nonexistent/docker-%1.sock"_s.arg(n)};
    ClusterSession session(profile);
    session.open();
    if (!bench::waitFor(
            [&] { return session.backends() && session.backends()->entries().size() == Backends; }, 20000)) {
        qCritical("the session did not mirror the overview's keys");
        return std::nullopt;
    }
    FedEngineLink engine;
    OverviewModel model;
    OverviewModel::Sources sources;
    sources.backends = session.backends();
    sources.inventory = session.inventory();
    sources.engine = &engine;
    sources.liveness = session.liveness();
    sources.nodes = session.nodes();
    model.setSources(sources);
    OverviewView view;
    view.setModel(&model);
    view.resize(1100, 720);
    view.show();
    engine.feed(statuses.first(), traffic.first());
    bench::waitFor([] { return false; }, 1500); // first layout and paint
    const int rows = [&] {
        int n = 0;
        for (int g = 0; g < model.rowCount(); ++g)
            n += model.rowCount(model.index(g, 0));
        return n;
    }();
    if (rows != Backends) {
        qCritical("the overview has %d backends, not %d", rows, Backends);
        return std::nullopt;
    }
    TrafficRun run;
    bench::GapProbe probe(&view);
    QTimer feed;
    feed.setInterval(1000);
    int next = 1;
    QObject::connect(&feed, &QTimer::timeout, &view, [&] {
        if (next >= statuses.size())
            return;
        engine.feed(statuses.at(next), traffic.at(next));
        ++run.updates;
        ++next;
    });
    probe.start();
    feed.start();
    bench::waitFor([&] { return next >= statuses.size(); }, (Seconds + 10) * 1000);
    bench::waitFor([] { return false; }, 300); // the last update's paint
    probe.stop();
    run.gaps = probe.wall;
    run.busy = probe.busy;
    const QModelIndex first = model.indexOfBackend("/ov/b00001");
    qInfo("overview: %d updates of %d backends, %lld GUI ticks; b00001 at %.1f r/s, %d problems", run.updates,
          Backends, qint64(run.gaps.size()), first.data(OverviewModel::RequestsPerSecondRole).toDouble(),
          model.summary().problems);
    return run;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    // --only overview|traffic: that part alone (for profiling one view); the targets of the others
    // are then not judged.
    const QStringList args = app.arguments();
    const qsizetype onlyAt = args.indexOf(u"--only"_s);
    const QString only = onlyAt >= 0 ? args.value(onlyAt + 1) : QString();
    EtcdServer etcd;
    if (const QString e = etcd.start(); !e.isEmpty()) {
        qCritical("%s", qPrintable(e));
        return 1;
    }
    etcd.etcdctl({u"put"_s, u"/test/apache-8001"_s, u"127.0.1.3:8001"_s});
    etcd.etcdctl({u"put"_s, u"/test/apache-8002"_s, u"127.0.1.2:8002"_s});

    if (only == u"overview"_s || only == u"traffic"_s) {
        const std::optional<TrafficRun> run =
            only == u"traffic"_s ? runTraffic() : runOverview(etcd.clientUrl());
        if (!run)
            return 1;
        const double worst =
            run->gaps.isEmpty() ? 0 : *std::max_element(run->gaps.cbegin(), run->gaps.cend());
        bench::report(only + u"_gui_gap_p99"_s, bench::percentile(run->gaps, 99), u"ms"_s);
        bench::report(only + u"_gui_gap_max"_s, worst, u"ms"_s);
        reportBusy(only, *run);
        bench::summary(worst <= 16 ? only + u" target met"_s
                                   : u"%1 GUI stall %2 ms > 16 ms"_s.arg(only).arg(worst, 0, 'f', 1));
        return 0;
    }
    if (!only.isEmpty()) {
        qCritical("--only takes overview or traffic, not %s", qPrintable(only));
        return 2;
    }
    // (1) process start to first row
    QList<double> firstRow;
    const QString binary = QCoreApplication::applicationDirPath() + u"/../app/lbdeck"_s;
    for (int i = 0; i < 10; ++i) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        p.setProcessEnvironment(env);
        const qint64 started = QDateTime::currentMSecsSinceEpoch();
        QElapsedTimer t;
        t.start();
        p.start(binary, {u"--etcd"_s, etcd.clientUrl(), u"--exit-after-first-row"_s});
        if (!p.waitForFinished(20000)) {
            p.kill();
            qCritical("lbdeck did not show a row");
            return 1;
        }
        const QByteArray out = p.readAllStandardOutput();
        const qsizetype at = out.indexOf("first-row ");
        if (at < 0) {
            qCritical("lbdeck printed no first-row line: %s", p.readAllStandardError().constData());
            return 1;
        }
        firstRow << double(out.mid(at + 10).split('\n').first().trimmed().toLongLong() - started);
    }

    // (2) 10,000 rows, then 1,000 changes
    const QByteArray prefix = "/big/";
    {
        Writer fill(etcd.clientUrl(), 0, 10000, prefix);
        fill.start();
        fill.wait();
    }
    ClusterProfile profile;
    profile.etcd.endpoints = {etcd.clientUrl()};
    profile.prefix = prefix;
    ClusterSession session(profile);
    MainWindow window;
    window.setSession(&session);
    window.show();
    session.open();
    BackendsModel* model = window.backendsModel();
    if (!waitFor([&] { return model->rowCount() == 10000; })) {
        qCritical("the 10,000 rows did not arrive");
        return 1;
    }
    QCoreApplication::processEvents();
    g_longestProcessEvents = 0;
    int resets = 0;
    QObject::connect(model, &QAbstractItemModel::modelReset, &app, [&resets] { ++resets; });
    bench::GapProbe probe(&app);
    probe.start();
    QElapsedTimer apply;
    apply.start();
    // 500 changed values (keys 9500..9999 move to port 8081) and 500 new keys: updates, and inserts
    // at the end of the table.
    Writer changes(etcd.clientUrl(), 9500, 1000, prefix, 8081);
    changes.start();
    const QByteArray lastChanged = prefix + "b09999";
    const bool applied = waitFor(
        [&] {
            return changes.isFinished() && model->rowCount() == 10500 &&
                   model->index(model->rowOf(lastChanged), BackendsModel::Address)
                       .data()
                       .toString()
                       .endsWith(u":8081"_s);
        },
        120000);
    const double applyMs = double(apply.nsecsElapsed()) / 1e6;
    probe.stop();
    const QList<double>& gaps = probe.wall;
    changes.wait();
    if (!applied) {
        qCritical("the changes did not all arrive (%d rows)", model->rowCount());
        return 1;
    }
    const double maxStall = gaps.isEmpty() ? 0 : *std::max_element(gaps.cbegin(), gaps.cend());
    const qsizetype worst = gaps.indexOf(maxStall);
    qInfo("%lld GUI ticks; the longest gap was tick %lld; longest processEvents %.1f ms", qint64(gaps.size()),
          qint64(worst), g_longestProcessEvents);
    bench::report(u"ui.first_row.p50"_s, bench::percentile(firstRow, 50), u"ms"_s);
    bench::report(u"ui.first_row.max"_s, bench::percentile(firstRow, 100), u"ms"_s);
    bench::report(u"ui.changes.applied"_s, changes.done, u"changes"_s);
    bench::report(u"ui.changes.rows_after"_s, model->rowCount(), u"rows"_s);
    bench::report(u"ui.changes.duration"_s, applyMs, u"ms"_s);
    bench::report(u"ui.changes.model_resets"_s, resets, u"resets"_s);
    bench::report(u"ui.changes.gui_gap.p99"_s, bench::percentile(gaps, 99), u"ms"_s);
    bench::report(u"ui.changes.gui_gap.max"_s, maxStall, u"ms"_s);
    // What the GUI thread itself did: its CPU within the longest gap, and its longest busy stretch.
    bench::report(u"ui.changes.gui_cpu_in_longest_gap"_s, probe.busyInLongestGap(), u"ms"_s);
    bench::report(u"ui.changes.gui_busy.max"_s, probe.maxBusy(), u"ms"_s);
    window.hide();
    const std::optional<TrafficRun> traffic = runTraffic();
    if (!traffic)
        return 1;
    const double trafficMax =
        traffic->gaps.isEmpty() ? 0 : *std::max_element(traffic->gaps.cbegin(), traffic->gaps.cend());
    qInfo("traffic: %d updates of 1000 backends, %lld GUI ticks", traffic->updates,
          qint64(traffic->gaps.size()));
    bench::report(u"traffic_gui_gap_p99"_s, bench::percentile(traffic->gaps, 99), u"ms"_s);
    bench::report(u"traffic_gui_gap_max"_s, trafficMax, u"ms"_s);
    reportBusy(u"traffic"_s, *traffic);
    const std::optional<TrafficRun> overview = runOverview(etcd.clientUrl());
    if (!overview)
        return 1;
    const double overviewMax =
        overview->gaps.isEmpty() ? 0 : *std::max_element(overview->gaps.cbegin(), overview->gaps.cend());
    bench::report(u"overview_gui_gap_p99"_s, bench::percentile(overview->gaps, 99), u"ms"_s);
    bench::report(u"overview_gui_gap_max"_s, overviewMax, u"ms"_s);
    reportBusy(u"overview"_s, *overview);
    QStringList missed;
    if (!(bench::percentile(firstRow, 50) < 1000))
        missed << u"first row %1 ms >= 1 s"_s.arg(bench::percentile(firstRow, 50));
    if (resets != 0)
        missed << u"%1 model resets"_s.arg(resets);
    if (!(maxStall <= 16))
        missed << u"GUI stall %1 ms > 16 ms"_s.arg(maxStall, 0, 'f', 1);
    if (!(trafficMax <= 16))
        missed << u"Traffic view GUI stall %1 ms > 16 ms"_s.arg(trafficMax, 0, 'f', 1);
    if (!(overviewMax <= 16))
        missed << u"Overview GUI stall %1 ms > 16 ms"_s.arg(overviewMax, 0, 'f', 1);
    bench::summary(missed.isEmpty() ? u"ui targets met"_s : u"ui targets missed: "_s + missed.join(u"; "_s));
    return 0;
}
