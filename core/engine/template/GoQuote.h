// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

namespace lbdeck::tmpl {

// Go's strconv quoting and unicode.IsPrint, for %q, error messages and the lexer.
class GoQuote
{
public:
    // strconv.Quote, or strconv.QuoteToASCII when asciiOnly.
    static QString quote(QStringView s, bool asciiOnly = false);
    // strconv.QuoteRune: 'x' with Go's escapes.
    static QString quoteRune(char32_t r, bool asciiOnly = false);
    static bool canBackquote(QStringView s);
    static bool isPrint(char32_t r);
    // Appends r, or U+FFFD when r is not a valid code point.
    static void appendRune(QString& out, char32_t r);
};

} // namespace lbdeck::tmpl
