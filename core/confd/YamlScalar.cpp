// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "YamlScalar.h"

#include <QByteArray>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <locale.h>
#include <string_view>

// The rules below follow gopkg.in/yaml.v2's resolve.go and the Go strconv functions it calls
// (ParseInt/ParseUint with base 0, ParseFloat, FormatFloat), so a value reads as confd reads it.

namespace lbdeck::confd {

namespace {

using Kind = YamlScalar::Kind;

constexpr std::string_view kLongTagPrefix = "tag:yaml.org,2002:";

YamlScalar make(Kind kind, std::string text = {})
{
    return YamlScalar{kind, std::move(text), {}};
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

// yaml.v2's resolveTable: the first byte says what a plain scalar may be.
char hintFor(const std::string& in)
{
    if (in.empty())
        return 'N';
    const char c = in[0];
    if (c == '+' || c == '-')
        return 'S';
    if (isDigit(c))
        return 'D';
    if (std::string_view("yYnNtTfFoO~").find(c) != std::string_view::npos)
        return 'M';
    if (c == '.')
        return '.';
    return 0;
}

// yaml.v2's resolveMap: YAML 1.1 booleans, nulls, the special floats and the merge key.
bool lookupResolveMap(const std::string& in, std::string& rtag, YamlScalar& out)
{
    struct Entry
    {
        std::string_view text;
        std::string_view tag;
        Kind kind;
        std::string_view value;
    };
    static constexpr std::array kEntries{
        Entry{"y", "!!bool", Kind::Bool, "true"},
        Entry{"Y", "!!bool", Kind::Bool, "true"},
        Entry{"yes", "!!bool", Kind::Bool, "true"},
        Entry{"Yes", "!!bool", Kind::Bool, "true"},
        Entry{"YES", "!!bool", Kind::Bool, "true"},
        Entry{"true", "!!bool", Kind::Bool, "true"},
        Entry{"True", "!!bool", Kind::Bool, "true"},
        Entry{"TRUE", "!!bool", Kind::Bool, "true"},
        Entry{"on", "!!bool", Kind::Bool, "true"},
        Entry{"On", "!!bool", Kind::Bool, "true"},
        Entry{"ON", "!!bool", Kind::Bool, "true"},
        Entry{"n", "!!bool", Kind::Bool, "false"},
        Entry{"N", "!!bool", Kind::Bool, "false"},
        Entry{"no", "!!bool", Kind::Bool, "false"},
        Entry{"No", "!!bool", Kind::Bool, "false"},
        Entry{"NO", "!!bool", Kind::Bool, "false"},
        Entry{"false", "!!bool", Kind::Bool, "false"},
        Entry{"False", "!!bool", Kind::Bool, "false"},
        Entry{"FALSE", "!!bool", Kind::Bool, "false"},
        Entry{"off", "!!bool", Kind::Bool, "false"},
        Entry{"Off", "!!bool", Kind::Bool, "false"},
        Entry{"OFF", "!!bool", Kind::Bool, "false"},
        Entry{"", "!!null", Kind::Null, ""},
        Entry{"~", "!!null", Kind::Null, ""},
        Entry{"null", "!!null", Kind::Null, ""},
        Entry{"Null", "!!null", Kind::Null, ""},
        Entry{"NULL", "!!null", Kind::Null, ""},
        Entry{".nan", "!!float", Kind::Float, "NaN"},
        Entry{".NaN", "!!float", Kind::Float, "NaN"},
        Entry{".NAN", "!!float", Kind::Float, "NaN"},
        Entry{".inf", "!!float", Kind::Float, "+Inf"},
        Entry{".Inf", "!!float", Kind::Float, "+Inf"},
        Entry{".INF", "!!float", Kind::Float, "+Inf"},
        Entry{"+.inf", "!!float", Kind::Float, "+Inf"},
        Entry{"+.Inf", "!!float", Kind::Float, "+Inf"},
        Entry{"+.INF", "!!float", Kind::Float, "+Inf"},
        Entry{"-.inf", "!!float", Kind::Float, "-Inf"},
        Entry{"-.Inf", "!!float", Kind::Float, "-Inf"},
        Entry{"-.INF", "!!float", Kind::Float, "-Inf"},
        Entry{"<<", "!!merge", Kind::Merge, "<<"},
    };
    for (const Entry& e : kEntries) {
        if (e.text == in) {
            rtag = std::string(e.tag);
            out = make(e.kind, std::string(e.value));
            return true;
        }
    }
    return false;
}

// strconv.ParseUint(s, 0, 64) on a string without underscores: true when s is a valid number that fits.
bool parseGoUint(std::string_view s, std::uint64_t& out)
{
    if (s.empty())
        return false;
    unsigned base = 10;
    if (s[0] == '0') {
        if (s.size() >= 3 && lower(s[1]) == 'b') {
            base = 2;
            s.remove_prefix(2);
        } else if (s.size() >= 3 && lower(s[1]) == 'o') {
            base = 8;
            s.remove_prefix(2);
        } else if (s.size() >= 3 && lower(s[1]) == 'x') {
            base = 16;
            s.remove_prefix(2);
        } else {
            base = 8;
            s.remove_prefix(1);
        }
    }
    std::uint64_t n = 0;
    for (const char c : s) {
        unsigned d = 0;
        if (isDigit(c))
            d = unsigned(c - '0');
        else if (lower(c) >= 'a' && lower(c) <= 'z')
            d = unsigned(lower(c) - 'a' + 10);
        else
            return false;
        if (d >= base)
            return false;
        if (n > (std::numeric_limits<std::uint64_t>::max() - d) / base)
            return false; // ErrRange
        n = n * base + d;
    }
    out = n;
    return true;
}

// strconv.ParseInt(s, 0, 64) on a string without underscores.
bool parseGoInt(std::string_view s, std::int64_t& out)
{
    if (s.empty())
        return false;
    bool neg = false;
    if (s[0] == '+') {
        s.remove_prefix(1);
    } else if (s[0] == '-') {
        neg = true;
        s.remove_prefix(1);
    }
    std::uint64_t un = 0;
    if (!parseGoUint(s, un))
        return false;
    constexpr std::uint64_t cutoff = std::uint64_t(1) << 63;
    if ((!neg && un >= cutoff) || (neg && un > cutoff))
        return false;
    out = neg ? std::int64_t(0 - un) : std::int64_t(un);
    return true;
}

// yaml.v2's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool matchesYamlStyleFloat(std::string_view s)
{
    std::size_t i = 0;
    const std::size_t n = s.size();
    auto digits = [&] {
        const std::size_t start = i;
        while (i < n && isDigit(s[i]))
            ++i;
        return i > start;
    };
    if (i < n && (s[i] == '-' || s[i] == '+'))
        ++i;
    if (i < n && s[i] == '.') {
        ++i;
        if (!digits())
            return false;
    } else {
        if (!digits())
            return false;
        if (i < n && s[i] == '.') {
            ++i;
            digits();
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            ++i;
        if (!digits())
            return false;
    }
    return i == n;
}

// strconv's underscoreOK for a decimal number: every '_' sits between two digits.
bool underscoresBetweenDigits(std::string_view s)
{
    char saw = '^';
    for (const char c : s) {
        if (isDigit(c)) {
            saw = '0';
        } else if (c == '_') {
            if (saw != '0')
                return false;
            saw = '_';
        } else {
            if (saw == '_')
                return false;
            saw = '!';
        }
    }
    return saw != '_';
}

std::string withoutUnderscores(const std::string& in)
{
    std::string plain;
    plain.reserve(in.size());
    for (const char c : in) {
        if (c != '_')
            plain += c;
    }
    return plain;
}

locale_t cLocale()
{
    static const locale_t locale = newlocale(LC_ALL_MASK, "C", locale_t(nullptr));
    return locale;
}

// strconv.ParseFloat(s, 64) for a string matching yamlStyleFloat: fails only on overflow (ErrRange);
// an underflow reads as the nearest value, as in Go.
bool parseGoFloat(const std::string& s, double& out)
{
    std::string digits = s[0] == '+' ? s.substr(1) : s;
    char* end = nullptr;
    errno = 0;
    const double d = strtod_l(digits.c_str(), &end, cLocale());
    if (end != digits.c_str() + digits.size())
        return false;
    if (errno == ERANGE && std::isinf(d))
        return false;
    out = d;
    return true;
}

bool looksLikeTimestamp(const std::string& s)
{
    // yaml.v2's parseTimestamp accepts YYYY-M-D, optionally followed by a time; a date needs at
    // least "YYYY-M-D". (Only an explicit !!timestamp depends on this: a plain timestamp stays a string.)
    std::size_t i = 0;
    while (i < s.size() && isDigit(s[i]))
        ++i;
    if (i != 4 || i == s.size() || s[i] != '-')
        return false;
    for (int part = 0; part < 2; ++part) {
        if (s[i] != '-')
            return false;
        ++i;
        const std::size_t start = i;
        while (i < s.size() && isDigit(s[i]))
            ++i;
        if (i == start || i - start > 2)
            return false;
        if (part == 0 && i == s.size())
            return false;
    }
    return i == s.size() || s[i] == 'T' || s[i] == 't' || s[i] == ' ' || s[i] == '\t';
}

// yaml.v2's resolve() without the final tag check: the implicit type of `in`.
YamlScalar resolveImplicit(const std::string& tag, const std::string& in, std::string& rtag)
{
    const char hint = hintFor(in);
    if (hint != 0 && tag != "!!str" && tag != "!!binary") {
        YamlScalar mapped;
        if (lookupResolveMap(in, rtag, mapped))
            return mapped;
        switch (hint) {
        case '.':
            // Not in the map, so maybe a normal float (strconv.ParseFloat on the text as written).
            if (in.find('_') == std::string::npos || underscoresBetweenDigits(in)) {
                const std::string plain = withoutUnderscores(in);
                double f = 0;
                if (matchesYamlStyleFloat(plain) && parseGoFloat(plain, f)) {
                    rtag = "!!float";
                    return make(Kind::Float, formatGoFloat(f));
                }
            }
            break;
        case 'D':
        case 'S': {
            if ((tag.empty() || tag == "!!timestamp") && looksLikeTimestamp(in)) {
                rtag = "!!timestamp";
                return make(Kind::String, in);
            }
            const std::string plain = withoutUnderscores(in);
            std::int64_t i = 0;
            if (parseGoInt(plain, i)) {
                rtag = "!!int";
                return make(Kind::Int, std::to_string(i));
            }
            std::uint64_t u = 0;
            if (parseGoUint(plain, u)) {
                rtag = "!!int";
                return make(Kind::Uint, std::to_string(u));
            }
            double f = 0;
            if (matchesYamlStyleFloat(plain) && parseGoFloat(plain, f)) {
                rtag = "!!float";
                return make(Kind::Float, formatGoFloat(f));
            }
            // yaml.v2's extra 0b/-0b branches are covered by ParseInt's base prefixes.
            break;
        }
        default:
            break;
        }
    }
    rtag = "!!str";
    return make(Kind::String, in);
}

YamlScalar decodeBinary(const std::string& in)
{
    QByteArray text = QByteArray::fromStdString(in);
    text.replace('\n', QByteArray()).replace('\r', QByteArray());
    const QByteArray::FromBase64Result decoded =
        QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        YamlScalar s;
        s.error = "!!binary value contains invalid base64 data";
        return s;
    }
    return make(Kind::String, decoded.decoded.toStdString());
}

} // namespace

std::string formatGoFloat(double f)
{
    if (std::isnan(f))
        return "NaN";
    if (std::isinf(f))
        return f > 0 ? "+Inf" : "-Inf";
    // The shortest digits that read back as f (what Go's precision -1 picks), then laid out
    // without an exponent: 6.02e23 is "602000000000000000000000", not the double's exact value.
    std::array<char, 64> buf{};
    const std::to_chars_result r =
        std::to_chars(buf.data(), buf.data() + buf.size(), f, std::chars_format::scientific);
    const std::string_view sci(buf.data(), std::size_t(r.ptr - buf.data()));
    const std::size_t e = sci.find('e');
    std::string out;
    std::string_view mantissa = sci.substr(0, e);
    if (!mantissa.empty() && mantissa[0] == '-') {
        out += '-';
        mantissa.remove_prefix(1);
    }
    std::string digits;
    for (const char c : mantissa) {
        if (c != '.')
            digits += c;
    }
    const long exponent = std::strtol(std::string(sci.substr(e + 1)).c_str(), nullptr, 10);
    const long point = exponent + 1; // digits before the decimal point
    const long count = long(digits.size());
    if (point <= 0)
        out += "0." + std::string(std::size_t(-point), '0') + digits;
    else if (point >= count)
        out += digits + std::string(std::size_t(point - count), '0');
    else
        out += digits.substr(0, std::size_t(point)) + "." + digits.substr(std::size_t(point));
    return out;
}

YamlScalar resolveYamlScalar(const std::string& yamlCppTag, const std::string& value)
{
    if (yamlCppTag == "!")
        return make(Kind::String, value); // quoted or block scalar
    std::string tag;
    if (yamlCppTag == "?" || yamlCppTag.empty())
        tag.clear();
    else if (yamlCppTag.starts_with(kLongTagPrefix))
        tag = "!!" + yamlCppTag.substr(kLongTagPrefix.size());
    else
        tag = yamlCppTag;

    // yaml.v2's isMerge() looks at the node, not at resolve(): a plain or !!merge "<<".
    if ((tag.empty() || tag == "!!merge") && value == "<<")
        return make(Kind::Merge, value);
    static constexpr std::array<std::string_view, 7> kResolvable{"",        "!!str",  "!!bool",     "!!int",
                                                                 "!!float", "!!null", "!!timestamp"};
    if (tag != "!!binary" && std::find(kResolvable.begin(), kResolvable.end(), tag) == kResolvable.end())
        return make(Kind::String, value); // a custom tag: yaml.v2 hands over the text

    std::string rtag;
    YamlScalar out = resolveImplicit(tag, value, rtag);
    if (tag == "!!binary")
        return decodeBinary(value);
    if (tag.empty() || tag == rtag || tag == "!!str")
        return out;
    if (tag == "!!float" && rtag == "!!int" && out.kind == Kind::Int) {
        return make(Kind::Float, formatGoFloat(double(std::strtoll(out.text.c_str(), nullptr, 10))));
    }
    YamlScalar failed;
    failed.error = "cannot decode " + rtag + " `" + value + "` as a " + tag;
    return failed;
}

} // namespace lbdeck::confd
