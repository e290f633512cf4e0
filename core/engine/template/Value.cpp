// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Value.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

const std::vector<Value>& emptyItems()
{
    static const std::vector<Value> empty;
    return empty;
}

const std::vector<Value::Entry>& emptyEntries()
{
    static const std::vector<Value::Entry> empty;
    return empty;
}

// Maps UTF-16 units so that their order becomes code point order: surrogates (which encode code points
// above U+FFFF) must sort after U+E000..U+FFFF.
int codePointRank(char16_t unit)
{
    if (unit >= 0xE000)
        return unit - 0x800;
    if (unit >= 0xD800)
        return unit + 0x2000;
    return unit;
}

} // namespace

Value Value::kvPair(QString key, QString value)
{
    Value v;
    v.m_kind = Kind::KVPair;
    v.m_string = std::move(key);
    v.m_value = std::move(value);
    return v;
}

Value Value::list(std::vector<Value> items, ListType type)
{
    Value v;
    v.m_kind = Kind::List;
    v.m_listType = type;
    if (!items.empty()) {
        auto data = std::make_shared<ValueData>();
        data->items = std::move(items);
        v.m_data = std::move(data);
    }
    return v;
}

Value Value::stringList(const QStringList& items)
{
    std::vector<Value> values;
    values.reserve(items.size());
    for (const QString& item : items)
        values.emplace_back(item);
    return list(std::move(values), ListType::String);
}

Value Value::map(std::vector<Entry> entries)
{
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return lessStrings(a.first, b.first); });
    std::vector<Entry> unique;
    unique.reserve(entries.size());
    for (Entry& entry : entries) {
        if (!unique.empty() && unique.back().first == entry.first)
            unique.back() = std::move(entry);
        else
            unique.push_back(std::move(entry));
    }
    Value v;
    v.m_kind = Kind::Map;
    if (!unique.empty()) {
        auto data = std::make_shared<ValueData>();
        data->entries = std::move(unique);
        v.m_data = std::move(data);
    }
    return v;
}

const std::vector<Value>& Value::items() const
{
    return m_kind == Kind::List && m_data ? m_data->items : emptyItems();
}

const std::vector<Value::Entry>& Value::entries() const
{
    return m_kind == Kind::Map && m_data ? m_data->entries : emptyEntries();
}

const Value* Value::find(QStringView key) const
{
    const std::vector<Entry>& all = entries();
    auto it = std::lower_bound(all.begin(), all.end(), key,
                               [](const Entry& e, QStringView k) { return lessStrings(e.first, k); });
    if (it == all.end() || it->first != key)
        return nullptr;
    return &it->second;
}

qsizetype Value::size() const
{
    if (m_kind == Kind::List)
        return qsizetype(items().size());
    if (m_kind == Kind::Map)
        return qsizetype(entries().size());
    return 0;
}

bool Value::truth() const
{
    switch (m_kind) {
    case Kind::Nil: return false;
    case Kind::Bool: return m_bool;
    case Kind::Int: return m_int != 0;
    case Kind::Float: return m_double != 0.0;
    case Kind::String: return !m_string.isEmpty();
    case Kind::List:
    case Kind::Map: return size() > 0;
    case Kind::KVPair: return true; // Go: struct values are always true
    }
    return false;
}

QString Value::typeName() const
{
    switch (m_kind) {
    case Kind::Nil: return u"<nil>"_s;
    case Kind::Bool: return u"bool"_s;
    case Kind::Int: return u"int"_s;
    case Kind::Float: return u"float64"_s;
    case Kind::String: return u"string"_s;
    case Kind::Map: return u"map[string]interface {}"_s;
    case Kind::KVPair: return u"memkv.KVPair"_s;
    case Kind::List:
        switch (m_listType) {
        case ListType::Any: return u"[]interface {}"_s;
        case ListType::String: return u"[]string"_s;
        case ListType::Int: return u"[]int"_s;
        case ListType::KVPair: return u"[]memkv.KVPair"_s;
        }
    }
    return u"<nil>"_s;
}

int Value::compareStrings(QStringView a, QStringView b)
{
    const qsizetype n = std::min(a.size(), b.size());
    const char16_t* pa = a.utf16();
    const char16_t* pb = b.utf16();
    for (qsizetype i = 0; i < n; ++i) {
        if (pa[i] != pb[i]) {
            const int x = codePointRank(pa[i]);
            const int y = codePointRank(pb[i]);
            return x < y ? -1 : 1;
        }
    }
    if (a.size() == b.size())
        return 0;
    return a.size() < b.size() ? -1 : 1;
}

qsizetype Value::utf8Length(QStringView s)
{
    qsizetype bytes = 0;
    const qsizetype n = s.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = s[i].unicode();
        if (c < 0x80) {
            bytes += 1;
        } else if (c < 0x800) {
            bytes += 2;
        } else if (QChar::isHighSurrogate(c) && i + 1 < n && QChar::isLowSurrogate(s[i + 1].unicode())) {
            bytes += 4;
            ++i;
        } else {
            bytes += 3; // includes a lone surrogate, which Go would see as U+FFFD
        }
    }
    return bytes;
}

} // namespace lbdeck::tmpl
