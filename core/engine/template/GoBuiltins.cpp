// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "GoBuiltins.h"

#include "GoEscape.h"
#include "GoFormat.h"
#include "GoString.h"

#include <vector>

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

using Args = std::span<const Value>;
using Kind = Value::Kind;

Error fail(const QString& message)
{
    return Functions::error(message);
}

QString printS(const Value& v)
{
    return GoFormat::sprintf(u"%s", Args(&v, 1));
}

Result<Value> notFn(const CallContext&, Args args)
{
    return Value(!args[0].truth());
}

Result<Value> lenFn(const CallContext&, Args args)
{
    const Value& item = args[0];
    switch (item.kind()) {
    case Kind::Nil:
        if (item.isBoxed())
            return fail(u"len of nil pointer"_s);
        return fail(u"reflect: call of reflect.Value.Type on zero Value"_s);
    case Kind::String:
        return Value(Value::utf8Length(item.toString())); // Go counts bytes
    case Kind::List:
    case Kind::Map:
        return Value(item.size());
    default:
        return fail(u"len of type "_s + item.typeName());
    }
}

// Go's indexArg.
Result<qint64> indexArg(const Value& index, qint64 cap)
{
    if (index.isNil())
        return fail(u"cannot index slice/array with nil"_s);
    if (index.kind() != Kind::Int)
        return fail(u"cannot index slice/array with type "_s + index.typeName());
    const qint64 x = index.toInt();
    if (x < 0 || x > cap)
        return fail(u"index out of range: %1"_s.arg(x));
    return x;
}

Result<Value> indexFn(const CallContext&, Args args)
{
    Value item = args[0];
    if (item.isNil())
        return fail(u"index of untyped nil"_s);
    for (const Value& index : args.subspan(1)) {
        switch (item.kind()) {
        case Kind::Nil:
            return fail(u"index of nil pointer"_s);
        case Kind::List: {
            const auto x = indexArg(index, item.size());
            if (!x)
                return x.error();
            if (*x == item.size())
                return fail(u"reflect: slice index out of range"_s);
            item = item.at(*x);
            break;
        }
        case Kind::String: {
            const QByteArray bytes = toGoBytes(item.toString());
            const auto x = indexArg(index, bytes.size());
            if (!x)
                return x.error();
            if (*x == bytes.size())
                return fail(u"reflect: string index out of range"_s);
            item = Value(int(quint8(bytes[*x]))); // a byte, as Go's uint8
            break;
        }
        case Kind::Map: {
            if (index.isNil())
                return fail(u"value is nil; should be of type string"_s);
            if (!index.isString())
                return fail(u"value has type %1; should be string"_s.arg(index.typeName()));
            const Value* found = item.find(index.toString());
            item = found ? found->boxed() : Value().boxed(); // a missing key gives the zero interface {}
            break;
        }
        default:
            return fail(u"can't index item of type "_s + item.typeName());
        }
    }
    return item;
}

Result<Value> sliceFn(const CallContext&, Args args)
{
    const Value& item = args[0];
    const Args indexes = args.subspan(1);
    if (item.isNil())
        return fail(u"slice of untyped nil"_s);
    if (indexes.size() > 3)
        return fail(u"too many slice indexes: %1"_s.arg(indexes.size()));
    QByteArray bytes;
    qint64 cap = 0;
    if (item.isString()) {
        if (indexes.size() == 3)
            return fail(u"cannot 3-index slice a string"_s);
        bytes = toGoBytes(item.toString());
        cap = bytes.size();
    } else if (item.kind() == Kind::List) {
        cap = item.size();
    } else {
        return fail(u"can't slice item of type "_s + item.typeName());
    }
    qint64 idx[3] = {0, cap, 0};
    for (std::size_t i = 0; i < indexes.size(); ++i) {
        const auto x = indexArg(indexes[i], cap);
        if (!x)
            return x.error();
        idx[i] = *x;
    }
    if (idx[0] > idx[1])
        return fail(u"invalid slice index: %1 > %2"_s.arg(idx[0]).arg(idx[1]));
    if (indexes.size() == 3 && idx[1] > idx[2])
        return fail(u"invalid slice index: %1 > %2"_s.arg(idx[1]).arg(idx[2]));
    if (item.isString())
        return Value(fromGoBytes(bytes.sliced(idx[0], idx[1] - idx[0])));
    std::vector<Value> items;
    items.reserve(std::size_t(idx[1] - idx[0]));
    for (qint64 i = idx[0]; i < idx[1]; ++i)
        items.push_back(item.at(i));
    return Value::list(std::move(items), item.listType());
}

Result<Value> printFn(const CallContext&, Args args)
{
    return Value(GoFormat::sprint(args));
}

Result<Value> printlnFn(const CallContext&, Args args)
{
    return Value(GoFormat::sprintln(args));
}

Result<Value> printfFn(const CallContext&, Args args)
{
    return Value(GoFormat::sprintf(args[0].toString(), args.subspan(1)));
}

// Go's evalArgs: a lone string as it is, anything else as fmt.Sprint prints it, except that an
// argument with no value prints as "<no value>" (printableValue), not as "<nil>".
QString evalArgs(Args args)
{
    if (args.size() == 1 && args[0].isString())
        return args[0].toString();
    std::vector<Value> printable(args.begin(), args.end());
    for (Value& v : printable) {
        if (v.isNil())
            v = Value(u"<no value>"_s);
    }
    return GoFormat::sprint(printable);
}

Result<Value> htmlFn(const CallContext&, Args args)
{
    return Value(GoEscape::html(evalArgs(args)));
}

