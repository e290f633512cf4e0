// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Lexer.h"

#include "GoQuote.h"

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

constexpr char32_t kEof = char32_t(-1);
constexpr QStringView kLeftDelim = u"{{";
constexpr QStringView kRightDelim = u"}}";

bool isSpace(char32_t r)
{
    return r == U' ' || r == U'\t' || r == U'\r' || r == U'\n';
}

bool isAlphaNumeric(char32_t r)
{
    return r == U'_' || (r != kEof && (QChar::isLetter(r) || QChar::isDigit(r)));
}

bool hasLeftTrimMarker(QStringView s)
{
    return s.size() >= 2 && s[0] == u'-' && isSpace(s[1].unicode());
}

bool hasRightTrimMarker(QStringView s)
{
    return s.size() >= 2 && isSpace(s[0].unicode()) && s[1] == u'-';
}

qsizetype leftTrimLength(QStringView s)
{
    qsizetype n = 0;
    while (n < s.size() && isSpace(s[n].unicode()))
        ++n;
    return n;
}

qsizetype rightTrimLength(QStringView s)
{
    qsizetype n = 0;
    while (n < s.size() && isSpace(s[s.size() - 1 - n].unicode()))
        ++n;
    return n;
}

// fmt's %#U.
QString describeRune(char32_t r)
{
    QString s = u"U+"_s + QString::number(quint32(r), 16).toUpper().rightJustified(4, u'0');
    if (GoQuote::isPrint(r)) {
        s += u" '"_s;
        if (QChar::requiresSurrogates(r)) {
            s += QChar(QChar::highSurrogate(r));
            s += QChar(QChar::lowSurrogate(r));
        } else {
            s += QChar(char16_t(r));
        }
        s += u'\'';
    }
    return s;
}

TokenType keyword(QStringView word)
{
    static const struct
    {
        QStringView word;
        TokenType type;
    } keywords[] = {
        {u"block", TokenType::Block},
        {u"break", TokenType::Break},
        {u"continue", TokenType::Continue},
        {u"define", TokenType::Define},
        {u"else", TokenType::Else},
        {u"end", TokenType::End},
        {u"if", TokenType::If},
        {u"range", TokenType::Range},
        {u"nil", TokenType::Nil},
        {u"template", TokenType::Template},
        {u"with", TokenType::With},
    };
    for (const auto& k : keywords) {
        if (k.word == word)
            return k.type;
    }
    return TokenType::Identifier;
}

} // namespace

char32_t Lexer::nextRune()
{
    if (m_pos >= m_input.size()) {
        m_atEof = true;
        m_lastWidth = 0;
        return kEof;
    }
    const QChar c = m_input[m_pos];
    if (c.isHighSurrogate() && m_pos + 1 < m_input.size() && m_input[m_pos + 1].isLowSurrogate()) {
        m_lastWidth = 2;
        m_pos += 2;
        return QChar::surrogateToUcs4(c, m_input[m_pos - 1]);
    }
    m_lastWidth = 1;
    ++m_pos;
    return c.unicode();
}

char32_t Lexer::peekRune()
{
    const char32_t r = nextRune();
    backup();
    return r;
}

void Lexer::backup()
{
    if (!m_atEof && m_pos > 0) {
        if (m_pos >= 2 && m_input[m_pos - 1].isLowSurrogate() && m_input[m_pos - 2].isHighSurrogate())
            m_pos -= 2;
        else
            m_pos -= 1;
    }
}

Lexer::State Lexer::emit(TokenType type)
{
    m_item = Token{type, m_start, m_pos - m_start, {}};
    m_start = m_pos;
    return State::Done;
}

Lexer::State Lexer::errorf(QString message)
{
    m_item = Token{TokenType::Error, m_start, 0, std::move(message)};
    m_input = m_input.first(0); // nothing more is lexed after an error
    m_start = 0;
    m_pos = 0;
    return State::Done;
}

bool Lexer::accept(QStringView valid)
{
    const char32_t r = nextRune();
    if (r != kEof && r < 0x10000 && valid.contains(QChar(char16_t(r))))
        return true;
    backup();
    return false;
}

void Lexer::acceptRun(QStringView valid)
{
    while (accept(valid)) {
    }
}

Token Lexer::next()
{
    m_item = Token{TokenType::Eof, m_pos, 0, {}};
    State state = m_insideAction ? State::InsideAction : State::Text;
    while (state != State::Done) {
        switch (state) {
        case State::Text:
            state = lexText();
            break;
        case State::LeftDelim:
            state = lexLeftDelim();
            break;
        case State::Comment:
            state = lexComment();
            break;
        case State::RightDelim:
            state = lexRightDelim();
            break;
        case State::InsideAction:
            state = lexInsideAction();
            break;
        case State::Space:
            state = lexSpace();
            break;
        case State::Identifier:
            state = lexIdentifier();
            break;
        case State::Field:
            state = lexFieldOrVariable(TokenType::Field);
            break;
        case State::Variable:
            state = atTerminator() ? emit(TokenType::Variable) : lexFieldOrVariable(TokenType::Variable);
            break;
        case State::Char:
            state = lexChar();
            break;
        case State::Number:
            state = lexNumber();
            break;
        case State::Quote:
            state = lexQuote();
            break;
        case State::RawQuote:
            state = lexRawQuote();
            break;
        case State::Done:
            break;
        }
    }
    return m_item;
}

