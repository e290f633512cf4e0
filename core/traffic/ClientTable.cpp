// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ClientTable.h"

#include "FlowTable.h"

#include <algorithm>

namespace lbdeck::traffic {

ClientTable::ClientTable(std::size_t capacity)
    : m_capacity(capacity == 0 ? 1 : capacity)
{
    const std::size_t slots = tableSlots(m_capacity);
    m_slots.resize(slots);
    m_used.assign(slots, 0);
    m_mask = slots - 1;
}

ClientCounters* ClientTable::at(const IpAddress& address)
{
    IpEndpoint key;
    key.address = address;
    for (std::size_t i = static_cast<std::size_t>(hashEndpoint(key)) & m_mask;; i = (i + 1) & m_mask) {
        if (m_used[i]) {
            if (m_slots[i].address == address)
                return &m_slots[i];
            continue;
        }
        if (m_size >= m_capacity) {
            ++m_overflow;
            return nullptr;
        }
        m_used[i] = 1;
        ++m_size;
        m_slots[i] = ClientCounters{};
        m_slots[i].address = address;
        return &m_slots[i];
    }
}

std::vector<ClientCounters> ClientTable::top(std::size_t n) const
{
    std::vector<ClientCounters> out;
    out.reserve(m_size);
    for (std::size_t i = 0; i < m_slots.size(); ++i)
        if (m_used[i])
            out.push_back(m_slots[i]);
    const auto more = [](const ClientCounters& a, const ClientCounters& b) {
        return a.bytes() != b.bytes() ? a.bytes() > b.bytes() : a.connections > b.connections;
    };
    const std::size_t k = std::min(n, out.size());
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k), out.end(), more);
    out.resize(k);
    return out;
}

} // namespace lbdeck::traffic
