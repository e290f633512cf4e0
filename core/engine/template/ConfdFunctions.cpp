// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConfdFunctions.h"

#include "GoPath.h"
#include "GoQuote.h"
#include "GoSort.h"
#include "GoString.h"
#include "JsonDecoder.h"
#include "KeyStore.h"

#include <QDateTime>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

using Args = std::span<const Value>;

// A sequence or string this long is a runaway template, not a config.
constexpr qint64 kMaxSequence = 1000000;
constexpr qsizetype kMaxString = 16 * 1024 * 1024;

Error fail(const QString& message)
{
    return Functions::error(message);
}

const QString& str(const Value& v)
{
    return v.toString();
}

Result<Value> baseFn(const CallContext&, Args a)
{
    return Value(GoPath::base(str(a[0])));
}

Result<Value> dirFn(const CallContext&, Args a)
{
    return Value(GoPath::dir(str(a[0])));
}

Result<Value> splitFn(const CallContext&, Args a)
{
    const QString& s = str(a[0]);
    const QString& sep = str(a[1]);
    if (!sep.isEmpty())
        return Value::stringList(s.split(sep));
    // Go's explode: one string per code point, an invalid byte becoming U+FFFD, except in the last
    // piece, which is the rest of the string as it is.
    QStringList runes;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const qsizetype width =
            s[i].isHighSurrogate() && i + 1 < s.size() && s[i + 1].isLowSurrogate() ? 2 : 1;
        const bool last = i + width == s.size();
        runes.append(isRawByte(s[i].unicode()) && !last ? u"\uFFFD"_s : s.mid(i, width));
        i += width - 1;
    }
    return Value::stringList(runes);
}

Result<Value> joinFn(const CallContext&, Args a)
{
    QStringList parts;
    parts.reserve(a[0].size());
    for (qsizetype i = 0; i < a[0].size(); ++i)
        parts.append(a[0].at(i).toString());
    return Value(parts.join(str(a[1])));
}

Result<Value> jsonFn(const CallContext&, Args a)
{
    return JsonDecoder::object(str(a[0]));
}

Result<Value> jsonArrayFn(const CallContext&, Args a)
{
    return JsonDecoder::array(str(a[0]));
}

Result<Value> mapFn(const CallContext&, Args a)
{
    if (a.size() % 2 != 0)
        return fail(u"invalid map call"_s);
    std::vector<Value::Entry> entries;
    for (std::size_t i = 0; i < a.size(); i += 2) {
        if (!a[i].isString())
            return fail(u"map keys must be strings"_s);
        entries.emplace_back(a[i].toString(), a[i + 1]);
    }
    return Value::map(std::move(entries));
}

Result<Value> getenvFn(const CallContext&, Args a)
{
    const QString value = fromGoBytes(qgetenv(toGoBytes(str(a[0])).constData())); // os.Getenv
    if (value.isEmpty())
        return Value(a.size() > 1 ? str(a[1]) : QString());
    return Value(value);
}

// Go's monotonic clock counts from the start of the process; this is as close as a library gets.
const std::chrono::steady_clock::time_point kProcessStart = std::chrono::steady_clock::now();

// time.Now() printed as Go prints a time.Time (Time.String): nanoseconds without trailing zeros,
// the zone's offset and abbreviation, and the monotonic clock reading "m=+S.NNNNNNNNN".
Result<Value> datetimeFn(const CallContext&, Args)
{
    using namespace std::chrono;
    const auto wall = system_clock::now();
    const auto mono = steady_clock::now() - kProcessStart;
    const qint64 ns = duration_cast<nanoseconds>(wall.time_since_epoch()).count();
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(ns / 1000000);
    QString text = now.toString(u"yyyy-MM-dd HH:mm:ss");
    if (const qint64 fraction = ns % 1000000000; fraction != 0) {
        QString digits = u"%1"_s.arg(fraction, 9, 10, QChar(u'0'));
        while (digits.endsWith(u'0'))
            digits.chop(1);
        text += u'.' + digits;
    }
    const int offset = now.offsetFromUtc() / 60;
    const qint64 monoNs = duration_cast<nanoseconds>(mono).count();
    text += u" %1%2%3 %4 m=+%5.%6"_s.arg(QChar(offset < 0 ? u'-' : u'+'))
                .arg(std::abs(offset) / 60, 2, 10, QChar(u'0'))
                .arg(std::abs(offset) % 60, 2, 10, QChar(u'0'))
                .arg(now.timeZoneAbbreviation())
                .arg(monoNs / 1000000000)
                .arg(monoNs % 1000000000, 9, 10, QChar(u'0'));
    return Value(text);
}

