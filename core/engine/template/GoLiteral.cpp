// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "GoLiteral.h"

#include "GoQuote.h"
#include "GoString.h"
#include "Node.h"
#include "Value.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

// UTF-8 of r by hand: QString::fromUcs4 would drop a U+FEFF as a byte order mark. A unit that stands
// for a raw byte of the template text (GoString.h) is that byte.
void appendUtf8(QByteArray& out, char32_t r)
{
    if (r <= 0xFFFF && isRawByte(char16_t(r))) {
        out += rawByteOf(char16_t(r));
    } else if (r < 0x80) {
        out += char(r);
    } else if (r < 0x800) {
        out += char(0xC0 | (r >> 6));
        out += char(0x80 | (r & 0x3F));
    } else if (r < 0x10000) {
        out += char(0xE0 | (r >> 12));
        out += char(0x80 | ((r >> 6) & 0x3F));
        out += char(0x80 | (r & 0x3F));
    } else {
        out += char(0xF0 | (r >> 18));
        out += char(0x80 | ((r >> 12) & 0x3F));
        out += char(0x80 | ((r >> 6) & 0x3F));
        out += char(0x80 | (r & 0x3F));
    }
}

// strconv.UnquoteChar: one possibly escaped character at the start of s. A \x or octal escape is a raw
// byte (isByte), anything else a code point.
bool unquoteChar(QStringView& s, char16_t quote, char32_t& value, bool& isByte)
{
    isByte = false;
    const QChar c = s[0];
    if (c == quote && (quote == u'\'' || quote == u'"'))
        return false;
    if (c != u'\\') {
        if (c.isHighSurrogate() && s.size() > 1 && s[1].isLowSurrogate()) {
            value = QChar::surrogateToUcs4(c, s[1]);
            s = s.sliced(2);
        } else {
            value = c.unicode();
            s = s.sliced(1);
        }
        return true;
    }
    if (s.size() <= 1)
        return false;
    const QChar e = s[1];
    s = s.sliced(2);
    switch (e.unicode()) {
    case u'a':
        value = U'\a';
        return true;
    case u'b':
        value = U'\b';
        return true;
    case u'f':
        value = U'\f';
        return true;
    case u'n':
        value = U'\n';
        return true;
    case u'r':
        value = U'\r';
        return true;
    case u't':
        value = U'\t';
        return true;
    case u'v':
        value = U'\v';
        return true;
    case u'\\':
        value = U'\\';
        return true;
    case u'\'':
    case u'"':
        value = e.unicode();
        return e == quote;
    case u'x':
    case u'u':
    case u'U': {
        const int n = e == u'x' ? 2 : e == u'u' ? 4 : 8;
        if (s.size() < n)
            return false;
        char32_t v = 0;
        for (int j = 0; j < n; ++j) {
            const int h = hexValue(s[j]);
            if (h < 0)
                return false;
            v = (v << 4) | char32_t(h);
        }
        s = s.sliced(n);
        if (e == u'x') {
            value = v;
            isByte = true;
            return true;
        }
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            return false;
        value = v;
        return true;
    }
    case u'0':
    case u'1':
    case u'2':
    case u'3':
    case u'4':
    case u'5':
    case u'6':
    case u'7': {
        char32_t v = e.unicode() - u'0';
        if (s.size() < 2)
            return false;
        for (int j = 0; j < 2; ++j) {
            const char16_t d = s[j].unicode();
            if (d < u'0' || d > u'7')
                return false;
            v = (v << 3) | char32_t(d - u'0');
        }
        s = s.sliced(2);
        if (v > 255)
            return false;
        value = v;
        isByte = true;
        return true;
    }
    default:
        return false;
    }
}

bool lowerIs(QChar c, char16_t lower)
{
    return c.toLower().unicode() == lower;
}

