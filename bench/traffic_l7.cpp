// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "traffic_l7.h"

#include "core/traffic/AccessLogReceiver.h"
#include "traffic_proc.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QTemporaryDir>
#include <QTimer>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck::bench {

namespace {

// The form nginx sends (access_log syslog:server=unix:…,nohostname,tag=lbdeck lbdeck_json), with
// varied upstreams and times so the parser sees realistic lines.
QList<QByteArray> buildDatagrams(int count)
{
    QList<QByteArray> out;
    out.reserve(count);
    for (int i = 0; i < count; ++i) {
        const QByteArray upstream = "127.0.1." + QByteArray::number(i % 10 + 1) + ":8001";
        const QByteArray t = "0.00" + QByteArray::number(i % 10);
        out << "<190>Dec  1 09:50:01 lbdeck: {\"msec\":\"1764582601." + QByteArray::number(100 + i % 900) +
                   "\",\"status\":\"200\",\"request_time\":\"" + t +
                   "\",\"bytes_sent\":\"245\",\"upstream_addr\":\"" + upstream +
                   "\",\"upstream_status\":\"200\",\"upstream_connect_time\":\"0.000\","
                   "\"upstream_header_time\":\"" +
                   t + "\",\"upstream_response_time\":\"" + t + "\",\"upstream_bytes_received\":\"512\"}";
    }
    return out;
}

} // namespace

L7Result measureAccessLogIngest(qint64 lines)
{
    L7Result r;
    QTemporaryDir dir;
    if (!dir.isValid()) {
        r.error = u"no temporary directory"_s;
        return r;
    }
    traffic::AccessLogReceiver receiver;
    traffic::AccessLogReceiverConfig config;
    config.path = dir.filePath(u"access.sock"_s);
    if (const Result<void> listening = receiver.listen(config); !listening) {
        r.error = listening.error().toString();
        return r;
    }
    qint64 accepted = 0;
    QObject ctx;
    QObject::connect(&receiver, &traffic::AccessLogReceiver::recordReceived, &ctx,
                     [&accepted](const traffic::AccessLogRecord&) { ++accepted; });

    const QList<QByteArray> datagrams = buildDatagrams(1000);
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    const QByteArray path = QFile::encodeName(config.path);
    std::memcpy(a.sun_path, path.constData(), size_t(path.size()));
    if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof(a)) != 0) {
        r.error =
            u"cannot connect to %1: %2"_s.arg(config.path, QString::fromLocal8Bit(std::strerror(errno)));
        if (fd >= 0)
            ::close(fd);
        return r;
    }
    std::atomic<qint64> sent{0};
    std::atomic<bool> sendFailed{false};
    std::atomic<bool> stopSending{false};
    QElapsedTimer clock;
    const qint64 cpuBefore = threadCpuUs();
    clock.start();
    std::thread sender([&] {
        for (qint64 i = 0; i < lines; ++i) {
            const QByteArray& d = datagrams.at(qsizetype(i % datagrams.size()));
            ssize_t n = -1;
            while ((n = ::send(fd, d.constData(), size_t(d.size()), MSG_DONTWAIT)) < 0 &&
                   (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) && !stopSending) {
                pollfd p{fd, POLLOUT, 0}; // the receiver's queue is full: wait until it takes more
                ::poll(&p, 1, 10);
            }
            if (n != d.size()) {
                sendFailed = !stopSending;
                return;
            }
            sent.store(i + 1, std::memory_order_relaxed);
        }
    });
    QTimer heartbeat; // wakes the loop so a stall is noticed even when nothing arrives
    heartbeat.start(50);
    const auto done = [&] {
        const traffic::AccessLogReceiverCounters c = receiver.counters();
        return qint64(c.datagrams + c.kernelDropped) >= lines || (sendFailed && qint64(c.datagrams) >= sent);
    };
    while (!done() && clock.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    r.seconds = double(clock.nsecsElapsed()) / 1e9;
    r.receiverCpuUs = threadCpuUs() - cpuBefore;
    stopSending = true; // after a stall, lets the sender out of its wait
    sender.join();
    ::close(fd);
    r.sent = sent;
    r.accepted = accepted;
    r.malformed = qint64(receiver.counters().malformed);
    r.kernelDropped = qint64(receiver.counters().kernelDropped);
    if (sendFailed)
        r.error = u"send failed after %1 datagrams"_s.arg(r.sent);
    else if (r.accepted != lines)
        r.error = u"received %1 of %2 lines"_s.arg(r.accepted).arg(lines);
    return r;
}

} // namespace lbdeck::bench
