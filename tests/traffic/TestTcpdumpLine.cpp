// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/traffic/PacketDecoder.h"
#include "core/traffic/TcpdumpLine.h"
#include "tests/traffic/PacketBuilder.h"
#include "tests/traffic/TcpdumpTool.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <pcap/pcap.h>

#include <ctime>

using namespace lbdeck::traffic;
using namespace lbdeck::traffic::test;
using namespace Qt::StringLiterals;

namespace {

// Not UTC, with a half-hour offset, so a wrong time zone shows; POSIX form needs no tzdata.
const QString Tz = u"LBD-05:30"_s;

struct Crafted
{
    SegmentSpec spec;
    std::int64_t sec;
    std::int64_t usec;
    int snaplen; // caplen = min(frame, snaplen)
};

QString writePcap(const QString& path, const std::vector<Crafted>& packets)
{
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
    pcap_dumper_t* d = pcap_dump_open(dead, QFile::encodeName(path).constData());
    if (d == nullptr) {
        const QString e = QString::fromLocal8Bit(pcap_geterr(dead));
        pcap_close(dead);
        return e;
    }
    for (const Crafted& c : packets) {
        const QByteArray f = frame(DLT_EN10MB, ipPacket(c.spec), c.spec.ipv6);
        pcap_pkthdr h{};
        h.ts.tv_sec = static_cast<time_t>(c.sec);
        h.ts.tv_usec = static_cast<suseconds_t>(c.usec);
        h.len = static_cast<bpf_u_int32>(f.size());
        h.caplen = static_cast<bpf_u_int32>(std::min<qsizetype>(f.size(), c.snaplen));
        pcap_dump(reinterpret_cast<unsigned char*>(d), &h,
                  reinterpret_cast<const unsigned char*>(f.constData()));
    }
    pcap_dump_close(d);
    pcap_close(dead);
    return QString();
}

// Our lines for every packet in a pcap file, read back through libpcap and the decoder.
QString ourLines(const QString& path, int* decoded)
{
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline(QFile::encodeName(path).constData(), err);
    if (p == nullptr)
        return u"cannot open: "_s + QString::fromLocal8Bit(err);
    QString out;
    pcap_pkthdr* h = nullptr;
    const unsigned char* bytes = nullptr;
    while (pcap_next_ex(p, &h, &bytes) == 1) {
        TcpPacket t;
        if (decodeTcpPacket(pcap_datalink(p), bytes, h->caplen, h->len, &t) != DecodeStatus::Ok)
            continue;
        ++*decoded;
        out += tcpdumpLine(h->ts.tv_sec, h->ts.tv_usec, t) + u'\n';
    }
    pcap_close(p);
    return out;
}

} // namespace

class TestTcpdumpLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void exampleFromTheIssue();
    void byteEqualToTcpdump();
};

void TestTcpdumpLine::initTestCase()
{
    QVERIFY2(QFile::exists(QString::fromLatin1(TcpdumpPath)), "tcpdump is in tools/install-deps");
    qputenv("TZ", Tz.toLatin1());
    tzset();
}

void TestTcpdumpLine::exampleFromTheIssue()
{
    SegmentSpec s;
    s.flags = tcpflag::Syn;
    TcpPacket p;
    const QByteArray f = frame(DLT_EN10MB, ipPacket(s), false);
    QCOMPARE(decodeTcpPacket(DLT_EN10MB, reinterpret_cast<const std::uint8_t*>(f.constData()),
                             static_cast<std::size_t>(f.size()), static_cast<std::size_t>(f.size()), &p),
             DecodeStatus::Ok);
    // 06:30:01 UTC is 12:00:01 at UTC+05:30.
    const std::int64_t t = 1764570601; // 2025-12-01 06:30:01 UTC
    QCOMPARE(tcpdumpLine(t, 123456, p), u"12:00:01.123456 IP 127.0.1.1.53412 > 127.0.1.3.8001: tcp 0"_s);
}

void TestTcpdumpLine::byteEqualToTcpdump()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"crafted.pcap"_s);
    std::vector<Crafted> packets;
    const std::int64_t base = 1764590399; // a second before midnight at UTC+05:30 rolls over the hour
    const std::uint8_t flagSets[] = {tcpflag::Syn,
                                     tcpflag::Syn | tcpflag::Ack,
                                     tcpflag::Ack,
                                     tcpflag::Ack | tcpflag::Psh,
                                     tcpflag::Fin | tcpflag::Ack,
                                     tcpflag::Rst};
    int i = 0;
    for (const bool v6 : {false, true}) {
        for (const std::uint8_t flags : flagSets) {
            for (const int payload : {0, 1, 517, 1448}) {
                Crafted c;
                c.spec.ipv6 = v6;
                if (v6) {
                    c.spec.src = i % 2 ? u"::1"_s : u"fd00:0:0:1::a"_s;
                    c.spec.dst = i % 3 ? u"2001:db8::1:0:0:1"_s : u"::ffff:127.0.1.3"_s;
                } else {
                    c.spec.src = u"127.0.1.%1"_s.arg(1 + i % 200);
                    c.spec.dst = u"127.0.%1.3"_s.arg(i % 3);
                }
                c.spec.srcPort = static_cast<std::uint16_t>(1024 + i * 331);
                c.spec.dstPort = static_cast<std::uint16_t>(i % 2 ? 8001 : 80);
                c.spec.flags = flags;
                c.spec.payload = payload;
                c.spec.tcpOptionWords = i % 4;
                c.sec = base + i / 5;
                c.usec = (i * 98765) % 1000000;
                c.snaplen = i % 2 ? 128 : 65535; // the meter's snaplen and the full packet
                packets.push_back(c);
                ++i;
            }
        }
    }
    QVERIFY2(writePcap(path, packets).isEmpty(), "pcap_dump_open");

    QByteArray theirs;
    const QString err = runTcpdump({u"-q"_s, u"-n"_s, u"-r"_s, path}, Tz, &theirs);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    int decoded = 0;
    const QString ours = ourLines(path, &decoded);
    QCOMPARE(decoded, static_cast<int>(packets.size()));
    QCOMPARE(theirs.count('\n'), decoded);
    const QStringList a = ours.split(u'\n');
    const QStringList b = QString::fromLatin1(theirs).split(u'\n');
    for (qsizetype k = 0; k < std::min(a.size(), b.size()); ++k)
        QCOMPARE(a.at(k), b.at(k));
    QCOMPARE(ours.toLatin1(), theirs);
}

QTEST_GUILESS_MAIN(TestTcpdumpLine)
#include "TestTcpdumpLine.moc"
