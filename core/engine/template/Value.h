// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>
#include <QStringList>

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
    enum class Kind : quint8 { Nil, Bool, Int, Float, String, List, Map, KVPair };
    // The Go element type of a list; confd's functions are typed ([]string, []memkv.KVPair) and Go
    // rejects the wrong one.
    enum class ListType : quint8 { Any, String, Int, KVPair };
    using Entry = std::pair<QString, Value>;

    Value() = default;
    Value(bool b) : m_kind(Kind::Bool), m_bool(b) {} // NOLINT(google-explicit-constructor)
    template<typename T>
        requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
    Value(T i) : m_kind(Kind::Int), m_int(static_cast<qint64>(i)) {} // NOLINT(google-explicit-constructor)
    Value(double d) : m_kind(Kind::Float), m_double(d) {} // NOLINT(google-explicit-constructor)
    Value(QString s) : m_kind(Kind::String), m_string(std::move(s)) {} // NOLINT(google-explicit-constructor)
    Value(const char*) = delete; // would silently become a bool

    static Value kvPair(QString key, QString value);
    static Value list(std::vector<Value> items, ListType type = ListType::Any);
    static Value stringList(const QStringList& items);
    // Keys are kept in Go's order (byte order of UTF-8); a repeated key keeps its last value.
    static Value map(std::vector<Entry> entries);

    Kind kind() const { return m_kind; }
    ListType listType() const { return m_listType; }
    bool isNil() const { return m_kind == Kind::Nil; }
    bool isString() const { return m_kind == Kind::String; }

    bool toBool() const { return m_kind == Kind::Bool && m_bool; }
    qint64 toInt() const { return m_kind == Kind::Int ? m_int : 0; }
    double toDouble() const { return m_kind == Kind::Float ? m_double : 0.0; }
    // The string of a String, the key of a KVPair.
    const QString& toString() const { return m_string; }
    const QString& kvKey() const { return m_string; }
    const QString& kvValue() const { return m_value; }

    const std::vector<Value>& items() const;   // List
    const std::vector<Entry>& entries() const; // Map
    const Value* find(QStringView key) const;  // Map
    qsizetype size() const;                    // List or Map

    // Go's truth: false, 0, nil and empty strings, lists and maps are false.
    bool truth() const;
    // The Go type name used in error messages, e.g. "[]string" or "memkv.KVPair".
    QString typeName() const;

    // Go's string order is byte order of UTF-8, which is code point order, not UTF-16 order.
    static int compareStrings(QStringView a, QStringView b);
    static bool lessStrings(QStringView a, QStringView b) { return compareStrings(a, b) < 0; }
    static qsizetype utf8Length(QStringView s);

private:
    Kind m_kind = Kind::Nil;
    ListType m_listType = ListType::Any;
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
    std::vector<Value> items;
    std::vector<Value::Entry> entries;
};

} // namespace lbdeck::tmpl
