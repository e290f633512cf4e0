// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TcpdumpLine.h"

#include <cstdio>
#include <ctime>

namespace lbdeck::traffic {

QString tcpdumpLine(std::int64_t seconds, std::int64_t microseconds, const TcpPacket& p)
{
    // tcpdump's default timestamp: localtime, HH:MM:SS.uuuuuu.
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    localtime_r(&t, &tm);
    const std::string src = addressText(p.src.address);
    const std::string dst = addressText(p.dst.address);
    char buf[192];
    const int n = std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%06u %s %s.%u > %s.%u: tcp %u", tm.tm_hour,
                                tm.tm_min, tm.tm_sec, static_cast<unsigned>(microseconds),
                                p.src.address.version == 6 ? "IP6" : "IP", src.c_str(), unsigned{p.src.port},
                                dst.c_str(), unsigned{p.dst.port}, static_cast<unsigned>(p.payloadLength));
    if (n < 0)
        return {};
    return QString::fromLatin1(buf, n < static_cast<int>(sizeof buf) ? n : static_cast<int>(sizeof buf) - 1);
}

} // namespace lbdeck::traffic
