// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "GoString.h"

namespace lbdeck::tmpl {

namespace {

// Go's utf8.DecodeRune: the code point and its length, or length 0 for an invalid sequence
// (overlong forms, surrogates and values above U+10FFFF are invalid).
std::pair<char32_t, int> decodeRune(const unsigned char* p, qsizetype n)
{
    const unsigned char b0 = p[0];
    if (b0 < 0x80)
        return {b0, 1};
    auto cont = [&](qsizetype i) { return i < n && (p[i] & 0xC0) == 0x80; };
    if (b0 >= 0xC2 && b0 <= 0xDF && cont(1))
        return {char32_t((b0 & 0x1F) << 6 | (p[1] & 0x3F)), 2};
    if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
        const char32_t c = char32_t((b0 & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F));
        if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF))
            return {c, 3};
        return {0, 0};
    }
    if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
        const char32_t c =
            char32_t((b0 & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F));
        if (c >= 0x10000 && c <= 0x10FFFF)
            return {c, 4};
    }
    return {0, 0};
}

} // namespace

QString fromGoBytes(QByteArrayView bytes)
{
    if (bytes.isValidUtf8())
        return QString::fromUtf8(bytes);
    QString out;
    out.reserve(bytes.size());
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const qsizetype n = bytes.size();
    for (qsizetype i = 0; i < n;) {
        const auto [c, len] = decodeRune(p + i, n - i);
        if (len == 0) {
            out += QChar(char16_t(0xDC00 + p[i]));
            ++i;
            continue;
        }
        if (c > 0xFFFF) {
            out += QChar::highSurrogate(c);
            out += QChar::lowSurrogate(c);
        } else {
            out += QChar(char16_t(c));
        }
        i += len;
    }
    return out;
}

QByteArray toGoBytes(QStringView text)
{
    const char16_t* u = text.utf16();
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n && !isRawByte(u[i]))
        ++i;
    if (i == n)
        return text.toUtf8();
    QByteArray out = text.first(i).toUtf8();
    while (i < n) {
        if (isRawByte(u[i])) {
            out += rawByteOf(u[i]);
            ++i;
            continue;
        }
        qsizetype j = i;
        while (j < n && !isRawByte(u[j]))
            ++j;
        out += text.sliced(i, j - i).toUtf8();
        i = j;
    }
    return out;
}

} // namespace lbdeck::tmpl
