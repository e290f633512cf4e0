// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TrafficService.h"

#include "core/traffic/RouteInterface.h"
#include "core/util/Logging.h"

#include <QDateTime>

#include <pwd.h>

using namespace Qt::StringLiterals;

namespace lbdeck::traffic {

namespace {

QStringList endpointsOnly(const QStringList& values, std::vector<IpEndpoint>* parsed = nullptr)
{
    QStringList out;
    for (const QString& v : values) {
        IpEndpoint e;
        if (!parseEndpointKey(v.toStdString(), &e))
            continue;
        out.append(v);
        if (parsed)
            parsed->push_back(e);
    }
    out.sort();
    out.removeDuplicates();
    return out;
}

} // namespace

TrafficService::TrafficService(TrafficConfig config, Clock clock, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); }))
    , m_l7(m_clock)
    , m_history(m_clock)
    , m_lines(LineFeedOptions{m_config.linesPerSecond, 1000}, m_clock)
{
    connect(&m_meter, &TrafficMeter::updated, this, &TrafficService::sample);
    connect(&m_meter, &TrafficMeter::failed, this, [this](const Error& e) { m_captureError = e.toString(); });
    connect(&m_receiver, &AccessLogReceiver::recordReceived, this,
            [this](const AccessLogRecord& r) { m_l7.add(r); });
    connect(&m_sampler, &QTimer::timeout, this, &TrafficService::sample);
    m_recordTimer.setSingleShot(true);
    connect(&m_recordTimer, &QTimer::timeout, this, [this] {
        m_meter.poll(); // what the kernel holds from the last moments belongs in it
        m_recording = m_meter.stopRecording(&m_recordingPackets, &m_recordingTruncated);
        qCInfo(lcTraffic) << "recorded" << m_recordingPackets << "packets in" << m_recordSeconds << "s";
    });
    m_sampler.setInterval(1000);
}

TrafficService::~TrafficService() = default;

qint64 TrafficService::now() const
{
    return m_clock();
}

void TrafficService::start(const QStringList& upstreams)
{
    stop();
    m_startedMs = now();
    m_startWarnings.clear();
    std::vector<IpEndpoint> parsed;
    m_upstreams = endpointsOnly(upstreams, &parsed);
    if (m_config.capture) {
        QString why;
        m_interface = m_config.interface.isEmpty() ? routeInterface(parsed, &why) : m_config.interface;
        if (!why.isEmpty())
            m_startWarnings.append(why);
        if (m_interface == u"any"_s && why.isEmpty())
            m_startWarnings.append(u"capturing on \"any\": traffic bridged to containers is seen twice"_s);
        MeterOptions o;
        o.interface = m_interface;
        o.bufferSizeBytes = m_config.bufferSizeBytes;
        o.flowCapacity = m_config.flowCapacity;
        o.frontPorts.assign(m_config.frontPorts.cbegin(), m_config.frontPorts.cend());
        m_meter.setLineFeed(&m_lines);
        if (Result<void> r = m_meter.start(o, m_upstreams); !r) {
            m_captureError = r.error().toString();
            qCWarning(lcTraffic).noquote()
                << "no traffic counts:" << m_captureError << "(the layer-7 numbers still come from nginx)";
        } else {
            m_captureError.clear();
        }
    } else {
        m_captureError = u"capture is off ([traffic] capture = false)"_s;
    }
    if (!m_config.accessLogSocket.isEmpty()) {
        AccessLogReceiverConfig rc;
        rc.path = m_config.accessLogSocket;
        rc.allowedUids = m_config.accessLogUids;
        if (!m_config.accessLogUser.isEmpty()) {
            if (const passwd* pw = ::getpwnam(m_config.accessLogUser.toLocal8Bit().constData())) {
                rc.allowedUids.append(pw->pw_uid);
                rc.group = static_cast<int>(pw->pw_gid);
            } else
                m_startWarnings.append(
                    u"[traffic] access_log_user \"%1\" does not exist"_s.arg(m_config.accessLogUser));
        }
        if (!rc.allowedUids.isEmpty())
            rc.allowedUids.append(::getuid());
        if (Result<void> r = m_receiver.listen(rc); !r) {
            m_accessLogError = r.error().toString();
            qCWarning(lcTraffic).noquote() << "no layer-7 numbers:" << m_accessLogError;
        } else {
            m_accessLogError.clear();
        }
    }
    m_sampler.start();
}

