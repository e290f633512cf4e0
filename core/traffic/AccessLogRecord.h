// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QList>
#include <QString>

namespace lbdeck::traffic {

// nginx prints "-" where it has no value; we keep that apart from 0.
inline constexpr qint64 kUnknown = -1;

// One upstream server nginx tried for a request, in the order it tried them.
struct UpstreamAttempt
{
    QString address; // "127.0.1.3:8001", "unix:/run/x.sock", or the upstream's name when no server was live
    int group = 0;   // index of the " : "-separated group (an internal redirect to another upstream)
    int status = static_cast<int>(kUnknown);
    qint64 connectMs = kUnknown;
    qint64 headerMs = kUnknown;
    qint64 responseMs = kUnknown;
    qint64 bytesReceived = kUnknown;

    bool operator==(const UpstreamAttempt&) const = default;
};

// One request as nginx's lbdeck_json access-log line describes it.
struct AccessLogRecord
{
    QString host; // the syslog HOSTNAME field; empty with nohostname
    QString tag;
    int priority = 0;
    qint64 msecSinceEpoch = 0;       // $msec
    int status = 0;                  // $status, what the client got
    qint64 requestMs = 0;            // $request_time
    qint64 bytesSent = 0;            // $bytes_sent
    QList<UpstreamAttempt> attempts; // empty when the request did not go upstream

    // Several servers of one group: nginx retried (proxy_next_upstream).
    bool retried() const;
};

} // namespace lbdeck::traffic
