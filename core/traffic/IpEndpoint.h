// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace lbdeck::traffic {

// An IPv4 or IPv6 address as it was on the wire (network byte order), with no allocation.
struct IpAddress
{
    std::uint8_t version = 0; // 4 or 6; 0 for "none"
    std::array<std::uint8_t, 16> bytes{};

    bool operator==(const IpAddress& o) const
    {
        return version == o.version && std::memcmp(bytes.data(), o.bytes.data(), size()) == 0;
    }
    std::size_t size() const { return version == 6 ? 16 : 4; }
};

struct IpEndpoint
{
    IpAddress address;
    std::uint16_t port = 0;

    bool operator==(const IpEndpoint& o) const { return port == o.port && address == o.address; }
};

// A 64-bit mix of an endpoint (FNV-1a), for the flow table and the counter index.
std::uint64_t hashEndpoint(const IpEndpoint& e, std::uint64_t seed = 1469598103934665603ULL);

// "127.0.1.3" / "::1" (inet_ntop, as tcpdump prints them).
std::string addressText(const IpAddress& a);
// "127.0.1.3:8001" / "[::1]:8001": the key of an upstream server.
std::string endpointKey(const IpEndpoint& e);
// Parses an endpointKey(); false if it is not "IPv4:PORT" or "[IPv6]:PORT".
bool parseEndpointKey(const std::string& key, IpEndpoint* out);

} // namespace lbdeck::traffic
