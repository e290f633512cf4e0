// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "GoPrinter.h"

#include "FloatFormat.h"
#include "GoQuote.h"
#include "GoString.h"

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

constexpr char16_t kLowerDigits[] = u"0123456789abcdefx";
constexpr char16_t kUpperDigits[] = u"0123456789ABCDEFX";
constexpr int kMaxNumber = 1000000; // fmt's tooLarge: wider widths are reported, not allocated

qsizetype runeCount(QStringView s)
{
    qsizetype n = 0;
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (!(s[i].isLowSurrogate() && i > 0 && s[i - 1].isHighSurrogate()))
            ++n;
    }
    return n;
}

QStringView hexPrefix(const char16_t* digits)
{
    return digits[16] == u'X' ? QStringView(u"0X") : QStringView(u"0x");
}

// fmt's parsenum: a run of digits, refused when it grows past a million.
bool parseNumber(QStringView s, qsizetype& i, qsizetype end, int& num)
{
    num = 0;
    bool isNum = false;
    for (; i < end && s[i] >= u'0' && s[i] <= u'9'; ++i) {
        if (num > kMaxNumber) {
            num = 0;
            i = end;
            return false;
        }
        num = num * 10 + (s[i].unicode() - u'0');
        isNum = true;
    }
    return isNum;
}

} // namespace

void GoPrinter::writePadding(qsizetype n)
{
    if (n > 0)
        m_out.append(QString(n, m_f.zero ? u'0' : u' '));
}

void GoPrinter::pad(QStringView s)
{
    if (!m_f.widPresent || m_f.wid == 0) {
        m_out.append(s);
        return;
    }
    const qsizetype width = m_f.wid - runeCount(s);
    if (!m_f.minus) {
        writePadding(width);
        m_out.append(s);
    } else {
        m_out.append(s);
        writePadding(width);
    }
}

QStringView GoPrinter::truncate(QStringView s) const
{
    if (!m_f.precPresent)
        return s;
    qsizetype runes = 0;
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (s[i].isLowSurrogate() && i > 0 && s[i - 1].isHighSurrogate())
            continue;
        if (runes == m_f.prec)
            return s.first(i);
        ++runes;
    }
    return s;
}

void GoPrinter::badVerb(const Value& v, char32_t verb)
{
    m_out.append(u"%!");
    GoQuote::appendRune(m_out, verb);
    m_out.append(u'(');
    if (v.isNil()) {
        m_out.append(u"<nil>");
    } else {
        m_out.append(v.typeName());
        m_out.append(u'=');
        printValue(v, U'v', 0);
    }
    m_out.append(u')');
}

void GoPrinter::fmtInteger(quint64 u, int base, bool isSigned, char32_t verb, const char16_t* digits)
{
    const bool negative = isSigned && qint64(u) < 0;
    if (negative)
        u = 0 - u;
    int prec = 0;
    if (m_f.precPresent) {
        prec = m_f.prec;
        if (prec == 0 && u == 0) {
            const bool oldZero = m_f.zero;
            m_f.zero = false;
            writePadding(m_f.wid);
            m_f.zero = oldZero;
            return;
        }
    } else if (m_f.zero && !m_f.minus && m_f.widPresent) {
        prec = m_f.wid;
        if (negative || m_f.plus || m_f.space)
            --prec;
    }
    QString buf;
    do {
        buf.prepend(QChar(digits[u % quint64(base)]));
        u /= quint64(base);
    } while (u != 0);
    if (buf.size() < prec)
        buf.prepend(QString(prec - buf.size(), u'0'));
    if (m_f.sharp) {
        if (base == 2)
            buf.prepend(u"0b");
        else if (base == 8 && buf[0] != u'0')
            buf.prepend(u'0');
        else if (base == 16)
            buf.prepend(hexPrefix(digits));
    }
    if (verb == U'O')
        buf.prepend(u"0o");
    if (negative)
        buf.prepend(u'-');
    else if (m_f.plus)
        buf.prepend(u'+');
    else if (m_f.space)
        buf.prepend(u' ');
    const bool oldZero = m_f.zero;
    m_f.zero = false; // zero padding was done above, as precision
    pad(buf);
    m_f.zero = oldZero;
}

void GoPrinter::fmtUnicode(quint64 u)
{
    QString hex = QString::number(u, 16).toUpper();
    const int prec = m_f.precPresent && m_f.prec > 4 ? m_f.prec : 4;
    if (hex.size() < prec)
        hex.prepend(QString(prec - hex.size(), u'0'));
    QString buf = u"U+"_s + hex;
    if (m_f.sharp && u <= 0x10FFFF && GoQuote::isPrint(char32_t(u))) {
        buf.append(u" '");
        GoQuote::appendRune(buf, char32_t(u));
        buf.append(u'\'');
    }
    const bool oldZero = m_f.zero;
    m_f.zero = false;
    pad(buf);
    m_f.zero = oldZero;
}

