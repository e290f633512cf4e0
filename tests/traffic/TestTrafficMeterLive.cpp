// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The meter against Debian's tcpdump on the same interface, filter and window, with a real nginx
// balancer in front of two real nginx backends on loopback.
#include "core/traffic/RouteInterface.h"
#include "core/traffic/TrafficMeter.h"
#include "tests/testbed/NginxServer.h"
#include "tests/testbed/TestProcess.h"
#include "tests/traffic/TcpdumpTool.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace lbdeck::traffic;
using namespace Qt::StringLiterals;

namespace {

constexpr int Requests = 200;
constexpr int Stray = 3;

QString backendBlock(const QString& address, const QString& body)
{
    return u"server { listen 127.0.0.1:@PORT@; listen %1:@PORT@; location / { return 200 \"%2\\n\"; } }"_s
        .arg(address, body);
}

// The kernel's flags for an interface (SIOCGIFFLAGS), 0 when it cannot say.
int interfaceFlags(const QString& name)
{
    const QByteArray dev = name.toLocal8Bit();
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    ifreq request{};
    std::memcpy(request.ifr_name, dev.constData(), std::min<std::size_t>(dev.size(), IFNAMSIZ - 1));
    const int flags = fd >= 0 && ::ioctl(fd, SIOCGIFFLAGS, &request) == 0 ? request.ifr_flags : 0;
    if (fd >= 0)
        ::close(fd);
    return flags;
}

} // namespace

class TestTrafficMeterLive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rejectsBadInput();
    void namesTheCapabilityWithoutPermission();
    void countsLikeTcpdump();
    void inboundOnlyOnLoopback();
    void forgetsIdleFlows();
};

void TestTrafficMeterLive::initTestCase()
{
    QVERIFY2(QFile::exists(QString::fromLatin1(lbdeck::traffic::test::TcpdumpPath)),
             "tcpdump is in tools/install-deps");
    if (!isRoot())
        QSKIP("live capture and tcpdump -i lo need root (CAP_NET_RAW); CI runs as root");
}

void TestTrafficMeterLive::rejectsBadInput()
{
    TrafficMeter meter;
    MeterOptions o;
    o.interface = u"lbdeck-nope0"_s;
    const Result<void> r = meter.start(o, {u"127.0.1.21:8001"_s});
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::NotFound);
    QVERIFY2(r.error().message.contains(u"lbdeck-nope0"_s), qPrintable(r.error().toString()));
    QVERIFY(!meter.isRunning());
    const Result<void> bad = meter.start(MeterOptions{}, {u"127.0.1.21"_s});
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
}

void TestTrafficMeterLive::namesTheCapabilityWithoutPermission()
{
    // A child that gave up root (and with it CAP_NET_RAW) tries to capture; it reports the error text.
    int fds[2];
    QCOMPARE(::pipe(fds), 0);
    const pid_t pid = ::fork();
    QVERIFY(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        QByteArray msg = "setuid failed";
        if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
            TrafficMeter meter;
            const Result<void> r = meter.start(MeterOptions{}, {u"127.0.1.21:8001"_s});
            msg = r.ok() ? QByteArray("started")
                         : (errorCodeName(r.error().code) + u' ' + r.error().message).toUtf8();
        }
        const ssize_t n = ::write(fds[1], msg.constData(), static_cast<size_t>(msg.size()));
        ::_exit(n > 0 ? 0 : 1);
    }
    ::close(fds[1]);
    QByteArray got;
    char buf[512];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
        got.append(buf, n);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const QString text = QString::fromUtf8(got);
    QVERIFY2(text.contains(u"setcap cap_net_raw,cap_net_admin+eip"_s), qPrintable(text));
    QVERIFY2(text.startsWith(errorCodeName(ErrorCode::PermissionDenied)), qPrintable(text));
}