Result<Value> caseFn(Args a, bool upper)
{
    QString out;
    const QString& s = str(a[0]);
    out.reserve(s.size());
    for (qsizetype i = 0; i < s.size(); ++i) {
        char32_t r = s[i].unicode();
        if (isRawByte(s[i].unicode())) {
            r = 0xFFFD; // strings.Map decodes an invalid byte as utf8.RuneError and writes it
        } else if (s[i].isHighSurrogate() && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
            r = QChar::surrogateToUcs4(s[i], s[i + 1]);
            ++i;
        }
        r = upper ? QChar::toUpper(r) : QChar::toLower(r); // simple mapping per code point, as Go
        if (QChar::requiresSurrogates(r)) {
            out.append(QChar(QChar::highSurrogate(r)));
            out.append(QChar(QChar::lowSurrogate(r)));
        } else {
            out.append(QChar(char16_t(r)));
        }
    }
    return Value(out);
}

Result<Value> toUpperFn(const CallContext&, Args a)
{
    return caseFn(a, true);
}

Result<Value> toLowerFn(const CallContext&, Args a)
{
    return caseFn(a, false);
}

Result<Value> containsFn(const CallContext&, Args a)
{
    return Value(str(a[0]).contains(str(a[1])));
}

// strings.Replace; an empty old string matches before every code point and at the end.
Result<Value> replaceFn(const CallContext&, Args a)
{
    const QString& s = str(a[0]);
    const QString& old = str(a[1]);
    const QString& with = str(a[2]);
    qint64 n = a[3].toInt();
    if (old == with || n == 0)
        return Value(s);
    qint64 count = 0;
    if (old.isEmpty()) {
        for (qsizetype i = 0; i < s.size(); ++i)
            count += s[i].isLowSurrogate() && i > 0 && s[i - 1].isHighSurrogate() ? 0 : 1;
        ++count;
    } else {
        count = s.count(old);
    }
    if (count == 0)
        return Value(s);
    if (n < 0 || count < n)
        n = count;
    if (s.size() + n * (with.size() - old.size()) > kMaxString)
        return fail(u"result would exceed %1 characters"_s.arg(kMaxString));
    QString out;
    qsizetype start = 0;
    for (qint64 i = 0; i < n; ++i) {
        qsizetype j = start;
        if (old.isEmpty()) {
            if (i > 0)
                j += s[start].isHighSurrogate() && start + 1 < s.size() && s[start + 1].isLowSurrogate() ? 2
                                                                                                         : 1;
        } else {
            j = s.indexOf(old, start);
        }
        out += QStringView(s).sliced(start, j - start);
        out += with;
        start = j + old.size();
    }
    out += QStringView(s).sliced(start);
    return Value(out);
}

Result<Value> trimSuffixFn(const CallContext&, Args a)
{
    const QString& s = str(a[0]);
    if (!str(a[1]).isEmpty() && s.endsWith(str(a[1])))
        return Value(s.first(s.size() - str(a[1]).size()));
    return Value(s);
}

Result<Value> base64EncodeFn(const CallContext&, Args a)
{
    return Value(QString::fromLatin1(toGoBytes(str(a[0])).toBase64()));
}