// strconv's underscoreOK: "_" only between digits, or right after a base prefix.
bool underscoreOK(QStringView s)
{
    char saw = '^';
    qsizetype i = 0;
    if (!s.isEmpty() && (s[0] == u'-' || s[0] == u'+'))
        s = s.sliced(1);
    bool hex = false;
    if (s.size() >= 2 && s[0] == u'0' &&
        (lowerIs(s[1], u'b') || lowerIs(s[1], u'o') || lowerIs(s[1], u'x'))) {
        i = 2;
        saw = '0';
        hex = lowerIs(s[1], u'x');
    }
    for (; i < s.size(); ++i) {
        const QChar c = s[i];
        if ((c >= u'0' && c <= u'9') || (hex && hexValue(c) >= 0)) {
            saw = '0';
            continue;
        }
        if (c == u'_') {
            if (saw != '0')
                return false;
            saw = '_';
            continue;
        }
        if (saw == '_')
            return false;
        saw = '!';
    }
    return saw != '_';
}

// strconv.ParseUint(s, 0, 64) on an unsigned text with the underscores removed.
bool parseUnsigned(QStringView s, quint64& out)
{
    if (s.isEmpty())
        return false;
    int base = 10;
    if (s[0] == u'0') {
        if (s.size() >= 3 && lowerIs(s[1], u'b')) {
            base = 2;
            s = s.sliced(2);
        } else if (s.size() >= 3 && lowerIs(s[1], u'o')) {
            base = 8;
            s = s.sliced(2);
        } else if (s.size() >= 3 && lowerIs(s[1], u'x')) {
            base = 16;
            s = s.sliced(2);
        } else {
            base = 8;
            s = s.sliced(1);
        }
    }
    quint64 n = 0;
    for (QChar c : s) {
        const int d = hexValue(c);
        if (d < 0 || d >= base)
            return false;
        if (n > (~quint64(0) - quint64(d)) / quint64(base))
            return false; // out of range
        n = n * quint64(base) + quint64(d);
    }
    out = n;
    return true;
}

// strconv.ParseFloat(s, 64), decimal or hexadecimal ("0x1.8p3"); out of range is a failure.
bool parseFloat(QStringView s, double& out)
{
    bool negative = false;
    if (!s.isEmpty() && (s[0] == u'+' || s[0] == u'-')) {
        negative = s[0] == u'-';
        s = s.sliced(1);
    }
    std::string text = s.toString().toStdString();
    auto format = std::chars_format::general;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        if (text.find_first_of("pP") == std::string::npos)
            return false; // Go requires the p exponent of a hexadecimal float
        text = text.substr(2);
        format = std::chars_format::hex;
    }
    if (text.empty())
        return false;
    double v = 0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), v, format);
    if (res.ec != std::errc() || res.ptr != text.data() + text.size())
        return false;
    out = negative ? -v : v;
    return true;
}

bool isHexInt(QStringView s)
{
    return s.size() > 2 && s[0] == u'0' && (s[1] == u'x' || s[1] == u'X') && !s.contains(u'p') &&
           !s.contains(u'P');
}

} // namespace

std::optional<QString> GoLiteral::unquote(QStringView quoted)
{
    if (quoted.size() < 2)
        return std::nullopt;
    const QChar quote = quoted[0];
    QStringView body = quoted.sliced(1, quoted.size() - 2);
    if (quote == u'`') {
        if (body.contains(u'`'))
            return std::nullopt;
        QString raw = body.toString();
        raw.remove(u'\r'); // Go drops carriage returns from raw strings
        return raw;
    }
    if (quote != u'"' || quoted.back() != quote)
        return std::nullopt;
    QByteArray bytes;
    while (!body.isEmpty()) {
        char32_t value = 0;
        bool isByte = false;
        if (body[0] == u'\n' || !unquoteChar(body, u'"', value, isByte))
            return std::nullopt;
        if (isByte)
            bytes.append(char(value));
        else
            appendUtf8(bytes, value);
    }
    return fromGoBytes(bytes);
}

