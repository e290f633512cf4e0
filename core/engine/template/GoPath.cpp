// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "GoPath.h"

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

// Decodes the code point at the start of s and returns how many UTF-16 units it takes.
qsizetype decodeRune(QStringView s, char32_t& r)
{
    if (s.size() >= 2 && s[0].isHighSurrogate() && s[1].isLowSurrogate()) {
        r = QChar::surrogateToUcs4(s[0], s[1]);
        return 2;
    }
    r = s[0].unicode();
    return 1;
}

// path's getEsc: one possibly escaped character of a class.
bool getEsc(QStringView& chunk, char32_t& r)
{
    if (chunk.isEmpty() || chunk[0] == u'-' || chunk[0] == u']')
        return false;
    if (chunk[0] == u'\\') {
        chunk = chunk.sliced(1);
        if (chunk.isEmpty())
            return false;
    }
    chunk = chunk.sliced(decodeRune(chunk, r));
    return !chunk.isEmpty();
}

void scanChunk(QStringView& pattern, bool& star, QStringView& chunk)
{
    star = false;
    while (!pattern.isEmpty() && pattern[0] == u'*') {
        pattern = pattern.sliced(1);
        star = true;
    }
    bool inRange = false;
    qsizetype i = 0;
    for (; i < pattern.size(); ++i) {
        const QChar c = pattern[i];
        if (c == u'\\') {
            if (i + 1 < pattern.size())
                ++i;
        } else if (c == u'[') {
            inRange = true;
        } else if (c == u']') {
            inRange = false;
        } else if (c == u'*' && !inRange) {
            break;
        }
    }
    chunk = pattern.first(i);
    pattern = pattern.sliced(i);
}

enum class Chunk
{
    Fail,
    Ok,
    Bad
};

// path's matchChunk; after a mismatch it keeps reading the chunk so a malformed pattern is reported.
Chunk matchChunk(QStringView chunk, QStringView s, QStringView& rest)
{
    bool failed = false;
    while (!chunk.isEmpty()) {
        if (!failed && s.isEmpty())
            failed = true;
        const QChar c = chunk[0];
        if (c == u'[') {
            char32_t r = 0;
            if (!failed)
                s = s.sliced(decodeRune(s, r));
            chunk = chunk.sliced(1);
            bool negated = false;
            if (!chunk.isEmpty() && chunk[0] == u'^') {
                negated = true;
                chunk = chunk.sliced(1);
            }
            bool match = false;
            int ranges = 0;
            for (;;) {
                if (!chunk.isEmpty() && chunk[0] == u']' && ranges > 0) {
                    chunk = chunk.sliced(1);
                    break;
                }
                char32_t lo = 0;
                if (!getEsc(chunk, lo))
                    return Chunk::Bad;
                char32_t hi = lo;
                if (chunk[0] == u'-') {
                    chunk = chunk.sliced(1);
                    if (!getEsc(chunk, hi))
                        return Chunk::Bad;
                }
                if (lo <= r && r <= hi)
                    match = true;
                ++ranges;
            }
            if (match == negated)
                failed = true;
            continue;
        }
        if (c == u'?') {
            if (!failed) {
                if (s[0] == u'/')
                    failed = true;
                char32_t r = 0;
                s = s.sliced(decodeRune(s, r));
            }
            chunk = chunk.sliced(1);
            continue;
        }
        if (c == u'\\') {
            chunk = chunk.sliced(1);
            if (chunk.isEmpty())
                return Chunk::Bad;
        }
        if (!failed) {
            if (chunk[0] != s[0])
                failed = true;
            s = s.sliced(1);
        }
        chunk = chunk.sliced(1);
    }
    if (failed)
        return Chunk::Fail;
    rest = s;
    return Chunk::Ok;
}

} // namespace

QString GoPath::clean(QStringView path)
{
    if (path.isEmpty())
        return u"."_s;
    const bool rooted = path[0] == u'/';
    const qsizetype n = path.size();
    QString out;
    out.reserve(n);
    qsizetype r = 0;
    qsizetype dotdot = 0;
    if (rooted) {
        out.append(u'/');
        r = 1;
        dotdot = 1;
    }
    while (r < n) {
        if (path[r] == u'/') {
            ++r;
        } else if (path[r] == u'.' && (r + 1 == n || path[r + 1] == u'/')) {
            ++r;
        } else if (path[r] == u'.' && path[r + 1] == u'.' && (r + 2 == n || path[r + 2] == u'/')) {
            r += 2;
            if (out.size() > dotdot) {
                qsizetype w = out.size() - 1;
                while (w > dotdot && out[w] != u'/')
                    --w;
                out.truncate(w);
            } else if (!rooted) {
                if (!out.isEmpty())
                    out.append(u'/');
                out.append(u"..");
                dotdot = out.size();
            }
        } else {
            if ((rooted && out.size() != 1) || (!rooted && !out.isEmpty()))
                out.append(u'/');
            for (; r < n && path[r] != u'/'; ++r)
                out.append(path[r]);
        }
    }
    if (out.isEmpty())
        return u"."_s;
    return out;
}

QString GoPath::base(QStringView path)
{
    if (path.isEmpty())
        return u"."_s;
    while (!path.isEmpty() && path.back() == u'/')
        path.chop(1);
    const qsizetype i = path.lastIndexOf(u'/');
    if (i >= 0)
        path = path.sliced(i + 1);
    if (path.isEmpty())
        return u"/"_s;
    return path.toString();
}

QString GoPath::dir(QStringView path)
{
    return clean(path.first(path.lastIndexOf(u'/') + 1));
}

GoPath::MatchResult GoPath::match(QStringView pattern, QStringView name)
{
    while (!pattern.isEmpty()) {
        bool star = false;
        QStringView chunk;
        scanChunk(pattern, star, chunk);
        if (star && chunk.isEmpty())
            return name.contains(u'/') ? MatchResult::NoMatch : MatchResult::Match;
        QStringView rest;
        const Chunk first = matchChunk(chunk, name, rest);
        if (first == Chunk::Ok && (rest.isEmpty() || !pattern.isEmpty())) {
            name = rest;
            continue;
        }
        if (first == Chunk::Bad)
            return MatchResult::BadPattern;
        bool advanced = false;
        if (star) {
            for (qsizetype i = 0; i < name.size() && name[i] != u'/'; ++i) {
                const Chunk c = matchChunk(chunk, name.sliced(i + 1), rest);
                if (c == Chunk::Ok) {
                    if (pattern.isEmpty() && !rest.isEmpty())
                        continue;
                    name = rest;
                    advanced = true;
                    break;
                }
                if (c == Chunk::Bad)
                    return MatchResult::BadPattern;
            }
        }
        if (advanced)
            continue;
        while (!pattern.isEmpty()) {
            scanChunk(pattern, star, chunk);
            QStringView ignored;
            if (matchChunk(chunk, QStringView(), ignored) == Chunk::Bad)
                return MatchResult::BadPattern;
        }
        return MatchResult::NoMatch;
    }
    return name.isEmpty() ? MatchResult::Match : MatchResult::NoMatch;
}

QStringView GoPath::literalPrefix(QStringView pattern)
{
    qsizetype i = 0;
    while (i < pattern.size() && pattern[i] != u'*' && pattern[i] != u'?' && pattern[i] != u'[' &&
           pattern[i] != u'\\')
        ++i;
    return pattern.first(i);
}

} // namespace lbdeck::tmpl
