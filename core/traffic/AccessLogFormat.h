// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

// nginx's own per-request numbers: one JSON line per request, sent as syslog over a unix datagram
// socket the engine owns (AccessLogReceiver), so no log file is tailed. A template (built-in or confd)
// turns it on with these lines in http { } (nginx joins the quoted pieces; accessLogFormatDirective()
// is the same on one line, accessLogDirective(PATH) the last line):
//
//   log_format lbdeck_json escape=json '{"msec":"$msec","status":"$status",'
//       '"request_time":"$request_time","bytes_sent":"$bytes_sent","upstream_addr":"$upstream_addr",'
//       '"upstream_status":"$upstream_status","upstream_connect_time":"$upstream_connect_time",'
//       '"upstream_header_time":"$upstream_header_time",'
//       '"upstream_response_time":"$upstream_response_time",'
//       '"upstream_bytes_received":"$upstream_bytes_received"}';
//   access_log syslog:server=unix:PATH,nohostname,tag=lbdeck lbdeck_json;
//
// Every value is quoted so that nginx's "-" and "" (no upstream) stay valid JSON; AccessLogParser
// reads them back. The socket must be writable by nginx's worker user (the receiver's mode and
// allowed uids), and net.unix.max_dgram_qlen bounds how many lines may wait before nginx drops some.
namespace lbdeck::traffic {

inline constexpr char16_t kAccessLogFormatName[] = u"lbdeck_json";
inline constexpr char16_t kAccessLogTag[] = u"lbdeck";

// The log_format directive (one line, ends with ';').
QString accessLogFormatDirective();
// The access_log directive that sends lbdeck_json lines to the socket at socketPath.
QString accessLogDirective(const QString& socketPath, bool withHostname = false);

} // namespace lbdeck::traffic
