// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Store.h"
#include "Value.h"
#include "core/util/Result.h"

#include <QHash>
#include <QString>

#include <optional>

namespace lbdeck::tmpl {

// confd's store functions (memkv) over one render's Store. The Store is read in place: a glob with a
// literal prefix scans only that part of the sorted map, and results are remembered for the render.
class KeyStore
{
public:
    explicit KeyStore(const Store& store)
        : m_store(store)
    {}

    bool exists(const QString& key) const;
    Result<Value> get(const QString& key) const;
    // getv: the value, or the default when the key is missing.
    Result<Value> getv(const QString& key, const std::optional<QString>& fallback) const;
    Result<Value> gets(const QString& pattern) const;
    Result<Value> getvs(const QString& pattern) const;
    Value ls(const QString& path) const;
    Value lsdir(const QString& path) const;

private:
    // Calls visit(iterator) for the keys matching pattern, in map order; an error for a malformed pattern.
    template<typename Visit>
    Result<void> forEachMatch(const QString& pattern, Visit&& visit) const;
    const std::vector<QString>& uncleanKeys() const;

    const Store& m_store; // Not owned.
    mutable QHash<QString, Value> m_getsCache;
    mutable QHash<QString, Value> m_getvsCache;
    mutable std::optional<std::vector<QString>> m_uncleanKeys;
};

} // namespace lbdeck::tmpl
