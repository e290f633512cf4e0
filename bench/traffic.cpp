// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// bench_traffic: the in-process TrafficMeter against Debian's tcpdump, in the same window, on the same
// traffic, on loopback (run as root: capture needs CAP_NET_RAW).
//  (1) Real nginx: a front nginx proxying (one connection per request, nginx's default) to 10 backend
//      addresses 127.0.1.1-10 served by a backend nginx; Debian's wrk loads the front. Captured at once:
//      the meter (snaplen 128, the coarse filter from CaptureFilter), `tcpdump -q -w /dev/null -i lo
//      FILTER` as operators run it (default snaplen) and the same with `-s 128`. Packets/s, drops
//      (pcap_stats; tcpdump's "dropped by kernel") and CPU per million packets of each: the meter's
//      thread (RUSAGE_THREAD: it polls on this thread's event loop) against each tcpdump's own CPU
//      (/proc/PID/schedstat, ns). Packets are those handed to each capturer (tcpdump's "captured").
//      The load (wrk, nginx workers) runs at nice 10 so the machine stays usable.
//  (2) RSS added by the meter (VmRSS before start, after the run) with 10 registered upstreams and with
//      1,000 (990 of them idle addresses on the same port), short load again.
//  (3) Layer 7: pre-built lbdeck_json syslog datagrams from a sender thread into AccessLogReceiver as
//      fast as it takes them: lines/s and the receiving thread's CPU per line.
// Usage: bench_traffic [--seconds N] [--lines N] [--connections N]
#include "BenchUtil.h"
#include "core/traffic/TrafficMeter.h"
#include "tests/testbed/NginxServer.h"
#include "traffic_l7.h"
#include "traffic_proc.h"
#include "traffic_tcpdump.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <malloc.h>
#include <memory>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;
using lbdeck::bench::TcpdumpCounts;

