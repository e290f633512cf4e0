// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Malformed packets through the whole meter (libpcap reading a file, the decoder, the counters):
// each is counted as undecodable, none crashes it, and the good ones around them still count.
#include "core/traffic/TrafficMeter.h"
#include "tests/traffic/PacketBuilder.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <pcap/pcap.h>

using namespace lbdeck::traffic;
using namespace lbdeck::traffic::test;
using namespace Qt::StringLiterals;

namespace {

struct Record
{
    QByteArray bytes;
    int wireLength = -1; // -1: bytes.size()
};

QString writePcap(const QString& path, int dlt, const std::vector<Record>& records)
{
    pcap_t* dead = pcap_open_dead(dlt, 65535);
    pcap_dumper_t* d = pcap_dump_open(dead, QFile::encodeName(path).constData());
    if (d == nullptr) {
        const QString e = QString::fromLocal8Bit(pcap_geterr(dead));
        pcap_close(dead);
        return e;
    }
    std::int64_t usec = 0;
    for (const Record& r : records) {
        pcap_pkthdr h{};
        h.ts.tv_sec = 1700000000;
        h.ts.tv_usec = static_cast<suseconds_t>(usec += 10);
        h.caplen = static_cast<bpf_u_int32>(r.bytes.size());
        h.len = static_cast<bpf_u_int32>(r.wireLength < 0 ? r.bytes.size() : r.wireLength);
        pcap_dump(reinterpret_cast<unsigned char*>(d), &h,
                  reinterpret_cast<const unsigned char*>(r.bytes.constData()));
    }
    pcap_dump_close(d);
    pcap_close(dead);
    return QString();
}

// A frame with byte `at` (from the IP header) set to `value`.
QByteArray corrupt(int dlt, const SegmentSpec& spec, int at, char value)
{
    QByteArray f = frame(dlt, ipPacket(spec), spec.ipv6);
    f[linkHeaderLength(dlt) + at] = value;
    return f;
}

} // namespace

class TestTrafficReplay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void malformedPacketsAreCountedNotFatal_data();
    void malformedPacketsAreCountedNotFatal();
    void missingFileIsAnError();
};

void TestTrafficReplay::malformedPacketsAreCountedNotFatal_data()
{
    QTest::addColumn<int>("dlt");
    QTest::newRow("ethernet") << int(DLT_EN10MB);
    QTest::newRow("linux-sll") << int(DLT_LINUX_SLL);
    QTest::newRow("linux-sll2") << int(DLT_LINUX_SLL2);
    QTest::newRow("raw") << int(DLT_RAW);
}

void TestTrafficReplay::malformedPacketsAreCountedNotFatal()
{
    QFETCH(int, dlt);
    SegmentSpec syn; // 127.0.1.1:53412 > 127.0.1.3:8001 SYN
    SegmentSpec v6;
    v6.ipv6 = true;
    v6.src = u"::1"_s;
    v6.dst = u"::1"_s;
    const QByteArray good = frame(dlt, ipPacket(syn), false);
    const int link = linkHeaderLength(dlt);
    std::vector<Record> records{
        {good},
        {good.left(link + 10)},                           // IPv4 header cut short
        {corrupt(dlt, syn, 0, char(0x41))},               // IHL 1: shorter than a header
        {corrupt(dlt, syn, 0, char(0x4f))},               // IHL 15: options beyond the packet
        {corrupt(dlt, syn, 3, char(0x10))},               // total length 16: below the header
        {good.left(link + 20 + 7)},                       // TCP header cut short
        {corrupt(dlt, syn, 20 + 12, char(0x10))},         // TCP data offset 1
        {frame(dlt, ipPacket(v6), true).left(link + 30)}, // IPv6 header cut short
        {good.left(std::max(1, link - 1))},               // not even the link header
        {QByteArray()},                                   // nothing at all
        {good, int(good.size()) - 30},                    // wire length below the capture
        {good},
    };
    for (std::size_t i = 0; i < records.size(); ++i) {
        TcpPacket t;
        const Record& r = records[i];
        const auto status = decodeTcpPacket(
            dlt, reinterpret_cast<const std::uint8_t*>(r.bytes.constData()), std::size_t(r.bytes.size()),
            std::size_t(r.wireLength < 0 ? r.bytes.size() : r.wireLength), &t);
        const bool wellFormed = i == 0 || i + 1 == records.size();
        QVERIFY2((status == DecodeStatus::Ok) == wellFormed, qPrintable(u"record %1"_s.arg(i)));
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(u"malformed.pcap"_s);
    QCOMPARE(writePcap(path, dlt, records), QString());

    TrafficMeter meter;
    const auto replayed = meter.replay(path, {u"127.0.1.3:8001"_s});
    QVERIFY2(replayed.ok(), qPrintable(replayed.ok() ? QString() : replayed.error().toString()));
    QCOMPARE(*replayed, std::uint64_t(records.size()));
    const UpstreamRow* row = meter.counters().row("127.0.1.3:8001");
    QVERIFY(row);
    QCOMPARE(row->to().packets, 2u); // the two good SYNs, the same flow
    QCOMPARE(row->to().syn, 2u);
    const auto stats = meter.stats();
    QVERIFY(stats.ok());
    QCOMPARE(stats->decodeFailed, std::uint64_t(records.size() - 2));
}

void TestTrafficReplay::missingFileIsAnError()
{
    TrafficMeter meter;
    const auto replayed = meter.replay(u"/nonexistent/lbdeck.pcap"_s, {});
    QVERIFY(!replayed.ok());
    QVERIFY(replayed.error().toString().contains(u"/nonexistent/lbdeck.pcap"_s));
    QVERIFY(!meter.isRunning());
}

QTEST_GUILESS_MAIN(TestTrafficReplay)
#include "TestTrafficReplay.moc"