QString GoLiteral::parseNumber(NumberNode& n, bool charConstant)
{
    const QString& text = n.text;
    if (charConstant) {
        QStringView body = QStringView(text).sliced(1);
        char32_t value = 0;
        bool isByte = false;
        if (body.isEmpty() || !unquoteChar(body, u'\'', value, isByte))
            return u"invalid syntax"_s;
        if (body != u"'")
            return u"malformed character constant: "_s + text;
        n.isChar = n.isInt = n.isUint = n.isFloat = true;
        n.intValue = qint64(value);
        n.floatValue = double(value);
        return {};
    }
    if (text.endsWith(u'i'))
        return u"complex numbers are not supported: "_s + text;
    QString digits = text;
    if (digits.contains(u'_')) {
        if (!underscoreOK(text))
            return u"illegal number syntax: "_s + GoQuote::quote(text);
        digits.remove(u'_');
    }
    const bool negative = digits.startsWith(u'-');
    const QStringView magnitude =
        QStringView(digits).sliced(digits.startsWith(u'-') || digits.startsWith(u'+'));
    quint64 u = 0;
    if (parseUnsigned(magnitude, u)) {
        const bool signedText = digits.startsWith(u'-') || digits.startsWith(u'+');
        n.isUint = !signedText || u == 0;
        if (!negative && u <= quint64(std::numeric_limits<qint64>::max())) {
            n.isInt = true;
            n.intValue = qint64(u);
        } else if (negative && u <= quint64(std::numeric_limits<qint64>::max()) + 1) {
            n.isInt = true;
            n.intValue = qint64(0 - u);
        }
    }
    if (n.isInt) {
        n.isFloat = true;
        n.floatValue = double(n.intValue);
    } else if (n.isUint) {
        n.isFloat = true;
        n.floatValue = double(u);
    } else {
        double f = 0;
        if (parseFloat(digits, f)) {
            if (!text.contains(u'.') && !text.contains(u'e', Qt::CaseInsensitive) &&
                !text.contains(u'p', Qt::CaseInsensitive))
                return u"integer overflow: "_s + GoQuote::quote(text);
            n.isFloat = true;
            n.floatValue = f;
            if (f >= -9.2233720368547758e18 && f < 9.2233720368547758e18 && double(qint64(f)) == f) {
                n.isInt = true;
                n.intValue = qint64(f);
            }
            if (f >= 0 && f < 1.8446744073709552e19 && double(quint64(f)) == f)
                n.isUint = true;
        }
    }
    if (!n.isInt && !n.isUint && !n.isFloat)
        return u"illegal number syntax: "_s + GoQuote::quote(text);
    return {};
}

QString GoLiteral::idealConstant(const NumberNode& number, Value& out)
{
    const QString& text = number.text;
    const bool looksFloat = text.contains(u'.') || text.contains(u'e', Qt::CaseInsensitive) ||
                            text.contains(u'p', Qt::CaseInsensitive);
    if (number.isFloat && !isHexInt(text) && !number.isChar && looksFloat) {
        out = Value(number.floatValue);
        return {};
    }
    if (number.isInt) {
        out = Value(number.intValue);
        return {};
    }
    if (number.isUint)
        return text + u" overflows int"_s;
    out = Value();
    return {};
}

QString GoLiteral::argument(const Node& n, ArgType type, Value& out)
{
    switch (type) {
    case ArgType::Int:
        if (n.type == NodeType::Number && static_cast<const NumberNode&>(n).isInt) {
            out = Value(static_cast<const NumberNode&>(n).intValue);
            return {};
        }
        return u"expected integer; found "_s + n.toString();
    case ArgType::String:
        if (n.type == NodeType::String) {
            out = Value(static_cast<const StringNode&>(n).text);
            return {};
        }
        return u"expected string; found "_s + n.toString();
    case ArgType::Any:
        switch (n.type) {
        case NodeType::Bool:
            out = Value(static_cast<const BoolNode&>(n).value);
            return {};
        case NodeType::Number:
            return idealConstant(static_cast<const NumberNode&>(n), out);
        case NodeType::String:
            out = Value(static_cast<const StringNode&>(n).text);
            return {};
        default:
            return u"can't handle assignment of %1 to empty interface argument"_s.arg(n.toString());
        }
    default:
        return u"can't handle %1 for arg of type %2"_s.arg(n.toString(), Functions::typeName(type));
    }
}

} // namespace lbdeck::tmpl
