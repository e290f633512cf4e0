// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Functions.h"

#include "ConfdFunctions.h"
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

Error Functions::error(const QString& message)
{
    return makeError(ErrorCode::Template, message);
}

} // namespace lbdeck::tmpl
