// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Lexer.h"

namespace lbdeck::tmpl {

// The parser's view of the lexer: Go's three-token look-ahead (next, peek, backup2, backup3).
class TokenStream
{
public:
    explicit TokenStream(QStringView input)
        : m_lexer(input)
    {}

    Token next();
    Token peek();
    void backup() { ++m_peekCount; }
    // Pushes back t1 before the most recent token; backup3 pushes back t2 and t1.
    void backup2(const Token& t1);
    void backup3(const Token& t2, const Token& t1);
    Token nextNonSpace();
    Token peekNonSpace();
    // The most recently lexed token, where Go reports a parse error.
    const Token& last() const { return m_token[0]; }

private:
    Lexer m_lexer;
    Token m_token[3];
    int m_peekCount = 0;
};

} // namespace lbdeck::tmpl
