// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "FlowTable.h"

namespace lbdeck::traffic {

std::size_t tableSlots(std::size_t capacity)
{
    std::size_t slots = 2;
    while (slots < capacity * 2)
        slots *= 2;
    return slots;
}

FlowTable::FlowTable(std::size_t capacity)
    : m_capacity(capacity == 0 ? 1 : capacity)
{
    const std::size_t slots = tableSlots(m_capacity);
    m_slots.resize(slots);
    m_used.assign(slots, 0);
    m_mask = slots - 1;
}

std::size_t FlowTable::home(const IpEndpoint& client, const IpEndpoint& server) const
{
    return static_cast<std::size_t>(hashEndpoint(server, hashEndpoint(client))) & m_mask;
}

Flow* FlowTable::find(const IpEndpoint& client, const IpEndpoint& server)
{
    for (std::size_t i = home(client, server);; i = (i + 1) & m_mask) {
        if (!m_used[i])
            return nullptr;
        Flow& f = m_slots[i];
        if (f.client == client && f.server == server)
            return &f;
    }
}

Flow* FlowTable::insert(const IpEndpoint& client, const IpEndpoint& server)
{
    if (m_size >= m_capacity) {
        ++m_overflow;
        return nullptr;
    }
    std::size_t i = home(client, server);
    while (m_used[i])
        i = (i + 1) & m_mask;
    m_used[i] = 1;
    ++m_size;
    Flow& f = m_slots[i];
    f = Flow{};
    f.client = client;
    f.server = server;
    return &f;
}

void FlowTable::erase(Flow* flow)
{
    std::size_t hole = static_cast<std::size_t>(flow - m_slots.data());
    if (flow < m_slots.data() || hole > m_mask || !m_used[hole])
        return;
    // Backward shift: move later members of the probe run into the hole when their home allows it.
    for (std::size_t j = (hole + 1) & m_mask; m_used[j]; j = (j + 1) & m_mask) {
        const std::size_t k = home(m_slots[j].client, m_slots[j].server);
        const bool between = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
        if (between)
            continue;
        m_slots[hole] = m_slots[j];
        hole = j;
    }
    m_used[hole] = 0;
    --m_size;
}

void FlowTable::grow(std::size_t capacity)
{
    if (capacity <= m_capacity)
        return;
    FlowTable bigger(capacity);
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        if (m_used[i])
            *bigger.insert(m_slots[i].client, m_slots[i].server) = m_slots[i];
    }
    bigger.m_overflow = m_overflow;
    *this = std::move(bigger);
}

void FlowTable::clear()
{
    m_used.assign(m_used.size(), 0);
    m_size = 0;
}

} // namespace lbdeck::traffic