// base64.StdEncoding.DecodeString: padding required, CR and LF skipped, errors at Go's byte offsets.
Result<Value> base64DecodeFn(const CallContext&, Args a)
{
    const QByteArray src = toGoBytes(str(a[0]));
    auto corrupt = [](qsizetype at) { return fail(u"illegal base64 data at input byte %1"_s.arg(at)); };
    auto decodeChar = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        return c == '+' ? 62 : c == '/' ? 63 : -1;
    };
    auto isNewline = [](char c) { return c == '\n' || c == '\r'; };
    QByteArray out;
    qsizetype si = 0;
    for (;;) {
        int dbuf[4] = {0, 0, 0, 0};
        int dlen = 4;
        bool last = false;
        for (int j = 0; j < 4; ++j) {
            if (si == src.size()) {
                if (j == 0)
                    return Value(fromGoBytes(out));
                return corrupt(si - j);
            }
            const char in = src[si++];
            if (const int d = decodeChar(in); d >= 0) {
                dbuf[j] = d;
                continue;
            }
            if (isNewline(in)) {
                --j;
                continue;
            }
            if (in != '=' || j < 2)
                return corrupt(si - 1);
            if (j == 2) {
                while (si < src.size() && isNewline(src[si]))
                    ++si;
                if (si == src.size())
                    return corrupt(src.size());
                if (src[si] != '=')
                    return corrupt(si - 1);
                ++si;
            }
            while (si < src.size() && isNewline(src[si]))
                ++si;
            if (si < src.size())
                return corrupt(si);
            dlen = j;
            last = true;
            break;
        }
        const quint32 val =
            quint32(dbuf[0]) << 18 | quint32(dbuf[1]) << 12 | quint32(dbuf[2]) << 6 | quint32(dbuf[3]);
        const char bytes[3] = {char(val >> 16), char(val >> 8), char(val)};
        out.append(bytes, dlen - 1);
        if (last)
            return Value(fromGoBytes(out));
    }
}

Result<Value> parseBoolFn(const CallContext&, Args a)
{
    const QString& s = str(a[0]);
    static const QStringList yes{u"1"_s, u"t"_s, u"T"_s, u"TRUE"_s, u"true"_s, u"True"_s};
    static const QStringList no{u"0"_s, u"f"_s, u"F"_s, u"FALSE"_s, u"false"_s, u"False"_s};
    if (yes.contains(s))
        return Value(true);
    if (no.contains(s))
        return Value(false);
    return fail(u"strconv.ParseBool: parsing %1: invalid syntax"_s.arg(GoQuote::quote(s)));
}

// confd's reverse works on []string and []memkv.KVPair and hands anything else back unchanged. Its
// result is an interface {} (so a nil stays a nil interface). Go reverses the slice in place, which a
// variable holding the same slice would show; here the result is a new list.
Result<Value> reverseFn(const CallContext&, Args a)
{
    const Value& v = a[0];
    if (v.kind() != Value::Kind::List ||
        (v.listType() != Value::ListType::String && v.listType() != Value::ListType::KVPair))
        return v.boxed();
    std::vector<Value> items;
    items.reserve(std::size_t(v.size()));
    for (qsizetype i = v.size() - 1; i >= 0; --i)
        items.push_back(v.at(i));
    return Value::list(std::move(items), v.listType());
}

// sort.Sort by length in bytes, with Go's own unstable algorithm, so that ties end up where confd
// puts them.
struct ByLength
{
    std::vector<Value> items;
    std::vector<qsizetype> lengths;
    bool less(qsizetype i, qsizetype j) const { return lengths[std::size_t(i)] < lengths[std::size_t(j)]; }
    void swap(qsizetype i, qsizetype j)
    {
        std::swap(items[std::size_t(i)], items[std::size_t(j)]);
        std::swap(lengths[std::size_t(i)], lengths[std::size_t(j)]);
    }
};

