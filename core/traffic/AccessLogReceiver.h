// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "AccessLogRecord.h"
#include "core/util/Result.h"

#include <QList>
#include <QObject>
#include <QString>

class QSocketNotifier;

namespace lbdeck::traffic {

struct AccessLogReceiverConfig
{
    QString path;                     // the unix datagram socket nginx's access_log syslog:server=unix: names
    int mode = 0660;                  // nginx's worker user must be able to write to it
    int group = -1;                   // the socket file's group (nginx's worker group); -1: ours
    QList<quint32> allowedUids;       // senders accepted (SO_PASSCRED); empty: only our own uid
    int receiveBufferBytes = 4 << 20; // SO_RCVBUF (SO_RCVBUFFORCE when privileged)
    QByteArray tag = "lbdeck";        // the syslog tag expected; empty accepts any
};

struct AccessLogReceiverCounters
{
    quint64 datagrams = 0;     // read from the socket
    quint64 accepted = 0;      // parsed and emitted
    quint64 malformed = 0;     // refused by AccessLogParser
    quint64 refusedSender = 0; // a uid not in allowedUids, or no credentials
    quint64 kernelDropped = 0; // SO_RXQ_OVFL: dropped by the kernel at this socket
};

// Owns a unix datagram socket on the Qt event loop (QSocketNotifier) and turns nginx's lbdeck_json
// syslog datagrams into records. nginx sends without blocking and drops a line on EAGAIN without a
// word; for AF_UNIX that happens at the sender once more than net.unix.max_dgram_qlen datagrams wait,
// which the receiver cannot see, so it drains eagerly and reports that limit (maxDatagramQueue()).
class AccessLogReceiver : public QObject
{
    Q_OBJECT
public:
    explicit AccessLogReceiver(QObject* parent = nullptr);
    ~AccessLogReceiver() override;

    // Binds (replacing a stale socket file, never another kind of file), sets mode and options.
    Result<void> listen(const AccessLogReceiverConfig& config);
    void close();
    bool isListening() const { return m_fd >= 0; }

    AccessLogReceiverCounters counters() const { return m_counters; }
    int receiveBufferBytes() const; // what the kernel granted
    // /proc/sys/net/unix/max_dgram_qlen, or -1: datagrams queued before nginx starts dropping.
    static int maxDatagramQueue();

Q_SIGNALS:
    void recordReceived(const lbdeck::traffic::AccessLogRecord& record);
    // A datagram refused (sender uid, malformed); counted in counters() too.
    void datagramRefused(const QString& reason);

private:
    void drain();

    AccessLogReceiverConfig m_config;
    int m_fd = -1;
    QSocketNotifier* m_notifier = nullptr; // Owned (child).
    AccessLogReceiverCounters m_counters;
    QByteArray m_buffer;
};

} // namespace lbdeck::traffic
