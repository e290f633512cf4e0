// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "FlowTable.h"

#include <bit>
#include <new>

namespace lbdeck::traffic {

namespace {

template<typename T>
T* reserveArray(std::size_t n)
{
    // Rounded up to the alignment, as aligned_alloc wants; fresh pages stay untouched until used.
    const std::size_t bytes = (n * sizeof(T) + alignof(T) - 1) / alignof(T) * alignof(T);
    void* p = std::aligned_alloc(alignof(T), bytes);
    if (p == nullptr)
        throw std::bad_alloc();
    return static_cast<T*>(p);
}

} // namespace

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
    m_index.resize(slots);
    m_mask = slots - 1;
    m_shift = 64 - std::countr_zero(slots);
    // Flow and Endpoints are aggregates (implicit-lifetime): insert() writes a whole one before use.
    m_pool.reset(reserveArray<Flow>(m_capacity));
    m_endpoints.reset(reserveArray<Endpoints>(m_capacity));
    m_free.reserve(m_capacity);
}

Flow* FlowTable::insert(const IpEndpoint& client, const IpEndpoint& server, std::uint64_t clientWord,
                        std::uint64_t serverWord)
{
    if (m_size >= m_capacity) {
        ++m_overflow;
        return nullptr;
    }
    std::uint32_t index = 0;
    if (!m_free.empty()) {
        index = m_free.back();
        m_free.pop_back();
    } else {
        index = static_cast<std::uint32_t>(m_fresh++);
    }
    const std::size_t home = homeOf(clientWord, serverWord);
    std::size_t i = home;
    while (m_index[i].flow != 0)
        i = (i + 1) & m_mask;
    m_index[i] = {static_cast<std::uint32_t>(home), index + 1};
    ++m_size;
    Flow& f = m_pool[index];
    f = Flow{};
    f.clientWord = clientWord;
    f.serverWord = serverWord;
    if (!isExactWord(clientWord) || !isExactWord(serverWord))
        m_endpoints[index] = {client, server};
    return &f;
}

void FlowTable::erase(Flow* flow)
{
    if (flow < m_pool.get() || flow >= m_pool.get() + m_fresh)
        return;
    const auto index = static_cast<std::uint32_t>(flow - m_pool.get());
    for (std::size_t i = homeOf(flow->clientWord, flow->serverWord); m_index[i].flow != 0;
         i = (i + 1) & m_mask) {
        if (m_index[i].flow == index + 1) {
            eraseAt(i);
            return;
        }
    }
}

void FlowTable::eraseAt(std::size_t slot)
{
    m_free.push_back(m_index[slot].flow - 1);
    std::size_t hole = slot;
    // Backward shift: move later members of the probe run into the hole when their home allows it.
    for (std::size_t j = (hole + 1) & m_mask; m_index[j].flow != 0; j = (j + 1) & m_mask) {
        const std::size_t k = m_index[j].home;
        const bool between = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
        if (between)
            continue;
        m_index[hole] = m_index[j];
        hole = j;
    }
    m_index[hole] = Entry{};
    --m_size;
}

void FlowTable::grow(std::size_t capacity)
{
    if (capacity <= m_capacity)
        return;
    FlowTable bigger(capacity);
    for (const Entry& e : m_index) {
        if (e.flow == 0)
            continue;
        const Flow& f = m_pool[e.flow - 1];
        const Endpoints& ends = m_endpoints[e.flow - 1];
        if (!isExactWord(f.clientWord) || !isExactWord(f.serverWord))
            *bigger.insert(ends.client, ends.server, f.clientWord, f.serverWord) = f;
        else
            *bigger.insert({}, {}, f.clientWord, f.serverWord) = f;
    }
    bigger.m_overflow = m_overflow;
    *this = std::move(bigger);
}

void FlowTable::clear()
{
    m_index.assign(m_index.size(), Entry{});
    m_free.clear();
    m_fresh = 0;
    m_size = 0;
}

} // namespace lbdeck::traffic
