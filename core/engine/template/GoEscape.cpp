// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "GoEscape.h"

#include "GoQuote.h"
#include "GoString.h"

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

constexpr char16_t kUpperHex[] = u"0123456789ABCDEF";

} // namespace

// Go's HTMLEscape: the five HTML specials become entities, NUL becomes U+FFFD.
QString GoEscape::html(QStringView s)
{
    QString out;
    out.reserve(s.size());
    for (const QChar c : s) {
        switch (c.unicode()) {
        case u'\0':
            out += u'\uFFFD';
            break;
        case u'"':
            out += u"&#34;";
            break;
        case u'\'':
            out += u"&#39;";
            break;
        case u'&':
            out += u"&amp;";
            break;
        case u'<':
            out += u"&lt;";
            break;
        case u'>':
            out += u"&gt;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// Go's JSEscape: quotes, backslash, <, >, & and = are escaped, other ASCII controls become \u00XX,
// and a code point that unicode.IsPrint rejects becomes \uXXXX (%04X, so more digits above U+FFFF).
// An invalid byte decodes as U+FFFD, which is printable, so it is written through unchanged.
QString GoEscape::js(QStringView s)
{
    QString out;
    out.reserve(s.size());
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t c = s[i].unicode();
        if (c < 0x80) {
            switch (c) {
            case u'\\':
                out += u"\\\\";
                break;
            case u'\'':
                out += u"\\'";
                break;
            case u'"':
                out += u"\\\"";
                break;
            case u'<':
                out += u"\\u003C";
                break;
            case u'>':
                out += u"\\u003E";
                break;
            case u'&':
                out += u"\\u0026";
                break;
            case u'=':
                out += u"\\u003D";
                break;
            default:
                if (c < u' ') {
                    out += u"\\u00";
                    out += QChar(kUpperHex[c >> 4]);
                    out += QChar(kUpperHex[c & 0xF]);
                } else {
                    out += QChar(c);
                }
            }
            continue;
        }
        if (isRawByte(c)) {
            out += QChar(c);
            continue;
        }
        char32_t r = c;
        qsizetype width = 1;
        if (QChar::isHighSurrogate(c) && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
            r = QChar::surrogateToUcs4(c, s[i + 1].unicode());
            width = 2;
        }
        if (GoQuote::isPrint(r))
            out += s.sliced(i, width);
        else
            out += u"\\u"_s + QString::number(quint32(r), 16).toUpper().rightJustified(4, u'0');
        i += width - 1;
    }
    return out;
}

// Go's url.QueryEscape: bytes other than ASCII letters, digits and -_.~ become %XX; space becomes +.
QString GoEscape::urlQuery(QStringView s)
{
    const QByteArray bytes = toGoBytes(s);
    QString out;
    out.reserve(bytes.size());
    for (const char ch : bytes) {
        const auto b = quint8(ch);
        const bool unreserved = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                                b == '-' || b == '_' || b == '.' || b == '~';
        if (unreserved) {
            out += QChar(char16_t(b));
        } else if (b == ' ') {
            out += u'+';
        } else {
            out += u'%';
            out += QChar(kUpperHex[b >> 4]);
            out += QChar(kUpperHex[b & 0xF]);
        }
    }
    return out;
}

} // namespace lbdeck::tmpl
