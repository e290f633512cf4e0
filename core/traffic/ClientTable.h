// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/IpEndpoint.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lbdeck::traffic {

// What one client address sent to and got from nginx's front side.
struct ClientCounters
{
    IpAddress address;
    std::uint64_t packetsIn = 0; // client -> nginx
    std::uint64_t packetsOut = 0;
    std::uint64_t bytesIn = 0;
    std::uint64_t bytesOut = 0;
    std::uint64_t connections = 0; // SYNs to nginx
    std::uint64_t bytes() const { return bytesIn + bytesOut; }
};

// The front side's clients, by address: a bounded open-addressing table allocated at
// construction, like FlowTable. When it holds `capacity` addresses, packets of a new one are
// counted as overflow instead.
class ClientTable
{
public:
    explicit ClientTable(std::size_t capacity = 4096);
    // The client's counters, created on first sight; nullptr when full (overflow() grows).
    ClientCounters* at(const IpAddress& address);
    // The `n` clients with the most bytes, most first.
    std::vector<ClientCounters> top(std::size_t n) const;
    std::size_t size() const { return m_size; }
    std::size_t capacity() const { return m_capacity; }
    std::uint64_t overflow() const { return m_overflow; }

private:
    std::vector<ClientCounters> m_slots;
    std::vector<std::uint8_t> m_used;
    std::size_t m_mask = 0;
    std::size_t m_capacity = 0;
    std::size_t m_size = 0;
    std::uint64_t m_overflow = 0;
};

} // namespace lbdeck::traffic