namespace {

constexpr int Backends = 10;
constexpr int ManyUpstreams = 1000;

using lbdeck::bench::waitFor;

void settle(int ms)
{
    QElapsedTimer t;
    t.start();
    waitFor([&] { return t.elapsed() >= ms; }, ms + 1000);
}

// "127.0.1.1:P" .. "127.0.1.10:P", then idle addresses 127.0.2.1, 127.0.2.2, ... on the same port.
QStringList upstreamKeys(int count, quint16 port)
{
    QStringList keys;
    for (int i = 0; i < count; ++i) {
        const int net = i < Backends ? 1 : 2 + (i - Backends) / 250;
        const int host = i < Backends ? i + 1 : (i - Backends) % 250 + 1;
        keys << u"127.0.%1.%2:%3"_s.arg(net).arg(host).arg(port);
    }
    return keys;
}

struct LoadResult
{
    QString error;
    double seconds = 0;
    qint64 requests = 0;
    qint64 non2xx = 0; // wrk's "Non-2xx or 3xx responses" plus socket errors
};

// Debian's wrk against the front, at nice 10, for `seconds`.
LoadResult runLoad(const QString& url, int seconds, int connections)
{
    LoadResult r;
    QProcess wrk;
    wrk.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer clock;
    clock.start();
    wrk.start(u"/usr/bin/nice"_s, {u"-n"_s, u"10"_s, u"/usr/bin/wrk"_s, u"-t1"_s, u"-c%1"_s.arg(connections),
                                   u"-d%1s"_s.arg(seconds), url});
    if (!wrk.waitForStarted(5000)) {
        r.error = u"cannot start wrk: %1"_s.arg(wrk.errorString());
        return r;
    }
    if (!waitFor([&] { return wrk.state() == QProcess::NotRunning; }, (seconds + 20) * 1000)) {
        wrk.kill();
        wrk.waitForFinished(3000);
        r.error = u"wrk did not finish"_s;
        return r;
    }
    r.seconds = double(clock.nsecsElapsed()) / 1e9;
    const QString out = QString::fromUtf8(wrk.readAll());
    if (wrk.exitStatus() != QProcess::NormalExit || wrk.exitCode() != 0) {
        r.error = u"wrk failed: %1"_s.arg(out);
        return r;
    }
    const QRegularExpressionMatch done = QRegularExpression(u"(\\d+) requests in"_s).match(out);
    r.requests = done.hasMatch() ? done.captured(1).toLongLong() : -1;
    const QRegularExpressionMatch bad = QRegularExpression(u"Non-2xx or 3xx responses: (\\d+)"_s).match(out);
    if (bad.hasMatch())
        r.non2xx += bad.captured(1).toLongLong();
    const QRegularExpressionMatch errors =
        QRegularExpression(u"Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)"_s)
            .match(out);
    for (int i = 1; errors.hasMatch() && i <= 4; ++i)
        r.non2xx += errors.captured(i).toLongLong();
    return r;
}

struct MeterRun
{
    QString error;
    LoadResult load;
    traffic::CaptureStats stats;
    qint64 counted = 0;   // packets the meter decoded into its rows (registered or not)
    qint64 processed = 0; // every packet the meter was handed: counted, unmatched, undecodable
    qint64 connections = 0;
    qint64 cpuUs = 0;
    qint64 rssAddedKb = 0; // VmRSS after the run (meter alive) less VmRSS before it started
    qint64 rssHeldKb = 0;  // VmRSS after the run less VmRSS once the meter is gone: what it held
    std::size_t rows = 0;
    std::uint64_t polls = 0; // reads of the ring (wakeups)
    QList<TcpdumpCounts> tcpdumps;
};

// One window: the meter on `keys` and the given tcpdump argument lists (the filter is appended) on
// the same load.
MeterRun runWindow(const QStringList& keys, const QList<QStringList>& tcpdumpArgs, const QString& url,
                   int seconds, int connections, const QString& logDir)
{
    MeterRun run;
    ::malloc_trim(0); // what an earlier window freed does not hide this one's growth
    settle(100);
    const qint64 rssBefore = bench::selfRssKb();
    // The meter on a thread of its own, as nothing else runs there: that thread's CPU is the
    // meter's (libpcap, decoding, counting, and its event loop's wakeups), not the bench's process
    // management. Measured from after start() (opening the ring is not per-packet work).
    QThread meterThread;
    meterThread.start();
    auto meter = std::make_unique<traffic::TrafficMeter>();
    meter->moveToThread(&meterThread);
    traffic::MeterOptions options;
    options.interface = u"lo"_s;
    options.snaplen = 128;
    Result<void> started;
    qint64 cpuBefore = 0;
    QMetaObject::invokeMethod(
        meter.get(),
        [&] {
            started = meter->start(options, keys);
            cpuBefore = bench::threadCpuUs();
        },
        Qt::BlockingQueuedConnection);
    const auto onMeterThread = [&](const std::function<void()>& f) {
        QMetaObject::invokeMethod(meter.get(), f, Qt::BlockingQueuedConnection);
    };
    const auto finish = [&] {
        onMeterThread([&] { meter.reset(); });
        meterThread.quit();
        meterThread.wait();
    };
    if (!started) {
        run.error = started.error().toString();
        finish();
        return run;
    }
    std::vector<std::unique_ptr<bench::TcpdumpCapture>> captures;
    for (qsizetype i = 0; i < tcpdumpArgs.size(); ++i) {
        auto c = std::make_unique<bench::TcpdumpCapture>();
        const QString e = c->start(tcpdumpArgs.at(i) + QStringList{meter->filter()},
                                   u"%1/tcpdump-%2-%3.log"_s.arg(logDir).arg(keys.size()).arg(i));
        if (!e.isEmpty()) {
            run.error = e;
            finish();
            return run;
        }
        qInfo("same window: %s", qPrintable(c->command()));
        captures.push_back(std::move(c));
    }
    run.load = runLoad(url, seconds, connections);
    // tcpdump hands over a block after at most 1 s (its default timeout), the meter after 50 ms.
    settle(1200);
    onMeterThread([&] {
        meter->poll();
        run.cpuUs = bench::threadCpuUs() - cpuBefore;
        const Result<traffic::CaptureStats> stats = meter->stats();
        if (stats)
            run.stats = *stats;
        else
            run.error = stats.error().toString();
        run.rows = meter->counters().rows().size();
        run.polls = meter->polls();
        for (const traffic::UpstreamRow& r : meter->counters().rows()) {
            run.counted += qint64(r.to().packets + r.from().packets);
            run.connections += qint64(r.connections);
        }
        run.processed = run.counted + qint64(meter->counters().unmatched() + run.stats.decodeFailed);
    });
    run.rssAddedKb = bench::selfRssKb() - rssBefore;
    for (auto& c : captures)
        run.tcpdumps << c->stop();
    const qint64 rssAfter = bench::selfRssKb();
    finish();
    ::malloc_trim(0);
    run.rssHeldKb = rssAfter - bench::selfRssKb();
    if (run.error.isEmpty())
        run.error = run.load.error;
    return run;
}

double perMillion(qint64 cpuUs, qint64 packets)
{
    return packets > 0 && cpuUs >= 0 ? double(cpuUs) / 1000.0 / (double(packets) / 1e6) : std::nan("");
}

void target(const QString& name, bool met)
{
    QTextStream(stdout) << "target_" << name << ": " << (met ? "met" : "missed") << Qt::endl;
}

QString backendBlock(quint16 port)
{
    QString listen;
    for (int i = 1; i <= Backends; ++i)
        listen += u" listen 127.0.1.%1:%2;"_s.arg(i).arg(port);
    return u"server { listen 127.0.0.1:@PORT@;%1 location / { return 200 \"ok\\n\"; } }"_s.arg(listen);
}

QString frontBlock(const QStringList& backends)
{
    QString servers;
    for (const QString& b : backends)
        servers += u" server %1;"_s.arg(b);
    return u"upstream pool {%1 }\n"
           u"server { listen 127.0.0.1:@PORT@; location / { proxy_pass http://pool; } }"_s.arg(servers);
}

void reniceWorkers(const NginxServer& nginx)
{
    for (const qint64 pid : nginx.workerPids())
        bench::renice(pid, 10);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"TrafficMeter against tcpdump on loopback (run as root)"_s);
    parser.addHelpOption();
    const QCommandLineOption secondsOption(u"seconds"_s, u"load window with 10 upstreams (s)"_s, u"N"_s,
                                           u"15"_s);
    const QCommandLineOption linesOption(u"lines"_s, u"access-log lines sent to the receiver"_s, u"N"_s,
                                         u"200000"_s);
    const QCommandLineOption connectionsOption(u"connections"_s, u"wrk connections"_s, u"N"_s, u"8"_s);
    parser.addOptions({secondsOption, linesOption, connectionsOption});
    parser.process(app);
    const int seconds = qBound(2, parser.value(secondsOption).toInt(), 600);
    const qint64 lines = qBound(qint64(1000), parser.value(linesOption).toLongLong(), qint64(100000000));
    const int connections = qBound(1, parser.value(connectionsOption).toInt(), 256);
    const int shortSeconds = qMax(2, seconds / 3);

