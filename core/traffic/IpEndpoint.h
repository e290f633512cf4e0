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

    // The first size() bytes count, word by word (no memcmp call: this runs for every packet).
    bool operator==(const IpAddress& o) const
    {
        if (version != o.version)
            return false;
        if (version == 6)
            return word64(0) == o.word64(0) && word64(8) == o.word64(8);
        return word32() == o.word32();
    }
    std::size_t size() const { return version == 6 ? 16 : 4; }
    // The first four bytes as they are in memory (an IPv4 address in network order).
    std::uint32_t word32() const
    {
        std::uint32_t v = 0;
        std::memcpy(&v, bytes.data(), sizeof v);
        return v;
    }
    std::uint64_t word64(std::size_t offset) const
    {
        std::uint64_t v = 0;
        std::memcpy(&v, bytes.data() + offset, sizeof v);
        return v;
    }
};

struct IpEndpoint
{
    IpAddress address;
    std::uint16_t port = 0;

    bool operator==(const IpEndpoint& o) const { return port == o.port && address == o.address; }
};

// A 64-bit mix of an endpoint, for hash tables.
std::uint64_t hashEndpoint(const IpEndpoint& e, std::uint64_t seed = 1469598103934665603ULL);

// One integer per endpoint for the packet path's tables: an IPv4 one is exact (bit 48 set, the
// address, the port: two IPv4 endpoints are equal exactly when their words are); any other gets its
// hash with bit 63 set, and equal words then still need the endpoints compared. Never 0.
inline std::uint64_t endpointWord(const IpEndpoint& e)
{
    if (e.address.version == 4) [[likely]]
        return (std::uint64_t{1} << 48) | (std::uint64_t{e.address.word32()} << 16) | e.port;
    return hashEndpoint(e) | (std::uint64_t{1} << 63);
}
// Whether a word from endpointWord() alone identifies its endpoint (IPv4).
inline bool isExactWord(std::uint64_t word)
{
    return (word >> 63) == 0;
}

// "127.0.1.3" / "::1" (inet_ntop, as tcpdump prints them).
std::string addressText(const IpAddress& a);
// "127.0.1.3:8001" / "[::1]:8001": the key of an upstream server.
std::string endpointKey(const IpEndpoint& e);
// Parses an endpointKey(); false if it is not "IPv4:PORT" or "[IPv6]:PORT".
bool parseEndpointKey(const std::string& key, IpEndpoint* out);

} // namespace lbdeck::traffic
