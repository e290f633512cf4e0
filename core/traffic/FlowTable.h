// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/traffic/IpEndpoint.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace lbdeck::traffic {

// Slots for an open-addressing table of `capacity` entries: a power of two, at most half full so
// probes stay short.
std::size_t tableSlots(std::size_t capacity);

// One tracked TCP connection, from its SYN until FIN from both sides or an RST. A cache line: the
// packet path reads one per packet. The endpoints are their words (exact for IPv4; for IPv6 the
// table keeps the endpoints beside, to compare when the words match).
struct alignas(64) Flow
{
    std::uint64_t clientWord = 0; // endpointWord(client)
    std::uint64_t serverWord = 0; // endpointWord(server)
    int row = -1;                 // the counter row it belongs to
    std::uint64_t synTimeUs = 0;  // capture time of the first SYN
    std::uint64_t lastSeenUs = 0;
    bool synAckSeen = false;
    bool finFromClient = false;
    bool finFromServer = false;
    bool payloadSeen = false; // the client's first data segment was looked at
    bool probe = false;       // ...and it was lbdeck's own health probe
};

// A bounded hash table of flows. All memory is reserved at construction; insert() never
// allocates, and when the table holds `capacity` flows it refuses and counts the overflow.
// An open-addressing index (linear probing, backward-shift deletion) of 8-byte entries points into
// a pool of flows that reuses the slot freed last first: the flows of a busy link stay in a few
// cache lines however large the capacity, and a flow does not move while it lives.
class FlowTable
{
public:
    explicit FlowTable(std::size_t capacity);

    Flow* find(const IpEndpoint& client, const IpEndpoint& server)
    {
        return find(client, server, endpointWord(client), endpointWord(server));
    }
    // The same with the endpoints' endpointWord() already at hand (the packet path has them).
    Flow* find(const IpEndpoint& client, const IpEndpoint& server, std::uint64_t clientWord,
               std::uint64_t serverWord)
    {
        const auto home = static_cast<std::uint32_t>(homeOf(clientWord, serverWord));
        for (std::size_t i = home;; i = (i + 1) & m_mask) {
            const Entry e = m_index[i];
            if (e.flow == 0)
                return nullptr;
            if (e.home != home)
                continue;
            Flow& f = m_pool[e.flow - 1];
            if (f.clientWord == clientWord && f.serverWord == serverWord &&
                ((isExactWord(clientWord) && isExactWord(serverWord)) ||
                 m_endpoints[e.flow - 1].same(client, server)))
                return &f;
        }
    }
    // A fresh flow for (client, server), or nullptr when full (overflow() then grows by one).
    // The caller checks find() first; inserting a key twice makes two entries.
    Flow* insert(const IpEndpoint& client, const IpEndpoint& server)
    {
        return insert(client, server, endpointWord(client), endpointWord(server));
    }
    Flow* insert(const IpEndpoint& client, const IpEndpoint& server, std::uint64_t clientWord,
                 std::uint64_t serverWord);
    // Removes a flow returned by find() or insert(); other flows stay where they are.
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
        // Backward shift only moves an entry into the hole just made, so re-examining slot i sees every flow.
        for (std::size_t i = 0; i < m_index.size();) {
            if (m_index[i].flow != 0 && pred(m_pool[m_index[i].flow - 1])) {
                eraseAt(i);
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
    struct Entry
    {
        std::uint32_t home = 0; // the slot the flow's key hashes to (where its probe starts)
        std::uint32_t flow = 0; // pool index + 1; 0: a free slot
    };
    // A flow's endpoints, kept only when its words are not exact (IPv6).
    struct Endpoints
    {
        IpEndpoint client;
        IpEndpoint server;
        bool same(const IpEndpoint& c, const IpEndpoint& s) const { return client == c && server == s; }
    };
    struct Free
    {
        void operator()(void* p) const { std::free(p); }
    };

    // The client's address and the server pick a spot (Fibonacci hashing: a product's top bits), the
    // client's port the slot after it: the connections a host opens to one server take ascending
    // ports, so the entries of a busy link share a few cache lines instead of one each.
    std::size_t homeOf(std::uint64_t clientWord, std::uint64_t serverWord) const
    {
        const std::uint64_t spot =
            ((clientWord >> 16) ^ (serverWord * 0xc2b2ae3d27d4eb4fULL)) * 0x9e3779b97f4a7c15ULL;
        return (static_cast<std::size_t>(spot >> m_shift) + ((clientWord & 0xffffu) >> 1)) & m_mask;
    }
    void eraseAt(std::size_t slot);

    std::vector<Entry> m_index;
    // Pages from the allocator, untouched (not resident) until a flow first uses them.
    std::unique_ptr<Flow[], Free> m_pool;
    std::unique_ptr<Endpoints[], Free> m_endpoints;
    std::vector<std::uint32_t> m_free; // freed pool slots, the last freed on top
    std::size_t m_fresh = 0;           // pool slots below this have been used
    std::size_t m_mask = 0;
    int m_shift = 63; // 64 - log2(slots)
    std::size_t m_capacity = 0;
    std::size_t m_size = 0;
    std::uint64_t m_overflow = 0;
};

} // namespace lbdeck::traffic