    if (!isRoot()) {
        qCritical("bench_traffic captures on lo and runs tcpdump: run it as root");
        return 1;
    }
    for (const char* tool : {"/usr/bin/tcpdump", "/usr/bin/wrk"}) {
        if (!QFile::exists(QString::fromLatin1(tool))) {
            qCritical("%s is missing: run tools/install-deps", tool);
            return 1;
        }
    }

    const quint16 backendPort = freePort();
    const QStringList backends = upstreamKeys(Backends, backendPort);
    NginxServer backend;
    NginxServer front;
    if (const QString e = backend.start(backendBlock(backendPort)); !e.isEmpty()) {
        qCritical("backend nginx: %s", qPrintable(e));
        return 1;
    }
    if (const QString e = front.start(frontBlock(backends)); !e.isEmpty()) {
        qCritical("front nginx: %s", qPrintable(e));
        return 1;
    }
    reniceWorkers(backend);
    reniceWorkers(front);
    const QString url = u"http://127.0.0.1:%1/"_s.arg(front.port());
    QTemporaryDir logs;
    // As operators run it (default snaplen), and with the meter's snaplen; the filter is appended.
    const QList<QStringList> tcpdumpArgs{
        {u"-q"_s, u"-w"_s, u"/dev/null"_s, u"-i"_s, u"lo"_s},
        {u"-q"_s, u"-s"_s, u"128"_s, u"-w"_s, u"/dev/null"_s, u"-i"_s, u"lo"_s}};
    // Warm-up (discarded): nginx, and every code path of this process but the meter's first-touch
    // pages (QProcess, tcpdump's parsing, libpcap), so the RSS below is the meter's.
    if (const MeterRun warm = runWindow(backends, {tcpdumpArgs.first()}, url, 1, connections, logs.path());
        !warm.error.isEmpty()) {
        qCritical("warm-up: %s", qPrintable(warm.error));
        return 1;
    }

