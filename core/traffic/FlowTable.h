// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/IpEndpoint.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lbdeck::traffic {

// Slots for an open-addressing table of `capacity` entries: a power of two, at most half full so
// probes stay short.
std::size_t tableSlots(std::size_t capacity);

// One tracked TCP connection, from its SYN until FIN from both sides or an RST.
struct Flow
{
    IpEndpoint client;
    IpEndpoint server;
    int row = -1;                // the counter row it belongs to
    std::uint64_t synTimeUs = 0; // capture time of the first SYN
    std::uint64_t lastSeenUs = 0;
    bool synAckSeen = false;
    bool finFromClient = false;
    bool finFromServer = false;
    bool payloadSeen = false; // the client's first data segment was looked at
    bool probe = false;       // ...and it was lbdeck's own health probe
};

// A bounded open-addressing table (linear probing, backward-shift deletion). All memory is allocated
// at construction; insert() never allocates, and when the table holds `capacity` flows it refuses and
// counts the overflow.
class FlowTable
{
public:
    explicit FlowTable(std::size_t capacity);

    Flow* find(const IpEndpoint& client, const IpEndpoint& server);
    // A fresh flow for (client, server), or nullptr when full (overflow() then grows by one).
    // The caller checks find() first; inserting a key twice makes two entries.
    Flow* insert(const IpEndpoint& client, const IpEndpoint& server);
    // Removes a flow returned by find() or insert(); pointers to other flows may move.
    void erase(Flow* flow);
    // Room for `capacity` flows, keeping the ones held (pointers to them move). Allocates: for a
    // new upstream set, never on the packet path. A smaller capacity changes nothing.
    void grow(std::size_t capacity);
    void clear();

    // Calls pred(flow) for every flow and erases those it returns true for (before erasing, so the
    // caller can settle its counters); returns how many went. A sweep, not for the packet path.
    template<typename Pred>
    std::size_t eraseIf(Pred&& pred)
    {
        std::size_t erased = 0;
        // Backward shift only moves a flow into the hole just made, so re-examining slot i sees every flow.
        for (std::size_t i = 0; i < m_slots.size();) {
            if (m_used[i] && pred(m_slots[i])) {
                erase(&m_slots[i]);
                ++erased;
                continue;
            }
            ++i;
        }
        return erased;
    }

    std::size_t size() const { return m_size; }
    std::size_t capacity() const { return m_capacity; }
    std::uint64_t overflow() const { return m_overflow; }

private:
    std::size_t home(const IpEndpoint& client, const IpEndpoint& server) const;

    std::vector<Flow> m_slots;
    std::vector<std::uint8_t> m_used;
    std::size_t m_mask = 0;
    std::size_t m_capacity = 0;
    std::size_t m_size = 0;
    std::uint64_t m_overflow = 0;
};

} // namespace lbdeck::traffic
