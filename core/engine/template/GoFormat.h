// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Value.h"

#include <QString>

#include <span>

namespace lbdeck::tmpl {

// Go's fmt package as text/template uses it: the %v printing of values and print, println and printf.
// Verbs: v s d q x X c U t T f F e E g G b o O %, flags + - # space 0, width, precision, * and [n].
class GoFormat
{
public:
    // fmt.Sprint(v) for one operand, appended.
    static void appendValue(QString& out, const Value& v);
    static QString sprint(std::span<const Value> args);
    static QString sprintln(std::span<const Value> args);
    static QString sprintf(QStringView format, std::span<const Value> args);
};

} // namespace lbdeck::tmpl