    // --- (1) + (2) at 10 upstreams: the meter and both tcpdumps in the same window
    MeterRun at10 = runWindow(backends, tcpdumpArgs, url, seconds, connections, logs.path());
    if (at10.error.isEmpty() &&
        (at10.tcpdumps.size() != 2 || at10.tcpdumps.at(0).captured < 0 || at10.tcpdumps.at(1).captured < 0 ||
         at10.tcpdumps.at(0).dropped < 0 || at10.tcpdumps.at(1).dropped < 0))
        at10.error = u"tcpdump printed no packet counts on exit"_s;
    if (!at10.error.isEmpty()) {
        qCritical("window at %d upstreams: %s", Backends, qPrintable(at10.error));
        return 1;
    }
    // --- (2) at 1,000 registered upstreams, the meter alone
    const MeterRun at1000 =
        runWindow(upstreamKeys(ManyUpstreams, backendPort), {}, url, shortSeconds, connections, logs.path());
    if (!at1000.error.isEmpty()) {
        qCritical("window at %d upstreams: %s", ManyUpstreams, qPrintable(at1000.error));
        return 1;
    }
    front.stop();
    backend.stop();
    // --- (3) layer 7
    const bench::L7Result l7 = bench::measureAccessLogIngest(lines);

    const TcpdumpCounts& tdDefault = at10.tcpdumps.at(0);
    const TcpdumpCounts& tdSnap = at10.tcpdumps.at(1);
    const double window = at10.load.seconds;
    // Packets are the ones handed to each capturer (tcpdump's "captured"): on lo the kernel's count
    // (pcap_stats ps_recv, "received by filter") holds each packet twice, outgoing and incoming, and
    // libpcap skips the outgoing copy.
    const double meterPps = double(at10.processed) / window;
    const double meterCpu = perMillion(at10.cpuUs, at10.processed);
    const double defaultCpu = perMillion(tdDefault.cpuUs, tdDefault.captured);
    const double snapCpu = perMillion(tdSnap.cpuUs, tdSnap.captured);
    const double ratioDefault = meterCpu / defaultCpu;
    const double ratioSnap = meterCpu / snapCpu;
    const double rss10 = double(at10.rssAddedKb) / 1024.0;
    const double rss1000 = double(at1000.rssAddedKb) / 1024.0;
    const double l7Rate = double(l7.accepted) / l7.seconds;
    const double l7CpuPerLine =
        l7.accepted > 0 ? double(l7.receiverCpuUs) / double(l7.accepted) : std::nan("");

