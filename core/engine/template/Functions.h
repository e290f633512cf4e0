// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Value.h"
#include "core/util/Result.h"

#include <array>
#include <span>

namespace lbdeck::tmpl {

class KeyStore;

// The Go parameter types the template functions declare; Go checks arguments against them.
enum class ArgType : quint8
{
    Any,
    String,
    Int,
    StringList,
    KVList
};

struct CallContext
{
    const KeyStore& store;
};

// A function error is the Go error text; the executor adds "error calling NAME: ".
using FunctionImpl = Result<Value> (*)(const CallContext& context, std::span<const Value> args);

// One template function with its Go signature. For a variadic function the last parameter type is
// the element type of the "..." parameter.
struct FunctionSpec
{
    enum class Special : quint8
    {
        None,
        And,
        Or
    }; // evaluated lazily by the executor

    QStringView name;
    std::array<ArgType, 4> params{};
    int paramCount = 0;
    bool variadic = false;
    FunctionImpl impl = nullptr;
    Special special = Special::None;
};

// The function table of a confd template: Go's builtins plus confd's functions.
class Functions
{
public:
    static const FunctionSpec* find(QStringView name);
    static QString typeName(ArgType type);
    // Go's validateType: value as an argument of type, or the error text. nil becomes the type's zero.
    static QString convert(const Value& value, ArgType type, Value& out);
    // An error result carrying a Go error text.
    static Error error(const QString& message);
};

} // namespace lbdeck::tmpl