void TrafficService::stop()
{
    m_sampler.stop();
    m_meter.setLineFeed(nullptr);
    m_meter.stop();
    m_receiver.close();
}

void TrafficService::setUpstreams(const QStringList& upstreams)
{
    QStringList fresh = endpointsOnly(upstreams);
    if (fresh == m_upstreams)
        return;
    m_upstreams = std::move(fresh);
    sample(); // what came before the change counts under the old set
    if (!m_meter.isRunning())
        return;
    if (Result<void> r = m_meter.setUpstreams(m_upstreams); !r)
        qCWarning(lcTraffic).noquote() << "upstream set not applied to the capture:" << r.error().toString();
}

void TrafficService::sample()
{
    m_history.sample(m_meter.counters());
}

QStringList TrafficService::warnings() const
{
    QStringList out = m_startWarnings;
    const Result<CaptureStats> s = m_meter.stats();
    if (s && s->dropped > 0)
        out.append(u"libpcap dropped %1 packets since start (the kernel ring was full): the counts are "
                   u"short by that much; raise [traffic] buffer_size"_s.arg(s->dropped));
    if (s && s->flowOverflow > 0)
        out.append(u"the flow table (%1 flows) was full %2 times: those connections are counted as packets "
                   u"but not as open connections; raise [traffic] flow_capacity"_s
                       .arg(m_meter.counters().flows().capacity())
                       .arg(s->flowOverflow));
    const AccessLogReceiverCounters c = m_receiver.counters();
    if (const int queue = AccessLogReceiver::maxDatagramQueue();
        m_receiver.isListening() && queue >= 0 && queue < 64)
        out.append(
            u"net.unix.max_dgram_qlen is %1: nginx drops access-log lines, without a word, once that many "
            u"wait, so request counts may be short; raise it (sysctl -w net.unix.max_dgram_qlen=512)"_s.arg(
                queue));
    if (c.kernelDropped > 0)
        out.append(u"%1 access-log lines were dropped at the engine's socket"_s.arg(c.kernelDropped));
    if (c.refusedSender > 0)
        out.append(u"%1 access-log datagrams came from a sender that is not allowed"_s.arg(c.refusedSender));
    if (c.malformed > 0)
        out.append(u"%1 access-log lines could not be read"_s.arg(c.malformed));
    return out;
}

Result<void> TrafficService::startRecording(int seconds)
{
    if (seconds < 1 || seconds > 300)
        return makeError(ErrorCode::InvalidArgument, u"a recording lasts 1 to 300 s, not %1"_s.arg(seconds),
                         u"traffic capture"_s);
    if (!m_meter.isRunning())
        return makeError(ErrorCode::Unavailable, u"the engine does not capture: %1"_s.arg(m_captureError),
                         u"traffic capture"_s);
    if (Result<void> r = m_meter.startRecording(64u << 20); !r)
        return r;
    m_recording.clear();
    m_recordSeconds = seconds;
    m_recordTimer.start(seconds * 1000);
    return {};
}

QJsonObject TrafficService::recordingStatus() const
{
    const bool recording = m_meter.isRecording();
    const char* state = recording ? "recording" : m_recording.isEmpty() ? "idle" : "ready";
    return {{u"state"_s, QString::fromLatin1(state)},
            {u"seconds"_s, m_recordSeconds},
            {u"remainingMs"_s, recording ? m_recordTimer.remainingTime() : 0},
            {u"packets"_s, qint64(recording ? m_meter.recordedPackets() : m_recordingPackets)},
            {u"bytes"_s, qint64(m_recording.size())},
            {u"truncated"_s, m_recordingTruncated}};
}

QByteArray TrafficService::takeRecording(quint64* packets)
{
    if (packets)
        *packets = quint64(m_recordingPackets);
    return std::exchange(m_recording, {});
}

QStringList TrafficService::linesAfter(quint64 after, quint64* last) const
{
    if (last)
        *last = m_lines.lastSequence();
    return m_lines.linesAfter(after);
}

} // namespace lbdeck::traffic
