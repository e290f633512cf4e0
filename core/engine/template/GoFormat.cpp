// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "GoFormat.h"

#include "GoPrinter.h"

namespace lbdeck::tmpl {

void GoFormat::appendValue(QString& out, const Value& v)
{
    switch (v.kind()) {
    case Value::Kind::String:
        out.append(v.toString());
        return; // the hot path of every {{.}}
    case Value::Kind::Int:
        out.append(QString::number(v.toInt()));
        return;
    default:
        break;
    }
    GoPrinter p(out);
    p.printArg(v, U'v');
}

QString GoFormat::sprint(std::span<const Value> args)
{
    QString out;
    GoPrinter p(out);
    bool prevString = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const bool isString = args[i].isString();
        if (i > 0 && !isString && !prevString)
            out.append(u' ');
        p.clearFlags();
        p.printArg(args[i], U'v');
        prevString = isString;
    }
    return out;
}

QString GoFormat::sprintln(std::span<const Value> args)
{
    QString out;
    GoPrinter p(out);
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (i > 0)
            out.append(u' ');
        p.clearFlags();
        p.printArg(args[i], U'v');
    }
    out.append(u'\n');
    return out;
}

QString GoFormat::sprintf(QStringView format, std::span<const Value> args)
{
    QString out;
    GoPrinter p(out);
    p.doPrintf(format, args);
    return out;
}

} // namespace lbdeck::tmpl
