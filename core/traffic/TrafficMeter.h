// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <cstdio>
#include <vector>

#include "core/traffic/TrafficCounters.h"
#include "core/util/Result.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>

class QSocketNotifier;
class QTimer;
struct pcap;
struct pcap_pkthdr;
struct pcap_dumper;
struct bpf_program;

namespace lbdeck::traffic {

class LineFeed;

struct MeterOptions
{
    QString interface = QStringLiteral("lo");
    int snaplen = 128;                     // headers only
    int bufferTimeoutMs = 50;              // TPACKET_V3 block timeout: a wakeup per block, not per packet
    int bufferSizeBytes = 4 * 1024 * 1024; // kernel ring
    std::size_t flowCapacity = 0;          // preallocated flow table; 0: sized by the upstream set
    int flowIdleTimeoutS = 600;            // a flow silent this long is forgotten (lost FIN/RST)
    int housekeepingMs = 1000;             // how often idle flows and pcap drops are checked
    std::vector<std::uint16_t> frontPorts; // nginx's listening ports: counted per client address
};

struct CaptureStats
{
    std::uint64_t received = 0;     // pcap_stats ps_recv
    std::uint64_t dropped = 0;      // ps_drop: the ring was full
    std::uint64_t ifDropped = 0;    // ps_ifdrop
    std::uint64_t decodeFailed = 0; // captured but not a TCP packet we could read
    std::uint64_t flowOverflow = 0; // SYNs the full flow table could not track
};

// Live libpcap capture in this process, driven by the Qt event loop (a QSocketNotifier on
// pcap_get_selectable_fd): no thread, no child process. Counts per upstream "IP:PORT".
class TrafficMeter : public QObject
{
    Q_OBJECT
public:
    explicit TrafficMeter(QObject* parent = nullptr);
    ~TrafficMeter() override;

    // Opens and activates the capture with the coarse filter for `upstreams` ("IP:PORT" each).
    Result<void> start(const MeterOptions& options, const QStringList& upstreams);
    void stop();
    // Counts a capture file as if it came live (malformed packets included): the same decoding
    // and counters, no interface, no privilege. Returns how many packets the file held.
    Result<std::uint64_t> replay(const QString& pcapFile, const QStringList& upstreams,
                                 const MeterOptions& options = {});
    bool isRunning() const { return m_pcap != nullptr; }

    // A new upstream set: the exact match changes at once, the kernel filter when its ports change.
    Result<void> setUpstreams(const QStringList& upstreams);

    // Reads whatever the kernel has handed over; the notifier calls it, tests may too.
    void poll();

    const TrafficCounters& counters() const { return *m_counters; }
    // Every captured TCP packet is offered to this feed as a tcpdump -q line; only the ones it
    // admits are formatted. Not owned; null turns the feed off.
    void setLineFeed(LineFeed* feed) { m_feed = feed; }
    Result<CaptureStats> stats() const;
    // The kernel filter: captureFilter() of the ports, "inbound and ..." on a loopback interface.
    QString filter() const { return m_filter; }
    int linkType() const { return m_linkType; }
    // Records every packet the meter is handed, as libpcap writes a capture file, in memory, until
    // stopRecording() or maxBytes (then it stops by itself and says so in truncated()).
    Result<void> startRecording(std::size_t maxBytes);
    // The pcap file (empty if none was recording); *packets: how many it holds.
    QByteArray stopRecording(std::uint64_t* packets = nullptr, bool* truncated = nullptr);
    bool isRecording() const { return m_dumper != nullptr; }
    std::uint64_t recordedPackets() const { return m_recorded; }
    // Reads of the ring since start (wakeups and explicit polls).
    std::uint64_t polls() const { return m_polls; }

Q_SIGNALS:
    // After a poll that counted packets.
    void updated(int packets);
    // The capture stopped by itself (interface gone, read error).
    void failed(const lbdeck::Error& error);
    // pcap_stats reported more drops (the total since start): counts are short by that much.
    void dropsIncreased(quint64 dropped);

private:
    static void onPacket(unsigned char* user, const pcap_pkthdr* header, const unsigned char* bytes);
    Result<void> reset(const MeterOptions& options, const QStringList& upstreams);
    Result<void> applyFilter();
    Result<void> compileFilter(const QString& text, bpf_program* program) const;
    void record(const pcap_pkthdr* header, const unsigned char* bytes);
    void housekeeping();
    Result<std::vector<IpEndpoint>> parseUpstreams(const QStringList& upstreams) const;

    pcap* m_pcap = nullptr;
    QSocketNotifier* m_notifier = nullptr; // owned (child)
    QTimer* m_pollTimer = nullptr;         // owned (child); only when the fd alone cannot wake us
    QTimer* m_housekeeping = nullptr;      // owned (child)
    std::uint64_t m_lastDropped = 0;
    std::unique_ptr<TrafficCounters> m_counters;
    TcpPacket m_packet; // the packet being counted (onPacket decodes into it)
    MeterOptions m_options;
    QString m_filter;
    int m_linkType = 0;
    bool m_inboundOnly = false; // a loopback interface: the kernel filter takes incoming packets only
    std::uint64_t m_decodeFailed = 0;
    int m_polled = 0;
    std::uint64_t m_polls = 0;
    LineFeed* m_feed = nullptr;      // Not owned.
    pcap_dumper* m_dumper = nullptr; // Owned, while recording: writes to m_recordStream.
    FILE* m_recordStream = nullptr;  // open_memstream over m_recordBuffer
    char* m_recordBuffer = nullptr;
    std::size_t m_recordSize = 0;
    std::size_t m_recordLimit = 0;
    std::uint64_t m_recorded = 0;
    bool m_recordTruncated = false;
};

} // namespace lbdeck::traffic