void TestTrafficMeterLive::countsLikeTcpdump()
{
    NginxServer backendA;
    NginxServer backendB;
    NginxServer balancer;
    QString err = backendA.start(backendBlock(u"127.0.1.21"_s, u"a"_s));
    QVERIFY2(err.isEmpty(), qPrintable(err));
    err = backendB.start(backendBlock(u"127.0.1.22"_s, u"b"_s));
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QString keyA = u"127.0.1.21:%1"_s.arg(backendA.port());
    const QString keyB = u"127.0.1.22:%1"_s.arg(backendB.port());
    err = balancer.start(
        u"upstream pool { server %1; server %2; }\n"
        u"server { listen 127.0.0.1:@PORT@; location / { proxy_pass http://pool; } }"_s.arg(keyA, keyB));
    QVERIFY2(err.isEmpty(), qPrintable(err));

    TrafficMeter meter;
    MeterOptions options;
    options.interface = u"lo"_s;
    const Result<void> started = meter.start(options, {keyA, keyB});
    QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().toString()));
    QVERIFY(meter.isRunning());
    const QString ports = u"tcp and (port %1 or port %2)"_s.arg(std::min(backendA.port(), backendB.port()))
                              .arg(std::max(backendA.port(), backendB.port()));
    QCOMPARE(meter.filter(), u"inbound and "_s + ports);

    // Debian's tcpdump, same interface and ports, writing a file. As root it would drop to the
    // "tcpdump" user and could not write into our 0700 temp dir: -Z root keeps it root. Not
    // "inbound": libpcap drops lo's outgoing copies itself, and the packets it re-filters in user
    // space after pcap_setfilter (its first one, here) it cannot test for direction, so would lose.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString capture = dir.filePath(u"tcpdump.pcap"_s);
    TestProcess tcpdump;
    QVERIFY(tcpdump.start(QString::fromLatin1(lbdeck::traffic::test::TcpdumpPath),
                          {u"-i"_s, u"lo"_s, u"-n"_s, u"-s"_s, u"128"_s, u"-Z"_s, u"root"_s,
                           u"--immediate-mode"_s, u"-U"_s, u"-w"_s, capture, ports},
                          dir.filePath(u"tcpdump.log"_s)));
    QVERIFY2(
        waitUntil([&] { return tcpdump.logTail().contains(u"listening on lo"_s) || !tcpdump.isRunning(); },
                  std::chrono::seconds(10)),
        qPrintable(tcpdump.logTail()));
    QVERIFY2(tcpdump.isRunning(), qPrintable(tcpdump.logTail()));

    // Halfway, the set grows by a port: a new kernel filter while packets wait in the ring. libpcap
    // re-filters those in user space, where "inbound" matches nothing; none may go missing.
    const QString extra = u"127.0.1.24:%1"_s.arg(freePort());
    int ok = 0;
    for (int i = 0; i < Requests; ++i) {
        if (i == Requests / 2) {
            QVERIFY(meter.setUpstreams({keyA, keyB, extra}).ok());
            QVERIFY2(meter.filter().startsWith(u"inbound and tcp and (port "_s) && meter.filter() != ports,
                     qPrintable(meter.filter()));
        }
        QByteArray body;
        if (httpGet(u"127.0.0.1"_s, balancer.port(), "/", &body, 3000) == 200 &&
            (body == "a\n" || body == "b\n"))
            ++ok;
        if (i % 20 == 0)
            QCoreApplication::processEvents();
    }
    QCOMPARE(ok, Requests);
    // Straight to backend A's other listener: its port is in range, the address is not in the set.
    const QString stray = u"127.0.0.1:%1"_s.arg(backendA.port());
    for (int i = 0; i < Stray; ++i)
        QCOMPARE(httpGet(u"127.0.0.1"_s, backendA.port(), "/", nullptr, 3000), 200);

    // In-process: the only children are the ones this test started (three nginx masters, tcpdump).
    const QSet<qint64> expected{backendA.masterPid(), backendB.masterPid(), balancer.masterPid(),
                                tcpdump.pid()};
    QCOMPARE(childPids(::getpid()), expected);

    // Let both sides see the closing packets, then stop tcpdump.
    const auto closed = [&] {
        const UpstreamRow* a = meter.counters().row(keyA.toStdString());
        const UpstreamRow* b = meter.counters().row(keyB.toStdString());
        const UpstreamRow* s = meter.counters().row(stray.toStdString());
        return a && b && s && a->connections + b->connections == Requests && a->open == 0 && b->open == 0 &&
               s->open == 0;
    };
    QVERIFY(waitUntil(closed, std::chrono::seconds(5)));

    QByteArray lines;
    const auto readCapture = [&] {
        lines.clear();
        return lbdeck::traffic::test::runTcpdump({u"-q"_s, u"-n"_s, u"-r"_s, capture}, u"UTC"_s, &lines);
    };
    const auto tcpdumpCount = [&lines](const QString& key) {
        return lbdeck::traffic::test::linesOf(lines, key);
    };

    // tcpdump writes each packet as it sees it (-U): wait until its file holds the closing packets
    // the meter has seen, instead of sleeping; the comparisons below still decide.
    const auto sameCounts = [&] {
        if (!readCapture().isEmpty())
            return false; // the last record may be half written
        for (const QString& key : {keyA, keyB, stray}) {
            const UpstreamRow* r = meter.counters().row(key.toStdString());
            if (!r || r->to().packets + r->from().packets != static_cast<std::uint64_t>(tcpdumpCount(key)))
                return false;
        }
        return true;
    };
    (void)waitUntil(sameCounts, std::chrono::seconds(5));
    meter.poll();
    tcpdump.stop();
    err = readCapture();
    QVERIFY2(err.isEmpty(), qPrintable(err));

    const Result<CaptureStats> stats = meter.stats();
    QVERIFY(stats.ok());
    QCOMPARE(stats->dropped, 0u);
    QCOMPARE(stats->flowOverflow, 0u);
    std::uint64_t connections = 0;
    for (const QString& key : {keyA, keyB}) {
        const UpstreamRow* r = meter.counters().row(key.toStdString());
        QVERIFY(r);
        QCOMPARE(r->state, RowState::Registered);
        const int theirs = tcpdumpCount(key);
        qInfo("%s: meter %llu packets (%llu to, %llu from), tcpdump %d; %llu connections, RTT avg %llu us",
              qPrintable(key), static_cast<unsigned long long>(r->to().packets + r->from().packets),
              static_cast<unsigned long long>(r->to().packets),
              static_cast<unsigned long long>(r->from().packets), theirs,
              static_cast<unsigned long long>(r->connections),
              static_cast<unsigned long long>(r->rttCount ? r->rttSumUs / r->rttCount : 0));
        QVERIFY(theirs >=
                5 * Requests / 4); // at least SYN, SYN-ACK, ACK, FIN, FIN per connection, split over two
        QCOMPARE(r->to().packets + r->from().packets, static_cast<std::uint64_t>(theirs));
        QVERIFY(r->connections >= Requests / 4);
        QCOMPARE(r->to().syn, r->connections);
        QCOMPARE(r->rttCount, r->connections);
        QCOMPARE(r->open, 0);
        connections += r->connections;
    }
    QCOMPARE(connections, static_cast<std::uint64_t>(Requests));

    const UpstreamRow* unregistered = meter.counters().row(stray.toStdString());
    QVERIFY(unregistered);
    QCOMPARE(unregistered->state, RowState::Unregistered);
    QCOMPARE(unregistered->connections, static_cast<std::uint64_t>(Stray));
    QCOMPARE(unregistered->to().packets + unregistered->from().packets,
             static_cast<std::uint64_t>(tcpdumpCount(stray)));

    // B leaves the set with no open flows: its row stays with its totals, the kernel filter narrows.
    const Result<void> narrowed = meter.setUpstreams({keyA});
    QVERIFY(narrowed.ok());
    QCOMPARE(meter.filter(), u"inbound and tcp and (port %1)"_s.arg(backendA.port()));
    QCOMPARE(meter.counters().row(keyB.toStdString())->state, RowState::Left);
    QVERIFY(meter.counters().row(keyB.toStdString())->connections > 0);
}

