// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "AccessLogFormat.h"

using namespace Qt::StringLiterals;

namespace lbdeck::traffic {

QString accessLogFormatDirective()
{
    return u"log_format %1 escape=json '{\"msec\":\"$msec\",\"status\":\"$status\","
           u"\"request_time\":\"$request_time\",\"bytes_sent\":\"$bytes_sent\","
           u"\"upstream_addr\":\"$upstream_addr\",\"upstream_status\":\"$upstream_status\","
           u"\"upstream_connect_time\":\"$upstream_connect_time\","
           u"\"upstream_header_time\":\"$upstream_header_time\","
           u"\"upstream_response_time\":\"$upstream_response_time\","
           u"\"upstream_bytes_received\":\"$upstream_bytes_received\"}';"_s.arg(
               QStringView(kAccessLogFormatName));
}

QString accessLogDirective(const QString& socketPath, bool withHostname)
{
    return u"access_log syslog:server=unix:%1%2,tag=%3 %4;"_s.arg(
        socketPath, withHostname ? QString() : u",nohostname"_s, QStringView(kAccessLogTag),
        QStringView(kAccessLogFormatName));
}

} // namespace lbdeck::traffic