Result<Value> jsFn(const CallContext&, Args args)
{
    return Value(GoEscape::js(evalArgs(args)));
}

Result<Value> urlqueryFn(const CallContext&, Args args)
{
    return Value(GoEscape::urlQuery(evalArgs(args)));
}

// Go's call. A confd template's data holds no function values, so the first argument is never one.
Result<Value> callFn(const CallContext&, Args args)
{
    if (args[0].isNil())
        return fail(u"call of nil"_s);
    return fail(u"non-function of type "_s + args[0].typeName());
}

bool isBasic(const Value& v)
{
    switch (v.kind()) {
    case Kind::Bool:
    case Kind::Int:
    case Kind::Float:
    case Kind::String:
        return true;
    default:
        return false;
    }
}

// Go's eq for one pair; both kinds are known to be the same basic kind.
bool equalBasic(const Value& a, const Value& b)
{
    switch (a.kind()) {
    case Kind::Bool:
        return a.toBool() == b.toBool();
    case Kind::Int:
        return a.toInt() == b.toInt();
    case Kind::Float:
        return a.toDouble() == b.toDouble();
    case Kind::String:
        return a.toString() == b.toString();
    default:
        return false;
    }
}

Result<bool> eq(const Value& arg1, Args others)
{
    if (others.empty())
        return fail(u"missing argument for comparison"_s);
    for (const Value& arg : others) {
        bool truth = false;
        const bool basic1 = isBasic(arg1);
        const bool sameBasic = basic1 && arg1.kind() == arg.kind();
        if (basic1 != isBasic(arg) || (basic1 && !sameBasic)) {
            if (!arg1.isNil() && !arg.isNil())
                return fail(u"incompatible types for comparison"_s); // Go 1.19 names no types
        } else if (sameBasic) {
            truth = equalBasic(arg1, arg);
        } else if (arg1.isNil() || arg.isNil()) {
            truth = arg1.isNil() == arg.isNil();
        } else if (arg1.kind() != arg.kind()) {
            return fail(u"non-comparable types %1: %2, %3: %4"_s.arg(printS(arg1), arg1.typeName(),
                                                                     arg.typeName(), printS(arg)));
        } else if (arg.kind() != Kind::KVPair) {
            return fail(u"non-comparable type %1: %2"_s.arg(printS(arg), arg.typeName()));
        } else {
            truth = arg1.kvKey() == arg.kvKey() && arg1.kvValue() == arg.kvValue();
        }
        if (truth)
            return true;
    }
    return false;
}

Result<bool> lt(const Value& a, const Value& b)
{
    if (!isBasic(a) || !isBasic(b))
        return fail(u"invalid type for comparison"_s);
    if (a.kind() != b.kind())
        return fail(u"incompatible types for comparison"_s);
    switch (a.kind()) {
    case Kind::Int:
        return a.toInt() < b.toInt();
    case Kind::Float:
        return a.toDouble() < b.toDouble();
    case Kind::String:
        return Value::compareStrings(a.toString(), b.toString()) < 0;
    default:
        return fail(u"invalid type for comparison"_s);
    }
}

Result<bool> le(const Value& a, const Value& b)
{
    const auto less = lt(a, b);
    if (!less || *less)
        return less;
    return eq(a, Args(&b, 1));
}

Result<Value> toValue(const Result<bool>& r, bool invert)
{
    if (!r)
        return r.error();
    return Value(*r != invert);
}

Result<Value> eqFn(const CallContext&, Args args)
{
    return toValue(eq(args[0], args.subspan(1)), false);
}

Result<Value> neFn(const CallContext&, Args args)
{
    return toValue(eq(args[0], args.subspan(1)), true);
}

Result<Value> ltFn(const CallContext&, Args args)
{
    return toValue(lt(args[0], args[1]), false);
}

Result<Value> leFn(const CallContext&, Args args)
{
    return toValue(le(args[0], args[1]), false);
}

Result<Value> gtFn(const CallContext&, Args args)
{
    return toValue(le(args[0], args[1]), true);
}

Result<Value> geFn(const CallContext&, Args args)
{
    return toValue(lt(args[0], args[1]), true);
}

constexpr ArgType A = ArgType::Any;
constexpr ArgType S = ArgType::String;

const FunctionSpec kBuiltins[] = {
    {u"and", {A, A}, 2, true, nullptr, FunctionSpec::Special::And},
    {u"or", {A, A}, 2, true, nullptr, FunctionSpec::Special::Or},
    {u"not", {A}, 1, false, notFn},
    {u"len", {A}, 1, false, lenFn},
    {u"index", {A, A}, 2, true, indexFn},
    {u"slice", {A, A}, 2, true, sliceFn},
    {u"print", {A}, 1, true, printFn},
    {u"printf", {S, A}, 2, true, printfFn},
    {u"println", {A}, 1, true, printlnFn},
    {u"eq", {A, A}, 2, true, eqFn},
    {u"ne", {A, A}, 2, false, neFn},
    {u"lt", {A, A}, 2, false, ltFn},
    {u"le", {A, A}, 2, false, leFn},
    {u"gt", {A, A}, 2, false, gtFn},
    {u"ge", {A, A}, 2, false, geFn},
    {u"html", {A}, 1, true, htmlFn},
    {u"js", {A}, 1, true, jsFn},
    {u"urlquery", {A}, 1, true, urlqueryFn},
    {u"call", {A, A}, 2, true, callFn},
};

} // namespace

std::span<const FunctionSpec> GoBuiltins::functions()
{
    return kBuiltins;
}

} // namespace lbdeck::tmpl