void GoPrinter::fmtIntegerVerb(qint64 v, char32_t verb, const Value& arg)
{
    const auto u = quint64(v);
    switch (verb) {
    case U'v':
    case U'd':
        fmtInteger(u, 10, true, verb, kLowerDigits);
        break;
    case U'b':
        fmtInteger(u, 2, true, verb, kLowerDigits);
        break;
    case U'o':
    case U'O':
        fmtInteger(u, 8, true, verb, kLowerDigits);
        break;
    case U'x':
        fmtInteger(u, 16, true, verb, kLowerDigits);
        break;
    case U'X':
        fmtInteger(u, 16, true, verb, kUpperDigits);
        break;
    case U'c': {
        QString s;
        GoQuote::appendRune(s, u > 0x10FFFF ? 0xFFFD : char32_t(u));
        pad(s);
        break;
    }
    case U'q': {
        const char32_t r = u > 0x10FFFF ? 0xFFFD : char32_t(u);
        pad(GoQuote::quoteRune(r, m_f.plus));
        break;
    }
    case U'U':
        fmtUnicode(u);
        break;
    default:
        badVerb(arg, verb);
        break;
    }
}

void GoPrinter::fmtFloat(double v, char fmt, int prec)
{
    if (m_f.precPresent)
        prec = m_f.prec;
    QString num = FloatFormat::format(v, fmt, prec);
    if (num[0] != u'-' && num[0] != u'+')
        num.prepend(u'+');
    if (m_f.space && num[0] == u'+' && !m_f.plus)
        num[0] = u' ';
    if (num[1] == u'I' || num[1] == u'N') {
        const bool oldZero = m_f.zero;
        m_f.zero = false;
        if (num[1] == u'N' && !m_f.space && !m_f.plus)
            num.remove(0, 1);
        pad(num);
        m_f.zero = oldZero;
        return;
    }
    if (m_f.sharp) {
        // %#g keeps trailing zeros and always shows the decimal point.
        int digits = (fmt == 'g' || fmt == 'G') ? (prec == -1 ? 6 : prec) : 0;
        QString tail;
        const qsizetype e = num.indexOf(QLatin1Char(fmt == 'G' || fmt == 'E' ? 'E' : 'e'));
        if (e >= 0) {
            tail = num.mid(e);
            num.truncate(e);
        }
        bool sawNonzero = false;
        for (qsizetype i = 1; i < num.size(); ++i) {
            if (num[i] == u'.')
                continue;
            sawNonzero = sawNonzero || num[i] != u'0';
            if (sawNonzero)
                --digits;
        }
        if (!num.contains(u'.')) {
            if (num.size() == 2 && num[1] == u'0')
                --digits;
            num.append(u'.');
        }
        if (digits > 0)
            num.append(QString(digits, u'0'));
        num.append(tail);
    }
    if (m_f.plus || num[0] != u'+') {
        if (m_f.zero && !m_f.minus && m_f.widPresent && m_f.wid > num.size()) {
            m_out.append(num[0]);
            writePadding(m_f.wid - num.size());
            m_out.append(QStringView(num).sliced(1));
            return;
        }
        pad(num);
        return;
    }
    pad(QStringView(num).sliced(1));
}

void GoPrinter::fmtSx(const QString& s, const char16_t* digits)
{
    const QByteArray b = toGoBytes(s);
    qsizetype length = b.size();
    if (m_f.precPresent && m_f.prec < length)
        length = m_f.prec;
    qsizetype width = 2 * length;
    if (width > 0) {
        if (m_f.space) {
            if (m_f.sharp)
                width *= 2;
            width += length - 1;
        } else if (m_f.sharp) {
            width += 2;
        }
    } else {
        if (m_f.widPresent)
            writePadding(m_f.wid);
        return;
    }
    if (m_f.widPresent && m_f.wid > width && !m_f.minus)
        writePadding(m_f.wid - width);
    if (m_f.sharp)
        m_out.append(hexPrefix(digits));
    for (qsizetype i = 0; i < length; ++i) {
        if (m_f.space && i > 0) {
            m_out.append(u' ');
            if (m_f.sharp)
                m_out.append(hexPrefix(digits));
        }
        const auto c = quint8(b[i]);
        m_out.append(QChar(digits[c >> 4]));
        m_out.append(QChar(digits[c & 0xF]));
    }
    if (m_f.widPresent && m_f.wid > width && m_f.minus)
        writePadding(m_f.wid - width);
}

