// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerTar.h"

#include <QByteArrayList>

#include <cstring>

using namespace Qt::StringLiterals;

namespace lbdeck::docker {

namespace {

constexpr qsizetype BlockSize = 512;

// A zero-padded octal number filling width-1 digits and a NUL, as ustar wants. False if it does not fit.
bool putOctal(char* field, int width, qint64 value)
{
    const QByteArray digits = QByteArray::number(value, 8);
    if (value < 0 || digits.size() > width - 1)
        return false;
    const QByteArray padded = digits.rightJustified(width - 1, '0');
    std::memcpy(field, padded.constData(), size_t(width - 1));
    field[width - 1] = '\0';
    return true;
}

Error invalid(const QString& why, const QString& fileName)
{
    return makeError(ErrorCode::InvalidArgument, why, u"tar entry \"%1\""_s.arg(fileName.left(120)));
}

} // namespace

Result<QByteArray> makeTar(const QString& fileName, const QByteArray& content, int mode, int uid, int gid,
                           qint64 mtime)
{
    const QByteArray path = fileName.toUtf8();
    if (path.isEmpty() || path.startsWith('/') || path.endsWith('/') || path.contains('\0'))
        return invalid(u"a file name must be relative and name a file"_s, fileName);
    for (const QByteArray& part : path.split('/')) {
        if (part.isEmpty() || part == "." || part == "..")
            return invalid(u"a file name must not contain empty, \".\" or \"..\" components"_s, fileName);
    }
    // Names past 100 bytes go into ustar's 155-byte prefix, split at a '/'.
    QByteArray name = path;
    QByteArray prefix;
    if (path.size() > 100) {
        const qsizetype cut = path.lastIndexOf('/', 155);
        if (cut <= 0 || path.size() - cut - 1 > 100)
            return invalid(u"file name too long for a ustar archive"_s, fileName);
        prefix = path.left(cut);
        name = path.mid(cut + 1);
    }
    if (mode < 0 || mode > 07777)
        return invalid(u"mode %1 is not a set of permission bits"_s.arg(mode, 0, 8), fileName);

    QByteArray header(BlockSize, '\0');
    char* h = header.data();
    std::memcpy(h, name.constData(), size_t(name.size()));
    if (!putOctal(h + 100, 8, mode) || !putOctal(h + 108, 8, uid) || !putOctal(h + 116, 8, gid) ||
        !putOctal(h + 124, 12, content.size()) || !putOctal(h + 136, 12, mtime))
        return invalid(u"uid, gid, size or time out of the range ustar can hold"_s, fileName);
    h[156] = '0';                     // regular file
    std::memcpy(h + 257, "ustar", 6); // magic with its NUL
    std::memcpy(h + 263, "00", 2);
    std::memcpy(h + 345, prefix.constData(), size_t(prefix.size()));
    // The checksum is the sum of the header bytes with its own field counted as spaces.
    std::memset(h + 148, ' ', 8);
    quint32 sum = 0;
    for (qsizetype i = 0; i < BlockSize; ++i)
        sum += uchar(h[i]);
    putOctal(h + 148, 7, sum); // six digits and a NUL; the space after them stays
    QByteArray out = header;
    out += content;
    const qsizetype padding = (BlockSize - content.size() % BlockSize) % BlockSize;
    out += QByteArray(padding, '\0');
    out += QByteArray(2 * BlockSize, '\0'); // end of archive
    return out;
}

} // namespace lbdeck::docker