    using bench::report;
    report(u"traffic.load.window"_s, window, u"s"_s);
    report(u"traffic.load.requests_per_s"_s, double(at10.load.requests) / window, u"req/s"_s);
    report(u"traffic.load.failed_requests"_s, double(at10.load.non2xx), u"requests"_s);
    report(u"traffic.meter.packets_per_s"_s, meterPps, u"pkt/s"_s);
    report(u"traffic.meter.packets"_s, double(at10.processed), u"packets"_s);
    report(u"traffic.meter.packets_in_rows"_s, double(at10.counted), u"packets"_s);
    report(u"traffic.meter.kernel_received"_s, double(at10.stats.received), u"packets"_s);
    report(u"traffic.meter.connections"_s, double(at10.connections), u"connections"_s);
    report(u"traffic.meter.drops"_s, double(at10.stats.dropped + at10.stats.ifDropped), u"packets"_s);
    report(u"traffic.meter.flow_overflow"_s, double(at10.stats.flowOverflow), u"SYNs"_s);
    report(u"traffic.meter.cpu"_s, double(at10.cpuUs) / 1000.0, u"ms"_s);
    report(u"traffic.meter.wakeups_per_s"_s, double(at10.polls) / at10.load.seconds, u"1/s"_s);
    report(u"traffic.meter.cpu_per_million_packets"_s, meterCpu, u"ms"_s);
    const QStringList tdNames{u"tcpdump_default"_s, u"tcpdump_snaplen128"_s};
    for (int i = 0; i < 2; ++i) {
        const TcpdumpCounts& t = at10.tcpdumps.at(i);
        const QString n = u"traffic."_s + tdNames.at(i);
        report(n + u".packets_per_s"_s, double(t.captured) / window, u"pkt/s"_s);
        report(n + u".packets"_s, double(t.captured), u"packets"_s);
        report(n + u".kernel_received"_s, double(t.received), u"packets"_s);
        report(n + u".drops"_s, double(t.dropped), u"packets"_s);
        report(n + u".cpu"_s, double(t.cpuUs) / 1000.0, u"ms"_s);
        report(n + u".cpu_per_million_packets"_s, perMillion(t.cpuUs, t.captured), u"ms"_s);
    }
    report(u"traffic.meter_cpu_ratio_vs_tcpdump_default"_s, ratioDefault, u"x"_s);
    report(u"traffic.meter_cpu_ratio_vs_tcpdump_same_snaplen"_s, ratioSnap, u"x"_s);
    report(u"traffic.meter.rss_added.10_upstreams"_s, rss10, u"MB"_s);
    report(u"traffic.meter.rss_added.1000_upstreams"_s, rss1000, u"MB"_s);
    report(u"traffic.meter.rss_held.10_upstreams"_s, double(at10.rssHeldKb) / 1024.0, u"MB"_s);
    report(u"traffic.meter.rss_held.1000_upstreams"_s, double(at1000.rssHeldKb) / 1024.0, u"MB"_s);
    report(u"traffic.meter.rows.1000_upstreams"_s, double(at1000.rows), u"rows"_s);
    report(u"traffic.meter.packets_per_s.1000_upstreams"_s, double(at1000.processed) / at1000.load.seconds,
           u"pkt/s"_s);
    report(u"traffic.meter.drops.1000_upstreams"_s, double(at1000.stats.dropped + at1000.stats.ifDropped),
           u"packets"_s);
    report(u"traffic.meter.cpu_per_million_packets.1000_upstreams"_s,
           perMillion(at1000.cpuUs, at1000.processed), u"ms"_s);
    report(u"traffic.l7.lines"_s, double(l7.accepted), u"lines"_s);
    report(u"traffic.l7.lines_per_s"_s, l7Rate, u"lines/s"_s);
    report(u"traffic.l7.cpu_per_line"_s, l7CpuPerLine, u"us"_s);
    report(u"traffic.l7.kernel_dropped"_s, double(l7.kernelDropped), u"lines"_s);
    report(u"traffic.l7.malformed"_s, double(l7.malformed), u"lines"_s);
    if (!l7.error.isEmpty())
        qWarning("layer 7: %s", qPrintable(l7.error));

    const quint64 meterDrops = at10.stats.dropped + at10.stats.ifDropped;
    // No drops where tcpdump drops none: the meter may drop only where both tcpdumps dropped too.
    target(u"no_drops"_s, meterDrops == 0 || (tdDefault.dropped > 0 && tdSnap.dropped > 0));
    target(u"cpu_vs_tcpdump_default"_s, ratioDefault <= 0.5);
    target(u"cpu_vs_tcpdump_same_snaplen"_s, ratioSnap <= 1.0);
    target(u"rss_10_upstreams"_s, rss10 <= 10);
    target(u"rss_1000_upstreams"_s, at1000.rows >= ManyUpstreams && rss1000 <= 64);
    bench::summary(u"traffic: meter %1 pkt/s %2 drops, cpu ratio %3 (default) %4 (same snaplen), "
                   u"rss +%5 MB@10 +%6 MB@1000, l7 %7 lines/s"_s.arg(meterPps, 0, 'f', 0)
                       .arg(meterDrops)
                       .arg(ratioDefault, 0, 'f', 2)
                       .arg(ratioSnap, 0, 'f', 2)
                       .arg(rss10, 0, 'f', 1)
                       .arg(rss1000, 0, 'f', 1)
                       .arg(l7Rate, 0, 'f', 0));
    return 0;
}
