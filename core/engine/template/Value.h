// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "GoString.h"

#include <QString>
#include <QStringList>

#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace lbdeck::tmpl {

struct ValueData;

// A Go value as text/template sees it. Copies are cheap: strings are implicitly shared and lists and
// maps are immutable and shared, so a store value is never copied on its way to the output.
class Value
{
public:
    enum class Kind : quint8
    {
        Nil,
        Bool,
        Int,
        Float,
        String,
        List,
        Map,
        KVPair
    };
    // The Go element type of a list; confd's functions are typed ([]string, []memkv.KVPair) and Go
    // rejects the wrong one.
    enum class ListType : quint8
    {
        Any,
        String,
        Int,
        KVPair
    };
    using Entry = std::pair<QString, Value>;

    Value() = default;
    // Implicit, so that a Go literal reads like one: Value(3), Value(u"x"_s), map({{u"k"_s, 1.5}}).
    // NOLINTNEXTLINE(google-explicit-constructor)
    Value(bool b)
        : m_kind(Kind::Bool)
        , m_bool(b)
    {}
    template<typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
        Value(T i) // NOLINT(google-explicit-constructor)
        : m_kind(Kind::Int)
        , m_int(static_cast<qint64>(i))
    {}
    // NOLINTNEXTLINE(google-explicit-constructor)
    Value(double d)
        : m_kind(Kind::Float)
        , m_double(d)
    {}
    // NOLINTNEXTLINE(google-explicit-constructor)
    Value(QString s)
        : m_kind(Kind::String)
        , m_string(std::move(s))
    {}
    Value(const char*) = delete; // would silently become a bool

    static Value kvPair(QString key, QString value);
    // A list; with ListType::String or KVPair the items must be strings or KVPairs.
    static Value list(std::vector<Value> items, ListType type = ListType::Any);
    // []string and []memkv.KVPair are stored compactly: a store scan of 10,000 keys makes one.
    static Value strings(std::vector<QString> items);
    static Value stringList(const QStringList& items);
    static Value kvPairs(std::vector<std::pair<QString, QString>> pairs);
    // Keys are kept in Go's order (byte order of UTF-8); a repeated key keeps its last value.
    static Value map(std::vector<Entry> entries);

    Kind kind() const { return m_kind; }
    ListType listType() const { return m_listType; }
    bool isNil() const { return m_kind == Kind::Nil; }
    // Whether Go would hold this value in an interface {} slot: an element of a map or of a
    // []interface {}, as a field chain or range reaches it (a pipeline's result is unboxed). Go then
    // names its type "interface {}" in errors, and a boxed nil is a nil interface, not a missing value.
    bool isBoxed() const { return m_boxed; }
    Value boxed(bool on = true) const
    {
        Value v = *this;
        v.m_boxed = on;
        return v;
    }
    bool isString() const { return m_kind == Kind::String; }

    bool toBool() const { return m_kind == Kind::Bool && m_bool; }
    qint64 toInt() const { return m_kind == Kind::Int ? m_int : 0; }
    double toDouble() const { return m_kind == Kind::Float ? m_double : 0.0; }
    // The string of a String, the key of a KVPair.
    const QString& toString() const { return m_string; }
    const QString& kvKey() const { return m_string; }
    const QString& kvValue() const { return m_value; }

    Value at(qsizetype i) const;               // List; i in [0, size())
    const std::vector<Entry>& entries() const; // Map
    const Value* find(QStringView key) const;  // Map
    qsizetype size() const;                    // List or Map

    // Go's truth: false, 0, nil and empty strings, lists and maps are false.
    bool truth() const;
    // The Go type name used in error messages, e.g. "[]string" or "memkv.KVPair".
    QString typeName() const;

    // Go's string order is byte order of UTF-8, which is code point order, not UTF-16 order. Inline:
    // sorting a large getvs result is mostly this comparison.
    static int compareStrings(QStringView a, QStringView b)
    {
        const qsizetype n = a.size() < b.size() ? a.size() : b.size();
        const char16_t* pa = a.utf16();
        const char16_t* pb = b.utf16();
        qsizetype i = 0;
        for (; i + 4 <= n; i += 4) {
            quint64 x;
            quint64 y;
            std::memcpy(&x, pa + i, sizeof x);
            std::memcpy(&y, pb + i, sizeof y);
            if (x != y)
                break;
        }
        for (; i < n; ++i) {
            if (pa[i] != pb[i]) {
                if (isRawByte(pa[i]) || isRawByte(pb[i]))
                    return compareBytes(a.sliced(i), b.sliced(i));
                // Surrogates encode code points above U+FFFF, so they sort after U+E000..U+FFFF.
                auto rank = [](char16_t u) {
                    return u >= 0xE000 ? u - 0x800 : u >= 0xD800 ? u + 0x2000 : int(u);
                };
                return rank(pa[i]) < rank(pb[i]) ? -1 : 1;
            }
        }
        return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
    }
    // The byte order of two strings that hold raw bytes (GoString.h): rare, so not inline.
    static int compareBytes(QStringView a, QStringView b);
    static bool lessStrings(QStringView a, QStringView b) { return compareStrings(a, b) < 0; }
    static qsizetype utf8Length(QStringView s);

private:
    Kind m_kind = Kind::Nil;
    ListType m_listType = ListType::Any;
    bool m_boxed = false;
    union {
        bool m_bool;
        qint64 m_int = 0;
        double m_double;
    };
    QString m_string;
    QString m_value;
    std::shared_ptr<const ValueData> m_data;
};

struct ValueData
{
    std::vector<Value> items;                       // []interface {} and []int
    std::vector<QString> strings;                   // []string
    std::vector<std::pair<QString, QString>> pairs; // []memkv.KVPair
    std::vector<Value::Entry> entries;              // map
};

} // namespace lbdeck::tmpl
