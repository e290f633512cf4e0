// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "GoQuote.h"

#include "GoString.h"

namespace lbdeck::tmpl {

namespace {

void appendHex(QString& out, quint32 v, int digits)
{
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        out.append(QChar(u"0123456789abcdef"[(v >> shift) & 0xF]));
}

// strconv's appendEscapedRune.
void appendEscapedRune(QString& out, char32_t r, char16_t quote, bool asciiOnly)
{
    if (r == quote || r == U'\\') {
        out.append(u'\\');
        GoQuote::appendRune(out, r);
        return;
    }
    if (asciiOnly ? (r < 0x80 && GoQuote::isPrint(r)) : GoQuote::isPrint(r)) {
        GoQuote::appendRune(out, r);
        return;
    }
    switch (r) {
    case U'\a':
        out.append(u"\\a");
        return;
    case U'\b':
        out.append(u"\\b");
        return;
    case U'\f':
        out.append(u"\\f");
        return;
    case U'\n':
        out.append(u"\\n");
        return;
    case U'\r':
        out.append(u"\\r");
        return;
    case U'\t':
        out.append(u"\\t");
        return;
    case U'\v':
        out.append(u"\\v");
        return;
    default:
        break;
    }
    if (r < U' ' || r == 0x7F) {
        out.append(u"\\x");
        appendHex(out, r, 2);
    } else if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) {
        out.append(u"\\ufffd");
    } else if (r < 0x10000) {
        out.append(u"\\u");
        appendHex(out, r, 4);
    } else {
        out.append(u"\\U");
        appendHex(out, r, 8);
    }
}

} // namespace

void GoQuote::appendRune(QString& out, char32_t r)
{
    if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        r = 0xFFFD;
    if (QChar::requiresSurrogates(r)) {
        out.append(QChar(QChar::highSurrogate(r)));
        out.append(QChar(QChar::lowSurrogate(r)));
    } else {
        out.append(QChar(char16_t(r)));
    }
}

QString GoQuote::quote(QStringView s, bool asciiOnly)
{
    QString out;
    out.reserve(s.size() + 2);
    out.append(u'"');
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (isRawByte(s[i].unicode())) { // a byte of invalid UTF-8: strconv writes \xNN
            out.append(u"\\x");
            appendHex(out, quint8(rawByteOf(s[i].unicode())), 2);
            continue;
        }
        char32_t r = s[i].unicode();
        if (s[i].isHighSurrogate() && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
            r = QChar::surrogateToUcs4(s[i], s[i + 1]);
            ++i;
        }
        appendEscapedRune(out, r, u'"', asciiOnly);
    }
    out.append(u'"');
    return out;
}

QString GoQuote::quoteRune(char32_t r, bool asciiOnly)
{
    if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        r = 0xFFFD;
    QString out(u'\'');
    appendEscapedRune(out, r, u'\'', asciiOnly);
    out.append(u'\'');
    return out;
}

bool GoQuote::canBackquote(QStringView s)
{
    for (QChar c : s) {
        const char16_t u = c.unicode();
        // A raw byte is Go's one-byte utf8.RuneError; a real U+FFFD can be backquoted.
        if (u == 0xFEFF || isRawByte(u) || (u < u' ' && u != u'\t') || u == u'`' || u == 0x7F)
            return false;
    }
    return true;
}

bool GoQuote::isPrint(char32_t r)
{
    if (r == U' ')
        return true;
    if (r > 0x10FFFF)
        return false;
    switch (QChar::category(r)) {
    case QChar::Letter_Uppercase:
    case QChar::Letter_Lowercase:
    case QChar::Letter_Titlecase:
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Mark_Enclosing:
    case QChar::Number_DecimalDigit:
    case QChar::Number_Letter:
    case QChar::Number_Other:
    case QChar::Punctuation_Connector:
    case QChar::Punctuation_Dash:
    case QChar::Punctuation_Open:
    case QChar::Punctuation_Close:
    case QChar::Punctuation_InitialQuote:
    case QChar::Punctuation_FinalQuote:
    case QChar::Punctuation_Other:
    case QChar::Symbol_Math:
    case QChar::Symbol_Currency:
    case QChar::Symbol_Modifier:
    case QChar::Symbol_Other:
        return true;
    default:
        return false;
    }
}
} // namespace lbdeck::tmpl
