// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "FloatFormat.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

// A decimal 0.d[0]d[1]... x 10^dp, as strconv's decimalSlice; zero has no digits.
struct Digits
{
    std::string d;
    int dp = 0;
    int nd() const { return int(d.size()); }
};

// to_chars rounds exactly like strconv (correctly, ties to even), so it yields Go's digits.
Digits toDigits(double a, int significant)
{
    char buf[1100];
    const auto res = significant < 0 ? std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific)
                                     : std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific,
                                                     significant - 1);
    const std::string text(buf, res.ptr);
    Digits out;
    const auto e = text.find('e');
    for (std::size_t i = 0; i < e; ++i) {
        if (text[i] != '.')
            out.d.push_back(text[i]);
    }
    out.dp = std::stoi(text.substr(e + 1)) + 1;
    while (!out.d.empty() && out.d.back() == '0')
        out.d.pop_back();
    if (out.d.empty())
        out.dp = 0;
    return out;
}

void appendE(std::string& dst, const Digits& digs, int prec, char fmt)
{
    dst.push_back(digs.nd() ? digs.d[0] : '0');
    if (prec > 0) {
        dst.push_back('.');
        int i = 1;
        const int m = std::min(digs.nd(), prec + 1);
        if (i < m) {
            dst.append(digs.d, std::size_t(i), std::size_t(m - i));
            i = m;
        }
        for (; i <= prec; ++i)
            dst.push_back('0');
    }
    dst.push_back(fmt);
    int exp = digs.dp - 1;
    if (digs.nd() == 0)
        exp = 0;
    dst.push_back(exp < 0 ? '-' : '+');
    exp = std::abs(exp);
    if (exp < 10) {
        dst.push_back('0');
        dst.push_back(char('0' + exp));
    } else {
        dst += std::to_string(exp);
    }
}

void appendF(std::string& dst, const Digits& digs, int prec)
{
    if (digs.dp > 0) {
        const int m = std::min(digs.nd(), digs.dp);
        dst.append(digs.d, 0, std::size_t(m));
        for (int i = m; i < digs.dp; ++i)
            dst.push_back('0');
    } else {
        dst.push_back('0');
    }
    if (prec > 0) {
        dst.push_back('.');
        for (int i = 1; i <= prec; ++i) {
            const int j = digs.dp + i - 1;
            dst.push_back(j >= 0 && j < digs.nd() ? digs.d[std::size_t(j)] : '0');
        }
    }
}

} // namespace

QString FloatFormat::format(double v, char fmt, int prec)
{
    if (std::isnan(v))
        return u"NaN"_s;
    if (std::isinf(v))
        return v > 0 ? u"+Inf"_s : u"-Inf"_s;
    std::string out;
    if (std::signbit(v))
        out.push_back('-');
    const double a = std::fabs(v);
    const bool shortest = prec < 0;

    if (!shortest && (fmt == 'e' || fmt == 'E' || fmt == 'f')) {
        char buf[1100];
        const auto format = fmt == 'f' ? std::chars_format::fixed : std::chars_format::scientific;
        const auto res = std::to_chars(buf, buf + sizeof buf, a, format, std::min(prec, 1000));
        std::string text(buf, res.ptr);
        if (fmt == 'E')
            std::replace(text.begin(), text.end(), 'e', 'E');
        out += text;
        return QString::fromLatin1(out.data(), qsizetype(out.size()));
    }

    Digits digs;
    if (shortest) {
        digs = a == 0 ? Digits{} : toDigits(a, -1);
        switch (fmt) {
        case 'e':
        case 'E':
            prec = std::max(digs.nd() - 1, 0);
            break;
        case 'f':
            prec = std::max(digs.nd() - digs.dp, 0);
            break;
        default:
            prec = digs.nd();
            break;
        }
    } else {
        prec = std::min(std::max(prec, 1), 1000);
        digs = a == 0 ? Digits{} : toDigits(a, prec);
    }

    switch (fmt) {
    case 'e':
    case 'E':
        appendE(out, digs, prec, fmt);
        break;
    case 'f':
        appendF(out, digs, prec);
        break;
    default: {
        int eprec = prec;
        if (eprec > digs.nd() && digs.nd() >= digs.dp)
            eprec = digs.nd();
        if (shortest)
            eprec = 6;
        const int exp = digs.dp - 1;
        if (exp < -4 || exp >= eprec) {
            prec = std::min(prec, digs.nd());
            appendE(out, digs, prec - 1, fmt == 'G' ? 'E' : 'e');
        } else {
            if (prec > digs.dp)
                prec = digs.nd();
            appendF(out, digs, std::max(prec - digs.dp, 0));
        }
        break;
    }
    }
    return QString::fromLatin1(out.data(), qsizetype(out.size()));
}

} // namespace lbdeck::tmpl