Lexer::State Lexer::lexText()
{
    const qsizetype x = m_input.sliced(m_pos).indexOf(kLeftDelim);
    if (x >= 0) {
        if (x > 0) {
            m_pos += x;
            qsizetype trim = 0;
            if (hasLeftTrimMarker(m_input.sliced(m_pos + kLeftDelim.size())))
                trim = rightTrimLength(m_input.sliced(m_start, m_pos - m_start));
            const Token text{TokenType::Text, m_start, m_pos - trim - m_start, {}};
            ignore();
            if (text.length > 0) {
                m_item = text;
                return State::Done;
            }
        }
        return State::LeftDelim;
    }
    m_pos = m_input.size();
    if (m_pos > m_start)
        return emit(TokenType::Text);
    return emit(TokenType::Eof);
}

Lexer::State Lexer::lexLeftDelim()
{
    m_pos += kLeftDelim.size();
    const bool trimSpace = hasLeftTrimMarker(m_input.sliced(m_pos));
    const qsizetype afterMarker = trimSpace ? 2 : 0;
    if (m_input.sliced(m_pos + afterMarker).startsWith(u"/*")) {
        m_pos += afterMarker;
        ignore();
        return State::Comment;
    }
    const Token delim{TokenType::LeftDelim, m_start, m_pos - m_start, {}};
    m_insideAction = true;
    m_pos += afterMarker;
    ignore();
    m_parenDepth = 0;
    m_item = delim;
    return State::Done;
}

Lexer::State Lexer::lexComment()
{
    m_pos += 2;
    const qsizetype x = m_input.sliced(m_pos).indexOf(u"*/");
    if (x < 0)
        return errorf(u"unclosed comment"_s);
    m_pos += x + 2;
    bool trimSpace = false;
    if (!atRightDelim(&trimSpace))
        return errorf(u"comment ends before closing delimiter"_s);
    if (trimSpace)
        m_pos += 2;
    m_pos += kRightDelim.size();
    if (trimSpace)
        m_pos += leftTrimLength(m_input.sliced(m_pos));
    ignore();
    return State::Text;
}

Lexer::State Lexer::lexRightDelim()
{
    bool trimSpace = false;
    atRightDelim(&trimSpace);
    if (trimSpace) {
        m_pos += 2;
        ignore();
    }
    m_pos += kRightDelim.size();
    const Token delim{TokenType::RightDelim, m_start, m_pos - m_start, {}};
    ignore();
    if (trimSpace) {
        m_pos += leftTrimLength(m_input.sliced(m_pos));
        ignore();
    }
    m_insideAction = false;
    m_item = delim;
    return State::Done;
}

bool Lexer::atRightDelim(bool* trimSpaces) const
{
    const QStringView rest = m_input.sliced(m_pos);
    if (hasRightTrimMarker(rest) && rest.sliced(2).startsWith(kRightDelim)) {
        if (trimSpaces)
            *trimSpaces = true;
        return true;
    }
    if (trimSpaces)
        *trimSpaces = false;
    return rest.startsWith(kRightDelim);
}

Lexer::State Lexer::lexInsideAction()
{
    if (atRightDelim()) {
        if (m_parenDepth == 0)
            return State::RightDelim;
        return errorf(u"unclosed left paren"_s);
    }
    const char32_t r = nextRune();
    if (r == kEof)
        return errorf(u"unclosed action"_s);
    if (isSpace(r)) {
        backup(); // the space may start " -}}"
        return State::Space;
    }
    switch (r) {
    case U'=':
        return emit(TokenType::Assign);
    case U':':
        if (nextRune() != U'=')
            return errorf(u"expected :="_s);
        return emit(TokenType::Declare);
    case U'|':
        return emit(TokenType::Pipe);
    case U'"':
        return State::Quote;
    case U'`':
        return State::RawQuote;
    case U'$':
        return State::Variable;
    case U'\'':
        return State::Char;
    case U'.':
        if (m_pos < m_input.size() && (m_input[m_pos] < u'0' || m_input[m_pos] > u'9'))
            return State::Field;
        backup();
        return State::Number;
    case U'(':
        ++m_parenDepth;
        return emit(TokenType::LeftParen);
    case U')':
        --m_parenDepth;
        if (m_parenDepth < 0)
            return errorf(u"unexpected right paren"_s);
        return emit(TokenType::RightParen);
    default:
        break;
    }
    if (r == U'+' || r == U'-' || (r >= U'0' && r <= U'9')) {
        backup();
        return State::Number;
    }
    if (isAlphaNumeric(r)) {
        backup();
        return State::Identifier;
    }
    if (r <= 0x7F && GoQuote::isPrint(r))
        return emit(TokenType::Char);
    return errorf(u"unrecognized character in action: "_s + describeRune(r));
}

