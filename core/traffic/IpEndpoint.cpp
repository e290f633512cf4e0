// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "IpEndpoint.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace lbdeck::traffic {

namespace {

// murmur3's 64-bit finalizer: every input bit reaches every output bit.
std::uint64_t finalize(std::uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

} // namespace

// Word-wise, not byte-wise: this runs two or three times per captured packet.
std::uint64_t hashEndpoint(const IpEndpoint& e, std::uint64_t seed)
{
    const std::uint64_t head = seed ^ (std::uint64_t{e.port} << 8) ^ e.address.version;
    if (e.address.version != 6) {
        std::uint32_t v4 = 0;
        std::memcpy(&v4, e.address.bytes.data(), sizeof(v4));
        return finalize(head ^ (std::uint64_t{v4} << 24));
    }
    std::uint64_t lo = 0, hi = 0;
    std::memcpy(&lo, e.address.bytes.data(), sizeof(lo));
    std::memcpy(&hi, e.address.bytes.data() + 8, sizeof(hi));
    return finalize(finalize(head ^ lo) ^ hi);
}

std::string addressText(const IpAddress& a)
{
    char buf[INET6_ADDRSTRLEN] = {};
    if (a.version != 4 && a.version != 6)
        return {};
    if (!inet_ntop(a.version == 6 ? AF_INET6 : AF_INET, a.bytes.data(), buf, sizeof buf))
        return {};
    return buf;
}

std::string endpointKey(const IpEndpoint& e)
{
    const std::string addr = addressText(e.address);
    const std::string port = std::to_string(e.port);
    return e.address.version == 6 ? "[" + addr + "]:" + port : addr + ":" + port;
}

bool parseEndpointKey(const std::string& key, IpEndpoint* out)
{
    std::string host;
    std::string port;
    int family = AF_INET;
    if (!key.empty() && key.front() == '[') {
        const std::size_t close = key.find("]:");
        if (close == std::string::npos)
            return false;
        host = key.substr(1, close - 1);
        port = key.substr(close + 2);
        family = AF_INET6;
    } else {
        const std::size_t colon = key.rfind(':');
        if (colon == std::string::npos || key.find(':') != colon)
            return false;
        host = key.substr(0, colon);
        port = key.substr(colon + 1);
    }
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
        return false;
    IpEndpoint e;
    e.address.version = family == AF_INET6 ? 6 : 4;
    if (inet_pton(family, host.c_str(), e.address.bytes.data()) != 1)
        return false;
    e.port = static_cast<std::uint16_t>(value);
    *out = e;
    return true;
}

} // namespace lbdeck::traffic
