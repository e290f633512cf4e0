// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

namespace lbdeck::tmpl {

enum class TokenType : quint8
{
    Error,
    Bool,
    Char, // a printable ASCII character inside an action, such as ','
    CharConstant,
    Complex,
    Assign,  // '='
    Declare, // ":="
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    Keyword, // keywords sort after this one
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
};

// A token; its text is input[pos, pos + length). Positions are UTF-16 offsets into the template text.
struct Token
{
    TokenType type = TokenType::Eof;
    qsizetype pos = 0;
    qsizetype length = 0;
    QString error; // the message of an Error token
};

// Go's text/template/parse lexer, state for state, with "{{" "}}" delimiters and trim markers.
class Lexer
{
public:
    explicit Lexer(QStringView input)
        : m_input(input)
    {}

    Token next();

private:
    enum class State
    {
        Done,
        Text,
        LeftDelim,
        Comment,
        RightDelim,
        InsideAction,
        Space,
        Identifier,
        Field,
        Variable,
        Char,
        Number,
        Quote,
        RawQuote
    };

    char32_t nextRune();
    char32_t peekRune();
    void backup();
    State emit(TokenType type);
    State errorf(QString message);
    void ignore() { m_start = m_pos; }
    bool accept(QStringView valid);
    void acceptRun(QStringView valid);
    bool atTerminator();
    bool atRightDelim(bool* trimSpaces = nullptr) const;
    bool scanNumber();

    State lexText();
    State lexLeftDelim();
    State lexComment();
    State lexRightDelim();
    State lexInsideAction();
    State lexSpace();
    State lexIdentifier();
    State lexFieldOrVariable(TokenType type);
    State lexChar();
    State lexNumber();
    State lexQuote();
    State lexRawQuote();

    QStringView m_input;
    qsizetype m_pos = 0;
    qsizetype m_start = 0;
    qsizetype m_lastWidth = 0;
    bool m_atEof = false;
    bool m_insideAction = false;
    int m_parenDepth = 0;
    Token m_item;
};

} // namespace lbdeck::tmpl