Lexer::State Lexer::lexSpace()
{
    int spaces = 0;
    while (isSpace(peekRune())) {
        nextRune();
        ++spaces;
    }
    // A trim-marked right delimiter starts with a space; leave that space to the delimiter.
    if (hasRightTrimMarker(m_input.sliced(m_pos - 1)) && m_input.sliced(m_pos + 1).startsWith(kRightDelim)) {
        backup();
        if (spaces == 1)
            return State::RightDelim;
    }
    return emit(TokenType::Space);
}

Lexer::State Lexer::lexIdentifier()
{
    char32_t r = 0;
    do {
        r = nextRune();
    } while (isAlphaNumeric(r));
    backup();
    if (!atTerminator())
        return errorf(u"bad character "_s + describeRune(r));
    const QStringView word = m_input.sliced(m_start, m_pos - m_start);
    const TokenType type = keyword(word);
    if (type != TokenType::Identifier)
        return emit(type);
    if (word == u"true" || word == u"false")
        return emit(TokenType::Bool);
    return emit(TokenType::Identifier);
}

Lexer::State Lexer::lexFieldOrVariable(TokenType type)
{
    if (atTerminator())
        return emit(type == TokenType::Variable ? TokenType::Variable : TokenType::Dot);
    char32_t r = 0;
    do {
        r = nextRune();
    } while (isAlphaNumeric(r));
    backup();
    if (!atTerminator())
        return errorf(u"bad character "_s + describeRune(r));
    return emit(type);
}

bool Lexer::atTerminator()
{
    const char32_t r = peekRune();
    if (isSpace(r))
        return true;
    switch (r) {
    case kEof:
    case U'.':
    case U',':
    case U'|':
    case U':':
    case U')':
    case U'(':
        return true;
    default:
        break;
    }
    return m_input.sliced(m_pos).startsWith(kRightDelim);
}

Lexer::State Lexer::lexChar()
{
    for (;;) {
        const char32_t r = nextRune();
        if (r == U'\\') {
            const char32_t escaped = nextRune();
            if (escaped != kEof && escaped != U'\n')
                continue;
            return errorf(u"unterminated character constant"_s);
        }
        if (r == kEof || r == U'\n')
            return errorf(u"unterminated character constant"_s);
        if (r == U'\'')
            break;
    }
    return emit(TokenType::CharConstant);
}

bool Lexer::scanNumber()
{
    accept(u"+-");
    QStringView digits = u"0123456789_";
    if (accept(u"0")) {
        if (accept(u"xX"))
            digits = u"0123456789abcdefABCDEF_";
        else if (accept(u"oO"))
            digits = u"01234567_";
        else if (accept(u"bB"))
            digits = u"01_";
    }
    acceptRun(digits);
    if (accept(u"."))
        acceptRun(digits);
    if (digits.size() == 11 && accept(u"eE")) {
        accept(u"+-");
        acceptRun(u"0123456789_");
    }
    if (digits.size() == 23 && accept(u"pP")) {
        accept(u"+-");
        acceptRun(u"0123456789_");
    }
    accept(u"i");
    if (isAlphaNumeric(peekRune())) {
        nextRune();
        return false;
    }
    return true;
}

Lexer::State Lexer::lexNumber()
{
    auto bad = [this] {
        return errorf(u"bad number syntax: "_s + GoQuote::quote(m_input.sliced(m_start, m_pos - m_start)));
    };
    if (!scanNumber())
        return bad();
    const char32_t sign = peekRune();
    if (sign == U'+' || sign == U'-') {
        if (!scanNumber() || m_input[m_pos - 1] != u'i')
            return bad();
        return emit(TokenType::Complex);
    }
    return emit(TokenType::Number);
}

Lexer::State Lexer::lexQuote()
{
    for (;;) {
        const char32_t r = nextRune();
        if (r == U'\\') {
            const char32_t escaped = nextRune();
            if (escaped != kEof && escaped != U'\n')
                continue;
            return errorf(u"unterminated quoted string"_s);
        }
        if (r == kEof || r == U'\n')
            return errorf(u"unterminated quoted string"_s);
        if (r == U'"')
            break;
    }
    return emit(TokenType::String);
}

Lexer::State Lexer::lexRawQuote()
{
    for (;;) {
        const char32_t r = nextRune();
        if (r == kEof)
            return errorf(u"unterminated raw quoted string"_s);
        if (r == U'`')
            break;
    }
    return emit(TokenType::RawString);
}

} // namespace lbdeck::tmpl
