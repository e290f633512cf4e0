// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Functions.h"

#include <QString>

#include <optional>

namespace lbdeck::tmpl {

struct Node;
struct NumberNode;

// Go literals as the template parser reads them: strconv.Unquote for strings and parse.newNumber for
// numbers and character constants.
class GoLiteral
{
public:
    // A "..." or `...` literal; nullopt when Go would say "invalid syntax".
    static std::optional<QString> unquote(QStringView quoted);
    // Fills the number from its text; returns Go's error text, or an empty string.
    static QString parseNumber(NumberNode& number, bool charConstant);
    // Go's idealConstant: the int or float64 a number literal means where any type will do.
    static QString idealConstant(const NumberNode& number, Value& out);
    // A literal (string, number, bool) as an argument of type, or Go's error text.
    static QString argument(const Node& node, ArgType type, Value& out);
};

} // namespace lbdeck::tmpl
