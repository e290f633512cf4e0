// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TrafficMeter.h"

#include "core/traffic/CaptureFilter.h"
#include "core/traffic/LineFeed.h"
#include "core/traffic/RouteInterface.h"
#include "core/traffic/TcpdumpLine.h"
#include "core/util/Logging.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QSocketNotifier>
#include <QTimer>

#include <pcap/pcap.h>

#include <linux/filter.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

using namespace Qt::StringLiterals;

namespace lbdeck::traffic {

namespace {

QString pcapText(pcap_t* p)
{
    return QString::fromLocal8Bit(pcap_geterr(p));
}

Error activationError(int status, pcap_t* p, const QString& interface)
{
    const QString where = u"libpcap on %1"_s.arg(interface);
    if (status == PCAP_ERROR_PERM_DENIED ||
        (status == PCAP_ERROR && pcapText(p).contains(u"not permitted"_s))) {
        return makeError(ErrorCode::PermissionDenied,
                         u"no permission to capture on %1 (%2). Run as root, or grant the capability: "
                         u"sudo setcap cap_net_raw,cap_net_admin+eip %3"_s.arg(
                             interface, pcapText(p), QCoreApplication::applicationFilePath()),
                         where);
    }
    if (status == PCAP_ERROR_NO_SUCH_DEVICE)
        return makeError(ErrorCode::NotFound, u"no interface %1 (%2)"_s.arg(interface, pcapText(p)), where);
    return makeError(ErrorCode::Io,
                     u"cannot capture on %1: %2 (%3)"_s.arg(interface, pcapText(p),
                                                            QString::fromLatin1(pcap_statustostr(status))),
                     where);
}

} // namespace

TrafficMeter::TrafficMeter(QObject* parent)
    : QObject(parent)
    , m_counters(std::make_unique<TrafficCounters>(1))
{}

TrafficMeter::~TrafficMeter()
{
    stop();
}

Result<std::vector<IpEndpoint>> TrafficMeter::parseUpstreams(const QStringList& upstreams) const
{
    std::vector<IpEndpoint> out;
    out.reserve(static_cast<std::size_t>(upstreams.size()));
    for (const QString& u : upstreams) {
        IpEndpoint e;
        if (!parseEndpointKey(u.toStdString(), &e))
            return makeError(ErrorCode::InvalidArgument, u"not an upstream IP:PORT: \"%1\""_s.arg(u),
                             u"traffic meter"_s);
        out.push_back(e);
    }
    return out;
}

// Stops, and starts counting afresh for this set and these options.
Result<void> TrafficMeter::reset(const MeterOptions& options, const QStringList& upstreams)
{
    stop();
    auto set = parseUpstreams(upstreams);
    if (!set)
        return set.error();
    m_options = options;
    m_counters = std::make_unique<TrafficCounters>(options.flowCapacity);
    m_counters->setFrontPorts(options.frontPorts);
    m_counters->setUpstreams(*set);
    m_decodeFailed = 0;
    return {};
}

Result<void> TrafficMeter::start(const MeterOptions& options, const QStringList& upstreams)
{
    if (Result<void> r = reset(options, upstreams); !r)
        return r.error();

    char err[PCAP_ERRBUF_SIZE] = {};
    const QByteArray dev = options.interface.toLocal8Bit();
    pcap_t* p = pcap_create(dev.constData(), err);
    if (p == nullptr)
        return makeError(ErrorCode::Io, u"pcap_create: %1"_s.arg(QString::fromLocal8Bit(err)),
                         u"libpcap on %1"_s.arg(options.interface));
    pcap_set_snaplen(p, options.snaplen);
    pcap_set_promisc(p, 0);
    pcap_set_timeout(p, options.bufferTimeoutMs);
    pcap_set_buffer_size(p, options.bufferSizeBytes);
    pcap_set_immediate_mode(p, 0);
    const int status = pcap_activate(p);
    if (status < 0) {
        Error e = activationError(status, p, options.interface);
        pcap_close(p);
        return e;
    }
    if (status > 0)
        qCWarning(lcTraffic) << "capture on" << options.interface << "warns:" << pcapText(p);
    if (pcap_setnonblock(p, 1, err) != 0) {
        pcap_close(p);
        return makeError(ErrorCode::Io, u"pcap_setnonblock: %1"_s.arg(QString::fromLocal8Bit(err)),
                         u"libpcap on %1"_s.arg(options.interface));
    }
    m_pcap = p;
    m_linkType = pcap_datalink(p);
    // Loopback is Ethernet-framed on Linux; a cooked or other framing keeps the plain filter.
    m_inboundOnly = m_linkType == DLT_EN10MB && isLoopbackInterface(options.interface);
    if (Result<void> f = applyFilter(); !f) {
        stop();
        return f;
    }
    const int fd = pcap_get_selectable_fd(p);
    if (fd < 0) {
        stop();
        return makeError(ErrorCode::Io, u"no selectable descriptor for %1"_s.arg(options.interface),
                         u"libpcap on %1"_s.arg(options.interface));
    }
    m_notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    // TPACKET_V3 hands the ring over in blocks (libpcap makes them 256 KiB: over a thousand
    // headers-only packets), and the kernel wakes the reader only when it retires one: when it is
    // full, or bufferTimeoutMs after its first packet. One wakeup reads every retired block; a quiet
    // link wakes nobody.
    connect(m_notifier, &QSocketNotifier::activated, this, &TrafficMeter::poll);
    // Some capture types need a select timeout besides the descriptor (pcap_get_required_select_timeout).
    if (const timeval* t = pcap_get_required_select_timeout(p)) {
        m_pollTimer = new QTimer(this);
        m_pollTimer->setInterval(std::max(1, static_cast<int>(t->tv_sec * 1000 + t->tv_usec / 1000)));
        connect(m_pollTimer, &QTimer::timeout, this, &TrafficMeter::poll);
        m_pollTimer->start();
    }
    m_lastDropped = 0;
    m_housekeeping = new QTimer(this);
    m_housekeeping->setInterval(std::max(10, options.housekeepingMs));
    connect(m_housekeeping, &QTimer::timeout, this, &TrafficMeter::housekeeping);
    m_housekeeping->start();
    qCInfo(lcTraffic) << "capturing on" << options.interface << "link type" << m_linkType << "filter"
                      << m_filter << "with" << pcap_lib_version();
    return {};
}

void TrafficMeter::stop()
{
    stopRecording();
    delete m_notifier;
    m_notifier = nullptr;
    delete m_pollTimer;
    m_pollTimer = nullptr;
    delete m_housekeeping;
    m_housekeeping = nullptr;
    if (m_pcap != nullptr) {
        pcap_close(m_pcap);
        m_pcap = nullptr;
    }
    m_filter.clear(); // a new handle starts without one
    m_inboundOnly = false;
}

Result<void> TrafficMeter::compileFilter(const QString& text, bpf_program* program) const
{
    const QByteArray expr = text.toLatin1();
    if (pcap_compile(m_pcap, program, expr.constData(), 1, PCAP_NETMASK_UNKNOWN) != 0)
        return makeError(ErrorCode::Io, u"filter \"%1\" does not compile: %2"_s.arg(text, pcapText(m_pcap)),
                         u"libpcap on %1"_s.arg(m_options.interface));
    return {};
}

Result<void> TrafficMeter::applyFilter()
{
    const std::vector<std::uint16_t> ports = m_counters->filterPorts();
    const QString plain = captureFilter(ports);
    const QString text = captureFilter(ports, m_inboundOnly);
    if (text == m_filter || m_pcap == nullptr)
        return {};
    // libpcap installs the program in the kernel and also runs it in user space over the packets the
    // ring already holds (and the rest of the block being filled): those passed the old program.
    // There it cannot read the packet direction ("inbound" loads kernel metadata) and would reject
    // them all, so libpcap gets the program without it, and the kernel gets the inbound one after.
    // The packets libpcap filters itself lose nothing: it drops lo's outgoing copies on its own.
    bpf_program program{};
    if (Result<void> r = compileFilter(plain, &program); !r)
        return r;
    const int rc = pcap_setfilter(m_pcap, &program);
    pcap_freecode(&program);
    if (rc != 0)
        return makeError(ErrorCode::Io, u"filter \"%1\" refused: %2"_s.arg(plain, pcapText(m_pcap)),
                         u"libpcap on %1"_s.arg(m_options.interface));
    if (m_inboundOnly) {
        if (Result<void> r = compileFilter(text, &program); !r)
            return r;
        static_assert(sizeof(sock_filter) == sizeof(bpf_insn), "one BPF instruction layout");
        sock_fprog kernel{static_cast<unsigned short>(program.bf_len),
                          reinterpret_cast<sock_filter*>(program.bf_insns)};
        const int attached =
            ::setsockopt(pcap_fileno(m_pcap), SOL_SOCKET, SO_ATTACH_FILTER, &kernel, sizeof kernel);
        const int error = errno;
        pcap_freecode(&program);
        if (attached != 0) {
            // Still correct with the program libpcap installed, only each packet crosses the ring twice.
            qCWarning(lcTraffic) << "kernel refused" << text << "on" << m_options.interface << "("
                                 << std::strerror(error) << "): keeping" << plain;
            m_inboundOnly = false;
            m_filter = plain;
            return {};
        }
    }
    m_filter = text;
    return {};
}

Result<void> TrafficMeter::setUpstreams(const QStringList& upstreams)
{
    auto set = parseUpstreams(upstreams);
    if (!set)
        return set.error();
    m_counters->setUpstreams(*set);
    return applyFilter();
}

void TrafficMeter::onPacket(unsigned char* user, const pcap_pkthdr* header, const unsigned char* bytes)
{
    auto* self = reinterpret_cast<TrafficMeter*>(user);
    // Decoded in place, into storage that lives as long as the meter: nothing per packet to set up.
    TcpPacket& packet = self->m_packet;
    const DecodeStatus s = decodeTcpPacket(self->m_linkType, bytes, header->caplen, header->len, &packet);
    if (s != DecodeStatus::Ok) [[unlikely]] {
        ++self->m_decodeFailed;
        return;
    }
    const std::uint64_t us = static_cast<std::uint64_t>(header->ts.tv_sec) * 1000000u +
                             static_cast<std::uint64_t>(header->ts.tv_usec);
    self->m_counters->count(packet, us);
    if (self->m_dumper != nullptr)
        self->record(header, bytes);
    if (self->m_feed != nullptr &&
        self->m_feed->admit(packet.src, packet.dst, static_cast<qint64>(us / 1000)))
        self->m_feed->keep(tcpdumpLine(header->ts.tv_sec, header->ts.tv_usec, packet));
    ++self->m_polled;
}

void TrafficMeter::poll()
{
    if (m_pcap == nullptr)
        return;
    m_polled = 0;
    ++m_polls;
    // Non-blocking: each call hands over what the kernel has retired, 0 when there is nothing more.
    for (int rounds = 0; rounds < 64; ++rounds) {
        const int n =
            pcap_dispatch(m_pcap, -1, &TrafficMeter::onPacket, reinterpret_cast<unsigned char*>(this));
        if (n == 0)
            break;
        if (n < 0) {
            const Error e = makeError(ErrorCode::Io, u"capture stopped: %1"_s.arg(pcapText(m_pcap)),
                                      u"libpcap on %1"_s.arg(m_options.interface));
            qCWarning(lcTraffic) << e.toString();
            stop();
            Q_EMIT failed(e);
            return;
        }
    }
    if (m_polled > 0)
        Q_EMIT updated(m_polled);
}

void TrafficMeter::housekeeping()
{
    const std::uint64_t now = static_cast<std::uint64_t>(QDateTime::currentMSecsSinceEpoch()) * 1000u;
    const std::uint64_t idle = static_cast<std::uint64_t>(std::max(1, m_options.flowIdleTimeoutS)) * 1000000u;
    if (const std::size_t n = m_counters->expireIdle(now, idle); n > 0)
        qCInfo(lcTraffic) << "forgot" << n << "idle flows (no FIN or RST seen for"
                          << m_options.flowIdleTimeoutS << "s)";
    const Result<CaptureStats> s = stats();
    if (s.ok() && s->dropped > m_lastDropped) {
        qCWarning(lcTraffic) << "pcap dropped" << (s->dropped - m_lastDropped) << "packets on"
                             << m_options.interface << "(" << s->dropped
                             << "since start): raise the buffer size";
        m_lastDropped = s->dropped;
        Q_EMIT dropsIncreased(s->dropped);
    }
}

Result<std::uint64_t> TrafficMeter::replay(const QString& pcapFile, const QStringList& upstreams,
                                           const MeterOptions& options)
{
    if (Result<void> r = reset(options, upstreams); !r)
        return r.error();
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline(QFile::encodeName(pcapFile).constData(), err);
    if (p == nullptr)
        return makeError(ErrorCode::Io, QString::fromLocal8Bit(err), pcapFile);
    m_linkType = pcap_datalink(p);
    std::uint64_t packets = 0;
    int n = 0;
    while ((n = pcap_dispatch(p, -1, &TrafficMeter::onPacket, reinterpret_cast<unsigned char*>(this))) > 0)
        packets += static_cast<std::uint64_t>(n);
    const QString error = n == PCAP_ERROR ? pcapText(p) : QString();
    pcap_close(p);
    if (!error.isEmpty())
        return makeError(ErrorCode::Io, u"reading: %1"_s.arg(error), pcapFile);
    return packets;
}

Result<void> TrafficMeter::startRecording(std::size_t maxBytes)
{
    if (m_pcap == nullptr)
        return makeError(ErrorCode::Unavailable, u"not capturing"_s, u"traffic meter"_s);
    if (m_dumper != nullptr)
        return makeError(ErrorCode::Conflict, u"a recording is already running"_s, u"traffic meter"_s);
    m_recordStream = ::open_memstream(&m_recordBuffer, &m_recordSize);
    if (m_recordStream == nullptr)
        return makeError(ErrorCode::Io, u"open_memstream failed"_s, u"traffic meter"_s);
    m_dumper = pcap_dump_fopen(m_pcap, m_recordStream);
    if (m_dumper == nullptr) {
        const Error e =
            makeError(ErrorCode::Io, u"pcap_dump_fopen: %1"_s.arg(pcapText(m_pcap)), u"traffic meter"_s);
        std::fclose(m_recordStream);
        std::free(m_recordBuffer);
        m_recordStream = nullptr;
        m_recordBuffer = nullptr;
        return e;
    }
    m_recordLimit = maxBytes;
    m_recorded = 0;
    m_recordTruncated = false;
    return {};
}

void TrafficMeter::record(const pcap_pkthdr* header, const unsigned char* bytes)
{
    // The size is only exact after a flush; the limit is checked against it once per packet.
    if (m_recordSize + 16 + header->caplen > m_recordLimit) { // 16: a record header in the file
        std::fflush(m_recordStream);
        if (m_recordSize + 16 + header->caplen > m_recordLimit) {
            m_recordTruncated = true;
            return;
        }
    }
    pcap_dump(reinterpret_cast<unsigned char*>(m_dumper), header, bytes);
    ++m_recorded;
}

QByteArray TrafficMeter::stopRecording(std::uint64_t* packets, bool* truncated)
{
    if (packets)
        *packets = m_recorded;
    if (truncated)
        *truncated = m_recordTruncated;
    if (m_dumper == nullptr)
        return {};
    pcap_dump_close(m_dumper); // flushes and closes the memstream, which finalizes the buffer
    m_dumper = nullptr;
    m_recordStream = nullptr;
    QByteArray out(m_recordBuffer, static_cast<qsizetype>(m_recordSize));
    std::free(m_recordBuffer);
    m_recordBuffer = nullptr;
    m_recordSize = 0;
    return out;
}

Result<CaptureStats> TrafficMeter::stats() const
{
    CaptureStats s;
    s.decodeFailed = m_decodeFailed;
    s.flowOverflow = m_counters->flows().overflow();
    if (m_pcap == nullptr)
        return s;
    pcap_stat ps{};
    if (pcap_stats(m_pcap, &ps) != 0)
        return makeError(ErrorCode::Io, u"pcap_stats: %1"_s.arg(pcapText(m_pcap)),
                         u"libpcap on %1"_s.arg(m_options.interface));
    s.received = ps.ps_recv;
    s.dropped = ps.ps_drop;
    s.ifDropped = ps.ps_ifdrop;
    return s;
}

} // namespace lbdeck::traffic