Result<Value> sortByLength(const Value& v, bool byKey)
{
    ByLength data;
    data.items.reserve(std::size_t(v.size()));
    data.lengths.reserve(std::size_t(v.size()));
    for (qsizetype i = 0; i < v.size(); ++i) {
        data.items.push_back(v.at(i));
        data.lengths.push_back(
            Value::utf8Length(byKey ? data.items.back().kvKey() : data.items.back().toString()));
    }
    GoSort<ByLength>::sort(data, v.size());
    return Value::list(std::move(data.items), v.listType());
}

Result<Value> sortByLengthFn(const CallContext&, Args a)
{
    return sortByLength(a[0], false);
}

Result<Value> sortKVByLengthFn(const CallContext&, Args a)
{
    return sortByLength(a[0], true);
}

// Go's int arithmetic wraps around; unsigned arithmetic does the same without undefined behaviour.
Result<Value> addFn(const CallContext&, Args a)
{
    return Value(qint64(quint64(a[0].toInt()) + quint64(a[1].toInt())));
}

Result<Value> subFn(const CallContext&, Args a)
{
    return Value(qint64(quint64(a[0].toInt()) - quint64(a[1].toInt())));
}

Result<Value> mulFn(const CallContext&, Args a)
{
    return Value(qint64(quint64(a[0].toInt()) * quint64(a[1].toInt())));
}

Result<Value> divFn(const CallContext&, Args a)
{
    const qint64 x = a[0].toInt();
    const qint64 y = a[1].toInt();
    if (y == 0)
        return fail(u"runtime error: integer divide by zero"_s);
    if (y == -1)
        return Value(qint64(0 - quint64(x)));
    return Value(x / y);
}

Result<Value> modFn(const CallContext&, Args a)
{
    const qint64 x = a[0].toInt();
    const qint64 y = a[1].toInt();
    if (y == 0)
        return fail(u"runtime error: integer divide by zero"_s);
    if (y == -1)
        return Value(qint64(0));
    return Value(x % y);
}

Result<Value> seqFn(const CallContext&, Args a)
{
    const qint64 first = a[0].toInt();
    const qint64 last = a[1].toInt();
    std::vector<Value> items;
    if (last >= first) {
        if (quint64(last) - quint64(first) >= quint64(kMaxSequence))
            return fail(u"sequence of more than %1 numbers refused"_s.arg(kMaxSequence));
        items.reserve(std::size_t(last - first + 1));
        for (qint64 i = first; i <= last; ++i)
            items.emplace_back(i);
    }
    return Value::list(std::move(items), Value::ListType::Int);
}

// strconv.Atoi: a fast path for fewer than 19 bytes, else ParseInt(s, 10, 64), which reports an
// overflow as soon as it happens, before it would see a later invalid character.
Result<Value> atoiFn(const CallContext&, Args a)
{
    const QString& s0 = str(a[0]);
    const QByteArray bytes = toGoBytes(s0);
    auto syntaxError = [&] {
        return fail(u"strconv.Atoi: parsing %1: invalid syntax"_s.arg(GoQuote::quote(s0)));
    };
    auto rangeError = [&] {
        return fail(u"strconv.Atoi: parsing %1: value out of range"_s.arg(GoQuote::quote(s0)));
    };
    QByteArrayView digits = bytes;
    const bool neg = !digits.isEmpty() && digits[0] == '-';
    if (!digits.isEmpty() && (digits[0] == '-' || digits[0] == '+'))
        digits = digits.sliced(1);
    if (digits.isEmpty())
        return syntaxError();
    constexpr quint64 cutoff = std::numeric_limits<quint64>::max() / 10 + 1;
    quint64 n = 0;
    bool overflow = false;
    for (const char ch : digits) {
        if (ch < '0' || ch > '9')
            return syntaxError();
        if (bytes.size() >= 19) { // ParseUint's overflow checks; the fast path cannot overflow
            if (n >= cutoff)
                return rangeError();
            const quint64 n1 = n * 10 + quint64(ch - '0');
            if (n1 < n * 10) {
                overflow = true;
                break;
            }
            n = n1;
        } else {
            n = n * 10 + quint64(ch - '0');
        }
    }
    const quint64 limit = quint64(1) << 63;
    if (overflow || (!neg && n >= limit) || (neg && n > limit))
        return rangeError();
    return Value(neg ? qint64(0 - n) : qint64(n));
}

