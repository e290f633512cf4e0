// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/traffic/PacketDecoder.h"
#include "tests/traffic/PacketBuilder.h"

#include <QTest>

#include <pcap/dlt.h>

using namespace lbdeck::traffic;
using namespace lbdeck::traffic::test;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(lbdeck::traffic::DecodeStatus)

namespace {

DecodeStatus decode(int dlt, const QByteArray& f, TcpPacket* out, qsizetype wire = -1)
{
    return decodeTcpPacket(dlt, reinterpret_cast<const std::uint8_t*>(f.constData()),
                           static_cast<std::size_t>(f.size()),
                           static_cast<std::size_t>(wire < 0 ? f.size() : wire), out);
}

// Sets a byte of the IP header (after the link header) and returns the frame.
QByteArray patched(QByteArray f, int at, char value)
{
    f[at] = value;
    return f;
}

SegmentSpec v4(std::uint8_t flags = tcpflag::Syn, int payload = 0)
{
    SegmentSpec s;
    s.flags = flags;
    s.payload = payload;
    return s;
}

SegmentSpec v6(std::uint8_t flags = tcpflag::Syn | tcpflag::Ack, int payload = 0)
{
    SegmentSpec s;
    s.ipv6 = true;
    s.src = u"fd00::1"_s;
    s.dst = u"::1"_s;
    s.srcPort = 8002;
    s.dstPort = 40000;
    s.flags = flags;
    s.payload = payload;
    return s;
}

} // namespace

class TestPacketDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodes_data();
    void decodes();
    void rejects_data();
    void rejects();
    void everyTruncationIsRejected();
    void snaplenCutsOnlyThePayload();
};

void TestPacketDecoder::decodes_data()
{
    QTest::addColumn<int>("dlt");
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<int>("version");
    QTest::addColumn<int>("srcPort");
    QTest::addColumn<int>("dstPort");
    QTest::addColumn<int>("flags");
    QTest::addColumn<int>("payload");
    QTest::addColumn<int>("ipLength");

    QTest::newRow("ethernet IPv4 SYN") << DLT_EN10MB << frame(DLT_EN10MB, ipPacket(v4()), false) << 4 << 53412
                                       << 8001 << int{tcpflag::Syn} << 0 << 40;
    QTest::newRow("ethernet IPv4 data")
        << DLT_EN10MB << frame(DLT_EN10MB, ipPacket(v4(tcpflag::Ack | tcpflag::Psh, 77)), false) << 4 << 53412
        << 8001 << int{tcpflag::Ack | tcpflag::Psh} << 77 << 117;
    SegmentSpec opts = v4(tcpflag::Syn);
    opts.tcpOptionWords = 5;
    QTest::newRow("TCP options") << DLT_EN10MB << frame(DLT_EN10MB, ipPacket(opts), false) << 4 << 53412
                                 << 8001 << int{tcpflag::Syn} << 0 << 60;
    QTest::newRow("ethernet IPv6 SYN-ACK") << DLT_EN10MB << frame(DLT_EN10MB, ipPacket(v6()), true) << 6
                                           << 8002 << 40000 << int{tcpflag::Syn | tcpflag::Ack} << 0 << 60;
    QTest::newRow("802.1Q IPv4") << DLT_EN10MB
                                 << frame(DLT_EN10MB, ipPacket(v4(tcpflag::Fin | tcpflag::Ack, 3)), false, 1)
                                 << 4 << 53412 << 8001 << int{tcpflag::Fin | tcpflag::Ack} << 3 << 43;
    QTest::newRow("802.1ad+802.1Q IPv6")
        << DLT_EN10MB << frame(DLT_EN10MB, ipPacket(v6(tcpflag::Rst)), true, 2) << 6 << 8002 << 40000
        << int{tcpflag::Rst} << 0 << 60;
    QTest::newRow("cooked SLL IPv4") << DLT_LINUX_SLL
                                     << frame(DLT_LINUX_SLL, ipPacket(v4(tcpflag::Ack, 1)), false) << 4
                                     << 53412 << 8001 << int{tcpflag::Ack} << 1 << 41;
    QTest::newRow("cooked SLL2 IPv6")
        << DLT_LINUX_SLL2 << frame(DLT_LINUX_SLL2, ipPacket(v6(tcpflag::Ack, 1400)), true) << 6 << 8002
        << 40000 << int{tcpflag::Ack} << 1400 << 1460;
    QTest::newRow("BSD loopback IPv4") << DLT_NULL << frame(DLT_NULL, ipPacket(v4()), false) << 4 << 53412
                                       << 8001 << int{tcpflag::Syn} << 0 << 40;
    QTest::newRow("DLT_LOOP IPv6") << DLT_LOOP << frame(DLT_LOOP, ipPacket(v6()), true) << 6 << 8002 << 40000
                                   << int{tcpflag::Syn | tcpflag::Ack} << 0 << 60;
    QTest::newRow("raw IPv4") << DLT_RAW << ipPacket(v4()) << 4 << 53412 << 8001 << int{tcpflag::Syn} << 0
                              << 40;
    SegmentSpec hop = v6(tcpflag::Ack, 10);
    hop.hopByHop = true;
    QTest::newRow("IPv6 hop-by-hop") << DLT_EN10MB << frame(DLT_EN10MB, ipPacket(hop), true) << 6 << 8002
                                     << 40000 << int{tcpflag::Ack} << 10 << 78;
    // Ethernet pads short frames to 60 bytes: the IP length, not the frame, says where the packet ends.
    QTest::newRow("ethernet padding")
        << DLT_EN10MB << frame(DLT_EN10MB, ipPacket(v4()), false) + QByteArray(6, '\0') << 4 << 53412 << 8001
        << int{tcpflag::Syn} << 0 << 40;
}

