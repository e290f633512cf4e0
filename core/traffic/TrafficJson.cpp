// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// TrafficService's documents: GET /traffic (JSON) and its part of /metrics (Prometheus text).
#include "TrafficService.h"

#include <QJsonArray>

#include <map>

#include <pcap/pcap.h>

using namespace Qt::StringLiterals;

namespace lbdeck::traffic {

namespace {

const char* stateName(RowState s)
{
    switch (s) {
    case RowState::Registered:
        return "registered";
    case RowState::Draining:
        return "draining";
    case RowState::Unregistered:
        return "unregistered";
    case RowState::Left:
        return "left";
    }
    return "registered";
}

QJsonObject directionJson(const DirectionCounters& d)
{
    return {{u"packets"_s, qint64(d.packets)},
            {u"bytes"_s, qint64(d.bytes)},
            {u"syn"_s, qint64(d.syn)},
            {u"rst"_s, qint64(d.rst)},
            {u"fin"_s, qint64(d.fin)}};
}

void addInto(DirectionCounters& sum, const DirectionCounters& d)
{
    sum.packets += d.packets;
    sum.bytes += d.bytes;
    sum.syn += d.syn;
    sum.rst += d.rst;
    sum.fin += d.fin;
}

QJsonObject rateJson(const TrafficHistory& h, const std::string& key, int windowS)
{
    using M = HistoryMetric;
    const auto r = [&](Direction d, M m) { return h.rate(key, d, m, windowS); };
    return {{u"packetsTo"_s, r(Direction::ToBackend, M::Packets)},
            {u"packetsFrom"_s, r(Direction::FromBackend, M::Packets)},
            {u"bytesTo"_s, r(Direction::ToBackend, M::Bytes)},
            {u"bytesFrom"_s, r(Direction::FromBackend, M::Bytes)},
            {u"connections"_s, r(Direction::ToBackend, M::Connections)},
            {u"rst"_s, r(Direction::ToBackend, M::Rst) + r(Direction::FromBackend, M::Rst)}};
}

QJsonObject l7Json(const L7UpstreamStats& s, qint64 windowMs)
{
    const L7Percentiles& w = s.lastWindow;
    const auto ms = [](qint64 v) { return v == kUnknown ? -1.0 : double(v); };
    return {{u"requests"_s, qint64(s.requests)},
            {u"2xx"_s, qint64(s.status2xx)},
            {u"3xx"_s, qint64(s.status3xx)},
            {u"4xx"_s, qint64(s.status4xx)},
            {u"5xx"_s, qint64(s.status5xx)},
            {u"other"_s, qint64(s.statusOther)},
            {u"retriedAway"_s, qint64(s.retriedAway)},
            {u"windowMs"_s, windowMs},
            {u"windowRequests"_s, qint64(w.samples)},
            {u"p50Ms"_s, ms(w.p50)},
            {u"p95Ms"_s, ms(w.p95)},
            {u"p99Ms"_s, ms(w.p99)}};
}

} // namespace

QJsonObject TrafficService::toJson()
{
    sample();
    const TrafficCounters& counters = m_meter.counters();
    const Result<CaptureStats> stats = m_meter.stats();
    const CaptureStats cs = stats ? *stats : CaptureStats{};

    // One row per address: every one the meter counted, nginx logged, or nginx serves.
    std::map<std::string, QJsonObject> rows;
    for (const QString& u : m_upstreams)
        rows[u.toStdString()];
    DirectionCounters sumTo, sumFrom;
    qint64 sumConnections = 0, sumOpen = 0, sumRequests = 0;
    for (const UpstreamRow& r : counters.rows()) {
        QJsonObject& o = rows[r.key];
        o[u"state"_s] = QString::fromLatin1(stateName(r.state));
        o[u"to"_s] = directionJson(r.to());
        o[u"from"_s] = directionJson(r.from());
        o[u"connections"_s] = qint64(r.connections);
        o[u"open"_s] = qint64(r.open);
        o[u"probes"_s] = qint64(r.probes);
        o[u"rtt"_s] = QJsonObject{{u"count"_s, qint64(r.rttCount)},
                                  {u"lastUs"_s, qint64(r.rttLastUs)},
                                  {u"minUs"_s, qint64(r.rttMinUs)},
                                  {u"maxUs"_s, qint64(r.rttMaxUs)},
                                  {u"avgUs"_s, r.rttCount ? double(r.rttSumUs) / double(r.rttCount) : 0.0}};
        o[u"rate1s"_s] = rateJson(m_history, r.key, 1);
        o[u"rate10s"_s] = rateJson(m_history, r.key, 10);
        addInto(sumTo, r.to());
        addInto(sumFrom, r.from());
        sumConnections += qint64(r.connections);
        sumOpen += r.open;
    }
    const qint64 windowMs = L7Stats::kDefaultWindowMs;
    for (const L7UpstreamStats& s : m_l7.snapshot()) {
        rows[s.address.toStdString()][u"l7"_s] = l7Json(s, windowMs);
        sumRequests += qint64(s.requests);
    }
    QJsonArray upstreams;
    for (auto& [key, o] : rows) {
        o[u"address"_s] = QString::fromStdString(key);
        if (!o.contains(u"state"_s))
            o[u"state"_s] =
                m_upstreams.contains(QString::fromStdString(key)) ? u"registered"_s : u"unregistered"_s;
        upstreams.append(o);
    }

    const FlowTable& flows = counters.flows();
    QJsonArray topClients;
    for (const ClientCounters& c : counters.clients().top(10))
        topClients.append(QJsonObject{{u"address"_s, QString::fromStdString(addressText(c.address))},
                                      {u"connections"_s, qint64(c.connections)},
                                      {u"packetsIn"_s, qint64(c.packetsIn)},
                                      {u"packetsOut"_s, qint64(c.packetsOut)},
                                      {u"bytesIn"_s, qint64(c.bytesIn)},
                                      {u"bytesOut"_s, qint64(c.bytesOut)}});
    const AccessLogReceiverCounters ac = m_receiver.counters();
    QJsonArray warningList;
    for (const QString& w : warnings())
        warningList.append(w);
    return {
        {u"nowMs"_s, now()},
        {u"startedMs"_s, m_startedMs},
        {u"libpcap"_s, QString::fromLatin1(pcap_lib_version())},
        {u"capture"_s, QJsonObject{{u"running"_s, m_meter.isRunning()},
                                   {u"interface"_s, m_interface},
                                   {u"filter"_s, m_meter.filter()},
                                   {u"snaplen"_s, MeterOptions{}.snaplen},
                                   {u"error"_s, m_captureError},
                                   {u"received"_s, qint64(cs.received)},
                                   {u"dropped"_s, qint64(cs.dropped)},
                                   {u"ifDropped"_s, qint64(cs.ifDropped)},
                                   {u"decodeFailed"_s, qint64(cs.decodeFailed)}}},
        {u"flows"_s, QJsonObject{{u"capacity"_s, qint64(flows.capacity())},
                                 {u"open"_s, qint64(flows.size())},
                                 {u"overflow"_s, qint64(flows.overflow())},
                                 {u"expired"_s, qint64(counters.expired())}}},
        {u"accessLog"_s, QJsonObject{{u"listening"_s, m_receiver.isListening()},
                                     {u"socket"_s, m_config.accessLogSocket},
                                     {u"error"_s, m_accessLogError},
                                     {u"datagrams"_s, qint64(ac.datagrams)},
                                     {u"accepted"_s, qint64(ac.accepted)},
                                     {u"malformed"_s, qint64(ac.malformed)},
                                     {u"refusedSender"_s, qint64(ac.refusedSender)},
                                     {u"kernelDropped"_s, qint64(ac.kernelDropped)},
                                     {u"maxDatagramQueue"_s, AccessLogReceiver::maxDatagramQueue()},
                                     {u"requests"_s, qint64(m_l7.requests())},
                                     {u"retriedRequests"_s, qint64(m_l7.retriedRequests())},
                                     {u"withoutUpstream"_s, qint64(m_l7.withoutUpstream())}}},
        {u"clients"_s, QJsonObject{{u"tracked"_s, qint64(counters.clients().size())},
                                   {u"capacity"_s, qint64(counters.clients().capacity())},
                                   {u"overflow"_s, qint64(counters.clients().overflow())},
                                   {u"top"_s, topClients}}},
        {u"warnings"_s, warningList},
        {u"upstreams"_s, upstreams},
        {u"totals"_s, QJsonObject{{u"to"_s, directionJson(sumTo)},
                                  {u"from"_s, directionJson(sumFrom)},
                                  {u"connections"_s, sumConnections},
                                  {u"open"_s, sumOpen},
                                  {u"requests"_s, sumRequests}}},
    };
}

QByteArray TrafficService::metricsText()
{
    sample();
    QByteArray out;
    const auto family = [&out](const char* name, const char* type, const char* help) {
        out += "# HELP " + QByteArray(name) + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
    };
    const auto line = [&out](const char* name, const QByteArray& labels, quint64 value) {
        out += QByteArray(name) + '{' + labels + "} " + QByteArray::number(value) + '\n';
    };
    const auto upstreamLabel = [](const std::string& key) {
        return QByteArray("upstream=\"") + QByteArray::fromStdString(key) + '"';
    };
    const std::vector<UpstreamRow>& rows = m_meter.counters().rows();
    struct PerDirection
    {
        const char* name;
        const char* help;
        std::uint64_t DirectionCounters::*field;
    };
    const PerDirection perDirection[] = {
        {"lbdeck_traffic_packets_total", "TCP packets captured", &DirectionCounters::packets},
        {"lbdeck_traffic_bytes_total", "IP bytes captured", &DirectionCounters::bytes},
        {"lbdeck_traffic_syn_total", "SYN segments", &DirectionCounters::syn},
        {"lbdeck_traffic_rst_total", "RST segments", &DirectionCounters::rst},
        {"lbdeck_traffic_fin_total", "FIN segments", &DirectionCounters::fin},
    };
    for (const PerDirection& m : perDirection) {
        family(m.name, "counter", m.help);
        for (const UpstreamRow& r : rows) {
            line(m.name, upstreamLabel(r.key) + ",direction=\"to_backend\"", r.to().*m.field);
            line(m.name, upstreamLabel(r.key) + ",direction=\"from_backend\"", r.from().*m.field);
        }
    }
    family("lbdeck_traffic_connections_total", "counter", "TCP connections opened to the upstream server");
    for (const UpstreamRow& r : rows)
        line("lbdeck_traffic_connections_total", upstreamLabel(r.key), r.connections);
    family("lbdeck_traffic_probe_connections_total", "counter", "of those, lbdeck's own health probes");
    for (const UpstreamRow& r : rows)
        line("lbdeck_traffic_probe_connections_total", upstreamLabel(r.key), r.probes);
    family("lbdeck_traffic_open_connections", "gauge", "TCP connections open now");
    for (const UpstreamRow& r : rows)
        line("lbdeck_traffic_open_connections", upstreamLabel(r.key),
             quint64(std::max<std::int64_t>(0, r.open)));
    family("lbdeck_traffic_requests_total", "counter",
           "requests nginx sent to the upstream server (access log)");
    for (const L7UpstreamStats& s : m_l7.snapshot()) {
        const QByteArray u = upstreamLabel(s.address.toStdString());
        line("lbdeck_traffic_requests_total", u + ",status=\"2xx\"", s.status2xx);
        line("lbdeck_traffic_requests_total", u + ",status=\"3xx\"", s.status3xx);
        line("lbdeck_traffic_requests_total", u + ",status=\"4xx\"", s.status4xx);
        line("lbdeck_traffic_requests_total", u + ",status=\"5xx\"", s.status5xx);
        line("lbdeck_traffic_requests_total", u + ",status=\"other\"", s.statusOther);
    }
    const CaptureStats cs = m_meter.stats().valueOr(CaptureStats{});
    family("lbdeck_traffic_capture_dropped_total", "counter", "packets libpcap dropped (ring full)");
    out += "lbdeck_traffic_capture_dropped_total " + QByteArray::number(quint64(cs.dropped)) + '\n';
    family("lbdeck_traffic_flow_overflow_total", "counter",
           "connections the full flow table could not track");
    out += "lbdeck_traffic_flow_overflow_total " + QByteArray::number(quint64(cs.flowOverflow)) + '\n';
    family("lbdeck_traffic_accesslog_lines_total", "counter", "nginx access-log lines received");
    out +=
        "lbdeck_traffic_accesslog_lines_total " + QByteArray::number(m_receiver.counters().accepted) + '\n';
    return out;
}

} // namespace lbdeck::traffic
