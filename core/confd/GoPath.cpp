// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "GoPath.h"

#include <cstdint>

namespace lbdeck::confd {

std::string goCleanPath(std::string_view path)
{
    if (path.empty())
        return ".";
    const bool rooted = path[0] == '/';
    const std::size_t n = path.size();
    std::string out;
    std::size_t r = 0;
    std::size_t dotdot = 0;
    if (rooted) {
        out += '/';
        r = 1;
        dotdot = 1;
    }
    while (r < n) {
        if (path[r] == '/') {
            ++r;
        } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
            ++r;
        } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
            r += 2;
            if (out.size() > dotdot) {
                out.pop_back();
                while (out.size() > dotdot && out.back() != '/')
                    out.pop_back();
            } else if (!rooted) {
                if (!out.empty())
                    out += '/';
                out += "..";
                dotdot = out.size();
            }
        } else {
            if ((rooted && out.size() != 1) || (!rooted && !out.empty()))
                out += '/';
            for (; r < n && path[r] != '/'; ++r)
                out += path[r];
        }
    }
    if (out.empty())
        return ".";
    return out;
}

std::string goJoinPath(std::string_view a, std::string_view b)
{
    if (a.empty() && b.empty())
        return {};
    if (a.empty())
        return goCleanPath(b);
    if (b.empty())
        return goCleanPath(a);
    std::string joined(a);
    joined += '/';
    joined += b;
    return goCleanPath(joined);
}

namespace {

constexpr char32_t kRuneError = 0xFFFD;

// utf8.DecodeRuneInString: the rune at the start of s and its width; (RuneError, 1) when invalid.
std::pair<char32_t, std::size_t> decodeRune(std::string_view s)
{
    if (s.empty())
        return {kRuneError, 0};
    const auto b0 = std::uint8_t(s[0]);
    if (b0 < 0x80)
        return {b0, 1};
    std::size_t len = 0;
    char32_t r = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        r = b0 & 0x1F;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        r = b0 & 0x0F;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        r = b0 & 0x07;
        min = 0x10000;
    } else {
        return {kRuneError, 1};
    }
    if (s.size() < len)
        return {kRuneError, 1};
    for (std::size_t i = 1; i < len; ++i) {
        const auto b = std::uint8_t(s[i]);
        if ((b & 0xC0) != 0x80)
            return {kRuneError, 1};
        r = (r << 6) | (b & 0x3F);
    }
    if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        return {kRuneError, 1};
    return {r, len};
}

struct Chunk
{
    bool star = false;
    std::string_view chunk;
    std::string_view rest;
};

Chunk scanChunk(std::string_view pattern)
{
    Chunk c;
    while (!pattern.empty() && pattern[0] == '*') {
        pattern.remove_prefix(1);
        c.star = true;
    }
    bool inrange = false;
    std::size_t i = 0;
    for (; i < pattern.size(); ++i) {
        const char ch = pattern[i];
        if (ch == '\\') {
            if (i + 1 < pattern.size())
                ++i;
        } else if (ch == '[') {
            inrange = true;
        } else if (ch == ']') {
            inrange = false;
        } else if (ch == '*' && !inrange) {
            break;
        }
    }
    c.chunk = pattern.substr(0, i);
    c.rest = pattern.substr(i);
    return c;
}

// getEsc: one (possibly escaped) character of a character class; false for a malformed class.
bool getEsc(std::string_view& chunk, char32_t& r)
{
    if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']')
        return false;
    if (chunk[0] == '\\') {
        chunk.remove_prefix(1);
        if (chunk.empty())
            return false;
    }
    const auto [rune, n] = decodeRune(chunk);
    r = rune;
    chunk.remove_prefix(n);
    if (rune == kRuneError && n == 1)
        return false;
    return !chunk.empty();
}

enum class ChunkMatch
{
    No,
    Yes,
    BadPattern
};

// matchChunk: does chunk (no '*') match a prefix of s? On Yes, s is left at the rest.
ChunkMatch matchChunk(std::string_view chunk, std::string_view& s)
{
    bool failed = false;
    while (!chunk.empty()) {
        if (!failed && s.empty())
            failed = true;
        switch (chunk[0]) {
        case '[': {
            char32_t r = 0;
            if (!failed) {
                const auto [rune, n] = decodeRune(s);
                r = rune;
                s.remove_prefix(n);
            }
            chunk.remove_prefix(1);
            bool negated = false;
            if (!chunk.empty() && chunk[0] == '^') {
                negated = true;
                chunk.remove_prefix(1);
            }
            bool match = false;
            int nrange = 0;
            for (;;) {
                if (!chunk.empty() && chunk[0] == ']' && nrange > 0) {
                    chunk.remove_prefix(1);
                    break;
                }
                char32_t lo = 0;
                if (!getEsc(chunk, lo))
                    return ChunkMatch::BadPattern;
                char32_t hi = lo;
                if (chunk[0] == '-') {
                    chunk.remove_prefix(1);
                    if (!getEsc(chunk, hi))
                        return ChunkMatch::BadPattern;
                }
                if (lo <= r && r <= hi)
                    match = true;
                ++nrange;
            }
            if (match == negated)
                failed = true;
            break;
        }
        case '?':
            if (!failed) {
                if (s[0] == '/')
                    failed = true;
                s.remove_prefix(decodeRune(s).second);
            }
            chunk.remove_prefix(1);
            break;
        case '\\':
            chunk.remove_prefix(1);
            if (chunk.empty())
                return ChunkMatch::BadPattern;
            [[fallthrough]];
        default:
            if (!failed) {
                if (chunk[0] != s[0])
                    failed = true;
                s.remove_prefix(1);
            }
            chunk.remove_prefix(1);
            break;
        }
    }
    return failed ? ChunkMatch::No : ChunkMatch::Yes;
}

} // namespace

std::optional<bool> goMatchPattern(std::string_view pattern, std::string_view name)
{
    while (!pattern.empty()) {
        const Chunk c = scanChunk(pattern);
        pattern = c.rest;
        if (c.star && c.chunk.empty())
            return name.find('/') == std::string_view::npos; // a trailing * matches the rest but a '/'
        std::string_view t = name;
        const ChunkMatch m = matchChunk(c.chunk, t);
        if (m == ChunkMatch::Yes && (t.empty() || !pattern.empty())) {
            name = t;
            continue;
        }
        if (m == ChunkMatch::BadPattern)
            return std::nullopt;
        bool advanced = false;
        if (c.star) {
            for (std::size_t i = 0; i < name.size() && name[i] != '/'; ++i) {
                std::string_view rest = name.substr(i + 1);
                const ChunkMatch mi = matchChunk(c.chunk, rest);
                if (mi == ChunkMatch::Yes) {
                    if (pattern.empty() && !rest.empty())
                        continue;
                    name = rest;
                    advanced = true;
                    break;
                }
                if (mi == ChunkMatch::BadPattern)
                    return std::nullopt;
            }
        }
        if (advanced)
            continue;
        // Before answering "no", Go checks that the rest of the pattern is well-formed.
        while (!pattern.empty()) {
            const Chunk more = scanChunk(pattern);
            pattern = more.rest;
            std::string_view empty;
            if (matchChunk(more.chunk, empty) == ChunkMatch::BadPattern)
                return std::nullopt;
        }
        return false;
    }
    return name.empty();
}

} // namespace lbdeck::confd
