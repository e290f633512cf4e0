// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Functions.h"

#include "ConfdFunctions.h"
#include "ConfdLookup.h"
#include "GoBuiltins.h"

#include <QHash>

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

const FunctionSpec* Functions::find(QStringView name)
{
    static const QHash<QStringView, const FunctionSpec*> table = [] {
        QHash<QStringView, const FunctionSpec*> t;
        for (const FunctionSpec& f : GoBuiltins::functions())
            t.insert(f.name, &f);
        for (const FunctionSpec& f : ConfdFunctions::functions())
            t.insert(f.name, &f); // as in Go, a template's own functions win over the builtins
        for (const FunctionSpec& f : ConfdLookup::functions())
            t.insert(f.name, &f);
        return t;
    }();
    return table.value(name, nullptr);
}

QString Functions::typeName(ArgType type)
{
    switch (type) {
    case ArgType::Any:
        return u"interface {}"_s;
    case ArgType::String:
        return u"string"_s;
    case ArgType::Int:
        return u"int"_s;
    case ArgType::StringList:
        return u"[]string"_s;
    case ArgType::KVList:
        return u"[]memkv.KVPair"_s;
    }
    return u"interface {}"_s;
}

QString Functions::convert(const Value& value, ArgType type, Value& out)
{
    if (value.isNil()) {
        switch (type) {
        case ArgType::Any:
            out = value; // a nil interface {} stays one (GoBuiltins' len tells it from no value)
            return {};
        case ArgType::StringList:
            out = Value::list({}, Value::ListType::String);
            return {};
        case ArgType::KVList:
            out = Value::list({}, Value::ListType::KVPair);
            return {};
        default:
            return u"invalid value; expected "_s + typeName(type);
        }
    }
    bool ok = false;
    switch (type) {
    case ArgType::Any:
        ok = true;
        break;
    case ArgType::String:
        ok = value.isString();
        break;
    case ArgType::Int:
        ok = value.kind() == Value::Kind::Int;
        break;
    case ArgType::StringList:
        ok = value.kind() == Value::Kind::List && value.listType() == Value::ListType::String;
        break;
    case ArgType::KVList:
        ok = value.kind() == Value::Kind::List && value.listType() == Value::ListType::KVPair;
        break;
    }
    if (!ok)
        return u"wrong type for value; expected %1; got %2"_s.arg(typeName(type), value.typeName());
    out = value;
    return {};
}

Error Functions::error(const QString& message)
{
    return makeError(ErrorCode::Template, message);
}

} // namespace lbdeck::tmpl