Result<Value> existsFn(const CallContext& c, Args a)
{
    return Value(c.store.exists(str(a[0])));
}

Result<Value> getFn(const CallContext& c, Args a)
{
    return c.store.get(str(a[0]));
}

Result<Value> getsFn(const CallContext& c, Args a)
{
    return c.store.gets(str(a[0]));
}

Result<Value> getvFn(const CallContext& c, Args a)
{
    return c.store.getv(str(a[0]), a.size() > 1 ? std::optional<QString>(str(a[1])) : std::nullopt);
}

Result<Value> getvsFn(const CallContext& c, Args a)
{
    return c.store.getvs(str(a[0]));
}

Result<Value> lsFn(const CallContext& c, Args a)
{
    return c.store.ls(str(a[0]));
}

Result<Value> lsdirFn(const CallContext& c, Args a)
{
    return c.store.lsdir(str(a[0]));
}

constexpr ArgType A = ArgType::Any;
constexpr ArgType S = ArgType::String;
constexpr ArgType I = ArgType::Int;
constexpr ArgType SL = ArgType::StringList;
constexpr ArgType KL = ArgType::KVList;

const FunctionSpec kConfd[] = {
    {u"base", {S}, 1, false, baseFn},
    {u"split", {S, S}, 2, false, splitFn},
    {u"json", {S}, 1, false, jsonFn},
    {u"jsonArray", {S}, 1, false, jsonArrayFn},
    {u"dir", {S}, 1, false, dirFn},
    {u"map", {A}, 1, true, mapFn},
    {u"getenv", {S, S}, 2, true, getenvFn},
    {u"join", {SL, S}, 2, false, joinFn},
    {u"datetime", {}, 0, false, datetimeFn},
    {u"toUpper", {S}, 1, false, toUpperFn},
    {u"toLower", {S}, 1, false, toLowerFn},
    {u"contains", {S, S}, 2, false, containsFn},
    {u"replace", {S, S, S, I}, 4, false, replaceFn},
    {u"trimSuffix", {S, S}, 2, false, trimSuffixFn},
    {u"base64Encode", {S}, 1, false, base64EncodeFn},
    {u"base64Decode", {S}, 1, false, base64DecodeFn},
    {u"parseBool", {S}, 1, false, parseBoolFn},
    {u"reverse", {A}, 1, false, reverseFn},
    {u"sortByLength", {SL}, 1, false, sortByLengthFn},
    {u"sortKVByLength", {KL}, 1, false, sortKVByLengthFn},
    {u"add", {I, I}, 2, false, addFn},
    {u"sub", {I, I}, 2, false, subFn},
    {u"div", {I, I}, 2, false, divFn},
    {u"mod", {I, I}, 2, false, modFn},
    {u"mul", {I, I}, 2, false, mulFn},
    {u"seq", {I, I}, 2, false, seqFn},
    {u"atoi", {S}, 1, false, atoiFn},
    {u"exists", {S}, 1, false, existsFn},
    {u"ls", {S}, 1, false, lsFn},
    {u"lsdir", {S}, 1, false, lsdirFn},
    {u"get", {S}, 1, false, getFn},
    {u"gets", {S}, 1, false, getsFn},
    {u"getv", {S, S}, 2, true, getvFn},
    {u"getvs", {S}, 1, false, getvsFn},
};

} // namespace

std::span<const FunctionSpec> ConfdFunctions::functions()
{
    return kConfd;
}

} // namespace lbdeck::tmpl
