// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TokenStream.h"

namespace lbdeck::tmpl {

Token TokenStream::next()
{
    if (m_peekCount > 0)
        --m_peekCount;
    else
        m_token[0] = m_lexer.next();
    return m_token[m_peekCount];
}

Token TokenStream::peek()
{
    if (m_peekCount > 0)
        return m_token[m_peekCount - 1];
    m_peekCount = 1;
    m_token[0] = m_lexer.next();
    return m_token[0];
}

void TokenStream::backup2(const Token& t1)
{
    m_token[1] = t1;
    m_peekCount = 2;
}

void TokenStream::backup3(const Token& t2, const Token& t1)
{
    m_token[1] = t1;
    m_token[2] = t2;
    m_peekCount = 3;
}

Token TokenStream::nextNonSpace()
{
    Token token;
    do {
        token = next();
    } while (token.type == TokenType::Space);
    return token;
}

Token TokenStream::peekNonSpace()
{
    Token token = nextNonSpace();
    backup();
    return token;
}

} // namespace lbdeck::tmpl