void TestTrafficMeterLive::inboundOnlyOnLoopback()
{
    // By the interface's IFF_LOOPBACK flag, not its name.
    QVERIFY(isLoopbackInterface(u"lo"_s));
    QVERIFY(!isLoopbackInterface(u"any"_s));
    QVERIFY(!isLoopbackInterface(u"lbdeck-nope0"_s));
    QString other; // an interface that is up and not a loopback, if the host has one
    if (struct if_nameindex* names = ::if_nameindex()) {
        for (const struct if_nameindex* n = names; n->if_index != 0; ++n) {
            const QString name = QString::fromLocal8Bit(n->if_name);
            QCOMPARE(isLoopbackInterface(name), (interfaceFlags(name) & IFF_LOOPBACK) != 0);
            if (other.isEmpty() && (interfaceFlags(name) & (IFF_LOOPBACK | IFF_UP)) == IFF_UP)
                other = name;
        }
        ::if_freenameindex(names);
    }
    const QString key = u"127.0.1.25:8001"_s;
    const QString plain = u"tcp and (port 8001)"_s;
    TrafficMeter meter;
    MeterOptions options;
    QVERIFY(meter.start(options, {key}).ok());
    QCOMPARE(meter.filter(), u"inbound and "_s + plain);
    // "any" and a real interface: the outgoing packets are the balancer's own, to its backends.
    options.interface = u"any"_s;
    const Result<void> any = meter.start(options, {key});
    QVERIFY2(any.ok(), qPrintable(any.ok() ? QString() : any.error().toString()));
    QCOMPARE(meter.filter(), plain);
    if (!other.isEmpty()) {
        options.interface = other;
        const Result<void> started = meter.start(options, {key});
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().toString()));
        QCOMPARE(meter.filter(), plain);
        qInfo("%s (not a loopback): %s", qPrintable(other), qPrintable(meter.filter()));
    }
}