void TestPacketDecoder::decodes()
{
    QFETCH(int, dlt);
    QFETCH(QByteArray, frame);
    TcpPacket p;
    QCOMPARE(decode(dlt, frame, &p), DecodeStatus::Ok);
    QTEST(int{p.src.address.version}, "version");
    QTEST(int{p.src.port}, "srcPort");
    QTEST(int{p.dst.port}, "dstPort");
    QTEST(int{p.flags}, "flags");
    QTEST(static_cast<int>(p.payloadLength), "payload");
    QTEST(static_cast<int>(p.ipLength), "ipLength");
    const std::string src = addressText(p.src.address);
    QCOMPARE(QString::fromStdString(src), p.src.address.version == 4 ? u"127.0.1.1"_s : u"fd00::1"_s);
    QCOMPARE(QString::fromStdString(addressText(p.dst.address)),
             p.src.address.version == 4 ? u"127.0.1.3"_s : u"::1"_s);
    QCOMPARE(p.seq, 1000u);
}

void TestPacketDecoder::rejects_data()
{
    QTest::addColumn<int>("dlt");
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<DecodeStatus>("expected");

    const QByteArray e4 = frame(DLT_EN10MB, ipPacket(v4(tcpflag::Ack, 4)), false);
    const QByteArray e6 = frame(DLT_EN10MB, ipPacket(v6(tcpflag::Ack, 4)), true);
    const int ip = 14;
    QTest::newRow("empty") << DLT_EN10MB << QByteArray() << DecodeStatus::Truncated;
    QTest::newRow("unknown link type") << 9999 << e4 << DecodeStatus::UnsupportedLinkType;
    QTest::newRow("ARP") << DLT_EN10MB << patched(patched(e4, 12, '\x08'), 13, '\x06') << DecodeStatus::NotIp;
    QTest::newRow("three VLAN tags")
        << DLT_EN10MB
        << frame(DLT_EN10MB, ipPacket(v4()), false, 2).insert(12, QByteArray("\x81\x00\x00\x07", 4))
        << DecodeStatus::NotIp;
    QTest::newRow("BSD family 7") << DLT_NULL << patched(frame(DLT_NULL, ipPacket(v4()), false), 0, '\x07')
                                  << DecodeStatus::NotIp;
    QTest::newRow("IPv4 version 5") << DLT_EN10MB << patched(e4, ip, '\x55') << DecodeStatus::Malformed;
    QTest::newRow("IPv4 IHL 4") << DLT_EN10MB << patched(e4, ip, '\x44') << DecodeStatus::Malformed;
    QTest::newRow("IPv4 IHL 15 beyond packet")
        << DLT_EN10MB << patched(e4, ip, '\x4f') << DecodeStatus::Malformed;
    QTest::newRow("IPv4 total below header")
        << DLT_EN10MB << patched(patched(e4, ip + 2, 0), ip + 3, 19) << DecodeStatus::Malformed;
    QTest::newRow("IPv4 total beyond frame")
        << DLT_EN10MB << patched(e4, ip + 2, '\x7f') << DecodeStatus::Malformed;
    QTest::newRow("IPv4 UDP") << DLT_EN10MB << patched(e4, ip + 9, 17) << DecodeStatus::NotTcp;
    QTest::newRow("IPv4 later fragment") << DLT_EN10MB << patched(e4, ip + 7, 1) << DecodeStatus::Fragment;
    QTest::newRow("TCP data offset 4")
        << DLT_EN10MB << patched(e4, ip + 20 + 12, '\x40') << DecodeStatus::Malformed;
    QTest::newRow("TCP data offset beyond IP")
        << DLT_EN10MB << patched(e4, ip + 20 + 12, '\xf0') << DecodeStatus::Malformed;
    QTest::newRow("IPv6 payload beyond frame")
        << DLT_EN10MB << patched(e6, ip + 4, '\x40') << DecodeStatus::Malformed;
    QTest::newRow("IPv6 version 4 in v6 ethertype")
        << DLT_EN10MB << patched(e6, ip, '\x45') << DecodeStatus::Malformed;
    QTest::newRow("IPv6 ICMPv6") << DLT_EN10MB << patched(e6, ip + 6, 58) << DecodeStatus::NotTcp;
    QTest::newRow("IPv6 fragment header") << DLT_EN10MB << patched(e6, ip + 6, 44) << DecodeStatus::Fragment;
    SegmentSpec hop = v6(tcpflag::Ack);
    hop.hopByHop = true;
    const QByteArray h6 = frame(DLT_EN10MB, ipPacket(hop), true);
    QTest::newRow("IPv6 extension longer than payload")
        << DLT_EN10MB << patched(h6, ip + 40 + 1, '\x10') << DecodeStatus::Malformed;
}