void GoPrinter::fmtString(const QString& s, char32_t verb, const Value& arg)
{
    switch (verb) {
    case U'v':
        if (m_f.sharpV) {
            pad(GoQuote::quote(s));
            break;
        }
        [[fallthrough]];
    case U's':
        pad(truncate(s));
        break;
    case U'x':
        fmtSx(s, kLowerDigits);
        break;
    case U'X':
        fmtSx(s, kUpperDigits);
        break;
    case U'q': {
        const QStringView t = truncate(s);
        if (m_f.sharp && GoQuote::canBackquote(t))
            pad(u"`"_s + t.toString() + u"`"_s);
        else
            pad(GoQuote::quote(t, m_f.plus));
        break;
    }
    default:
        badVerb(arg, verb);
        break;
    }
}

void GoPrinter::printArg(const Value& v, char32_t verb)
{
    if (v.isNil()) {
        if (verb == U'T' || verb == U'v')
            pad(u"<nil>");
        else
            badVerb(v, verb);
        return;
    }
    if (verb == U'T') {
        pad(v.typeName());
        return;
    }
    printValue(v, verb, 0);
}

void GoPrinter::printValue(const Value& v, char32_t verb, int depth)
{
    switch (v.kind()) {
    case Value::Kind::Nil: // a nil interface {} element of a list or map; fmt writes it unpadded
        m_out.append(m_f.sharpV ? u"interface {}(nil)" : u"<nil>");
        return;
    case Value::Kind::Bool:
        if (verb == U't' || verb == U'v')
            pad(v.toBool() ? u"true" : u"false");
        else
            badVerb(v, verb);
        return;
    case Value::Kind::Int:
        fmtIntegerVerb(v.toInt(), verb, v);
        return;
    case Value::Kind::Float:
        switch (verb) {
        case U'v':
            fmtFloat(v.toDouble(), 'g', -1);
            return;
        case U'g':
        case U'G':
            fmtFloat(v.toDouble(), char(verb), -1);
            return;
        case U'f':
        case U'F':
            fmtFloat(v.toDouble(), 'f', 6);
            return;
        case U'e':
        case U'E':
            fmtFloat(v.toDouble(), char(verb), 6);
            return;
        default:
            badVerb(v, verb);
            return;
        }
    case Value::Kind::String:
        fmtString(v.toString(), verb, v);
        return;
    case Value::Kind::List: {
        // %#v writes Go syntax: []string{"a", "b"}.
        const QStringView separator = m_f.sharpV ? QStringView(u", ") : QStringView(u" ");
        m_out.append(m_f.sharpV ? v.typeName() + u'{' : u"["_s);
        for (qsizetype i = 0; i < v.size(); ++i) {
            if (i > 0)
                m_out.append(separator);
            printValue(v.at(i), verb, depth + 1);
        }
        m_out.append(m_f.sharpV ? u'}' : u']');
        return;
    }
    case Value::Kind::Map: {
        const QStringView separator = m_f.sharpV ? QStringView(u", ") : QStringView(u" ");
        m_out.append(m_f.sharpV ? v.typeName() + u'{' : u"map["_s);
        bool first = true;
        for (const Value::Entry& e : v.entries()) {
            if (!first)
                m_out.append(separator);
            first = false;
            printValue(Value(e.first), verb, depth + 1);
            m_out.append(u':');
            printValue(e.second, verb, depth + 1);
        }
        m_out.append(m_f.sharpV ? u'}' : u']');
        return;
    }
    case Value::Kind::KVPair:
        if (m_f.sharpV)
            m_out.append(v.typeName());
        m_out.append(u'{');
        if (m_f.plusV || m_f.sharpV)
            m_out.append(u"Key:");
        printValue(Value(v.kvKey()), verb, depth + 1);
        m_out.append(m_f.sharpV ? QStringView(u", ") : QStringView(u" "));
        if (m_f.plusV || m_f.sharpV)
            m_out.append(u"Value:");
        printValue(Value(v.kvValue()), verb, depth + 1);
        m_out.append(u'}');
        return;
    }
}