void TestTrafficMeterLive::forgetsIdleFlows()
{
    NginxServer backend;
    const QString err = backend.start(backendBlock(u"127.0.1.23"_s, u"c"_s));
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QString key = u"127.0.1.23:%1"_s.arg(backend.port());
    TrafficMeter meter;
    MeterOptions options;
    options.flowIdleTimeoutS = 1;
    options.housekeepingMs = 100;
    const Result<void> started = meter.start(options, {key});
    QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().toString()));
    // A connection that stays open and silent: open until the idle timeout forgets it.
    QTcpSocket socket;
    socket.connectToHost(u"127.0.1.23"_s, backend.port());
    QVERIFY(socket.waitForConnected(3000));
    const auto open = [&] {
        const UpstreamRow* r = meter.counters().row(key.toStdString());
        return r ? r->open : -1;
    };
    QVERIFY(waitUntil([&] { return open() == 1; }, std::chrono::seconds(3)));
    QCOMPARE(meter.counters().row(key.toStdString())->rttCount, 1u);
    QVERIFY(waitUntil([&] { return open() == 0; }, std::chrono::seconds(5)));
    QCOMPARE(meter.counters().expired(), 1u);
    QCOMPARE(meter.counters().row(key.toStdString())->connections, 1u);
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    // Restarted with the same set: the new handle gets its filter again.
    const QString filter = meter.filter();
    meter.stop();
    QVERIFY(meter.filter().isEmpty());
    QVERIFY(meter.start(options, {key}).ok());
    QCOMPARE(meter.filter(), filter);
    QCOMPARE(meter.counters().rows().size(), std::size_t{1});
    QCOMPARE(meter.counters().row(key.toStdString())->connections, 0u);
}

QTEST_GUILESS_MAIN(TestTrafficMeterLive)
#include "TestTrafficMeterLive.moc"