void TestPacketDecoder::rejects()
{
    QFETCH(int, dlt);
    QFETCH(QByteArray, frame);
    QFETCH(DecodeStatus, expected);
    TcpPacket p;
    const DecodeStatus got = decode(dlt, frame, &p);
    QVERIFY2(got == expected, decodeStatusName(got));
    QCOMPARE(int{p.src.port}, 0); // out untouched on failure
}

void TestPacketDecoder::everyTruncationIsRejected()
{
    // Every prefix of a frame that cuts into the headers is refused; a copy on the heap of exactly that
    // size lets ASan catch any read past the end.
    const struct
    {
        int dlt;
        QByteArray frame;
        int headers;
    } cases[] = {
        {DLT_EN10MB, frame(DLT_EN10MB, ipPacket(v4()), false), 14 + 20 + 20},
        {DLT_EN10MB, frame(DLT_EN10MB, ipPacket(v6()), true, 2), 22 + 40 + 20},
        {DLT_LINUX_SLL, frame(DLT_LINUX_SLL, ipPacket(v4()), false), 16 + 20 + 20},
        {DLT_LINUX_SLL2, frame(DLT_LINUX_SLL2, ipPacket(v6()), true), 20 + 40 + 20},
        {DLT_NULL, frame(DLT_NULL, ipPacket(v4()), false), 4 + 20 + 20},
    };
    for (const auto& c : cases) {
        QCOMPARE(c.frame.size(), c.headers);
        for (int n = 0; n < c.headers; ++n) {
            std::vector<std::uint8_t> heap(c.frame.begin(), c.frame.begin() + n);
            TcpPacket p;
            const DecodeStatus s = decodeTcpPacket(c.dlt, heap.data(), heap.size(), heap.size(), &p);
            QVERIFY2(s == DecodeStatus::Truncated || s == DecodeStatus::Malformed,
                     qPrintable(u"dlt %1 prefix %2: %3"_s.arg(c.dlt).arg(n).arg(
                         QLatin1StringView(decodeStatusName(s)))));
            // Same bytes, but the wire says the packet was longer (snaplen): still no header, still refused.
            QCOMPARE_NE(
                decodeTcpPacket(c.dlt, heap.data(), heap.size(), static_cast<std::size_t>(c.headers), &p),
                DecodeStatus::Ok);
        }
    }
}

void TestPacketDecoder::snaplenCutsOnlyThePayload()
{
    // A 128-byte snaplen keeps the headers; the payload length comes from the IP header.
    const QByteArray f = frame(DLT_EN10MB, ipPacket(v4(tcpflag::Ack, 1000)), false);
    const QByteArray cut = f.left(128);
    TcpPacket p;
    QCOMPARE(decode(DLT_EN10MB, cut, &p, f.size()), DecodeStatus::Ok);
    QCOMPARE(p.payloadLength, 1000u);
    // Claiming a shorter wire length than the captured bytes is a contradiction.
    QCOMPARE(decode(DLT_EN10MB, f, &p, 60), DecodeStatus::Malformed);
}

QTEST_GUILESS_MAIN(TestPacketDecoder)
#include "TestPacketDecoder.moc"