void GoPrinter::doPrintf(QStringView format, std::span<const Value> args)
{
    const qsizetype end = format.size();
    const auto numArgs = qsizetype(args.size());
    qsizetype argNum = 0;
    bool reordered = false;
    bool goodArgNum = true;
    // Go's argNumber: an explicit "[n]" argument index.
    auto argNumber = [&](qsizetype& i) {
        if (i >= end || format[i] != u'[')
            return false;
        reordered = true;
        qsizetype close = i + 1;
        while (close < end && format[close] != u']')
            ++close;
        if (end - i < 3 || close >= end) {
            ++i;
            goodArgNum = false;
            return false;
        }
        qsizetype j = i + 1;
        int index = 0;
        const bool ok = parseNumber(format, j, close, index) && j == close;
        i = close + 1;
        if (ok && index - 1 >= 0 && index - 1 < numArgs) {
            argNum = index - 1;
            return true;
        }
        goodArgNum = false;
        return ok;
    };
    auto intFromArg = [&](int& num) {
        bool isInt = false;
        if (argNum < numArgs) {
            const Value& a = args[std::size_t(argNum)];
            isInt = a.kind() == Value::Kind::Int && a.toInt() <= kMaxNumber && a.toInt() >= -kMaxNumber;
            num = isInt ? int(a.toInt()) : 0;
            ++argNum;
        }
        return isInt;
    };

    for (qsizetype i = 0; i < end;) {
        goodArgNum = true;
        const qsizetype last = i;
        while (i < end && format[i] != u'%')
            ++i;
        if (i > last)
            m_out.append(format.sliced(last, i - last));
        if (i >= end)
            break;
        ++i;
        clearFlags();
        bool simple = false;
        for (; i < end; ++i) {
            const char16_t c = format[i].unicode();
            if (c == u'#') {
                m_f.sharp = true;
            } else if (c == u'0') {
                m_f.zero = !m_f.minus;
            } else if (c == u'+') {
                m_f.plus = true;
            } else if (c == u'-') {
                m_f.minus = true;
                m_f.zero = false;
            } else if (c == u' ') {
                m_f.space = true;
            } else {
                if (c >= u'a' && c <= u'z' && argNum < numArgs) {
                    if (c == u'v') {
                        m_f.sharpV = std::exchange(m_f.sharp, false);
                        m_f.plusV = std::exchange(m_f.plus, false);
                    }
                    printArg(args[std::size_t(argNum++)], c);
                    ++i;
                    simple = true;
                }
                break;
            }
        }
        if (simple)
            continue;

        bool afterIndex = argNumber(i);
        if (i < end && format[i] == u'*') {
            ++i;
            m_f.widPresent = intFromArg(m_f.wid);
            if (!m_f.widPresent)
                m_out.append(u"%!(BADWIDTH)");
            if (m_f.wid < 0) {
                m_f.wid = -m_f.wid;
                m_f.minus = true;
                m_f.zero = false;
            }
            afterIndex = false;
        } else {
            m_f.widPresent = parseNumber(format, i, end, m_f.wid);
            if (afterIndex && m_f.widPresent)
                goodArgNum = false;
        }
        if (i + 1 < end && format[i] == u'.') {
            ++i;
            if (afterIndex)
                goodArgNum = false;
            afterIndex = argNumber(i);
            if (i < end && format[i] == u'*') {
                ++i;
                m_f.precPresent = intFromArg(m_f.prec);
                if (m_f.prec < 0) {
                    m_f.prec = 0;
                    m_f.precPresent = false;
                }
                if (!m_f.precPresent)
                    m_out.append(u"%!(BADPREC)");
                afterIndex = false;
            } else {
                m_f.precPresent = parseNumber(format, i, end, m_f.prec);
                if (!m_f.precPresent) {
                    m_f.prec = 0;
                    m_f.precPresent = true;
                }
            }
        }
        if (!afterIndex)
            argNumber(i);
        if (i >= end) {
            m_out.append(u"%!(NOVERB)");
            break;
        }
        char32_t verb = format[i].unicode();
        if (format[i].isHighSurrogate() && i + 1 < end && format[i + 1].isLowSurrogate()) {
            verb = QChar::surrogateToUcs4(format[i], format[i + 1]);
            ++i;
        }
        ++i;
        if (verb == U'%') {
            m_out.append(u'%');
        } else if (!goodArgNum || argNum >= numArgs) {
            m_out.append(u"%!");
            GoQuote::appendRune(m_out, verb);
            m_out.append(goodArgNum ? u"(MISSING)" : u"(BADINDEX)");
        } else {
            if (verb == U'v') {
                m_f.sharpV = std::exchange(m_f.sharp, false);
                m_f.plusV = std::exchange(m_f.plus, false);
            }
            printArg(args[std::size_t(argNum++)], verb);
        }
    }
    if (!reordered && argNum < numArgs) {
        clearFlags();
        m_out.append(u"%!(EXTRA ");
        for (qsizetype k = argNum; k < numArgs; ++k) {
            const Value& a = args[std::size_t(k)];
            if (k > argNum)
                m_out.append(u", ");
            if (a.isNil()) {
                m_out.append(u"<nil>");
            } else {
                m_out.append(a.typeName());
                m_out.append(u'=');
                printArg(a, U'v');
            }
        }
        m_out.append(u')');
    }
}

} // namespace lbdeck::tmpl
