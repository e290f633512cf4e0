// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Value.h"

#include "GoString.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

const std::vector<Value::Entry>& emptyEntries()
{
    static const std::vector<Value::Entry> empty;
    return empty;
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
    if (type == ListType::String) {
        std::vector<QString> texts;
        texts.reserve(items.size());
        for (const Value& item : items)
            texts.push_back(item.toString());
        return strings(std::move(texts));
    }
    if (type == ListType::KVPair) {
        std::vector<std::pair<QString, QString>> pairs;
        pairs.reserve(items.size());
        for (const Value& item : items)
            pairs.emplace_back(item.kvKey(), item.kvValue());
        return kvPairs(std::move(pairs));
    }
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

Value Value::strings(std::vector<QString> items)
{
    Value v;
    v.m_kind = Kind::List;
    v.m_listType = ListType::String;
    if (!items.empty()) {
        auto data = std::make_shared<ValueData>();
        data->strings = std::move(items);
        v.m_data = std::move(data);
    }
    return v;
}

Value Value::stringList(const QStringList& items)
{
    return strings(std::vector<QString>(items.begin(), items.end()));
}

Value Value::kvPairs(std::vector<std::pair<QString, QString>> pairs)
{
    Value v;
    v.m_kind = Kind::List;
    v.m_listType = ListType::KVPair;
    if (!pairs.empty()) {
        auto data = std::make_shared<ValueData>();
        data->pairs = std::move(pairs);
        v.m_data = std::move(data);
    }
    return v;
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

Value Value::at(qsizetype i) const
{
    if (m_kind != Kind::List || !m_data)
        return Value();
    const auto index = std::size_t(i);
    switch (m_listType) {
    case ListType::String:
        return Value(m_data->strings[index]);
    case ListType::KVPair:
        return kvPair(m_data->pairs[index].first, m_data->pairs[index].second);
    default:
        return m_data->items[index].boxed(m_listType == ListType::Any);
    }
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
    if (!m_data)
        return 0;
    if (m_kind == Kind::Map)
        return qsizetype(m_data->entries.size());
    if (m_kind != Kind::List)
        return 0;
    switch (m_listType) {
    case ListType::String:
        return qsizetype(m_data->strings.size());
    case ListType::KVPair:
        return qsizetype(m_data->pairs.size());
    default:
        return qsizetype(m_data->items.size());
    }
}

bool Value::truth() const
{
    switch (m_kind) {
    case Kind::Nil:
        return false;
    case Kind::Bool:
        return m_bool;
    case Kind::Int:
        return m_int != 0;
    case Kind::Float:
        return m_double != 0.0;
    case Kind::String:
        return !m_string.isEmpty();
    case Kind::List:
    case Kind::Map:
        return size() > 0;
    case Kind::KVPair:
        return true; // Go: struct values are always true
    }
    return false;
}

QString Value::typeName() const
{
    switch (m_kind) {
    case Kind::Nil:
        return u"<nil>"_s;
    case Kind::Bool:
        return u"bool"_s;
    case Kind::Int:
        return u"int"_s;
    case Kind::Float:
        return u"float64"_s;
    case Kind::String:
        return u"string"_s;
    case Kind::Map:
        return u"map[string]interface {}"_s;
    case Kind::KVPair:
        return u"memkv.KVPair"_s;
    case Kind::List:
        switch (m_listType) {
        case ListType::Any:
            return u"[]interface {}"_s;
        case ListType::String:
            return u"[]string"_s;
        case ListType::Int:
            return u"[]int"_s;
        case ListType::KVPair:
            return u"[]memkv.KVPair"_s;
        }
    }
    return u"<nil>"_s;
}

int Value::compareBytes(QStringView a, QStringView b)
{
    const QByteArray x = toGoBytes(a);
    const QByteArray y = toGoBytes(b);
    const int c = std::memcmp(x.constData(), y.constData(), size_t(qMin(x.size(), y.size())));
    if (c != 0)
        return c < 0 ? -1 : 1;
    return x.size() == y.size() ? 0 : (x.size() < y.size() ? -1 : 1);
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
        } else if (isRawByte(c)) {
            bytes += 1; // a byte of a value that is not UTF-8 (GoString.h)
        } else {
            bytes += 3; // includes a lone surrogate, which Go would see as U+FFFD
        }
    }
    return bytes;
}

} // namespace lbdeck::tmpl
