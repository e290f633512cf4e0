// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

namespace lbdeck::tmpl {

// Go strings are bytes; the template engine works on QString. The two are joined losslessly:
// valid UTF-8 becomes its code points, and each byte of an invalid sequence (always 0x80..0xFF)
// becomes the lone low surrogate U+DC00 + byte, which valid UTF-8 can never produce. So a value
// from etcd that is not UTF-8 comes out of a render byte for byte, as confd writes it.
QString fromGoBytes(QByteArrayView bytes);
QByteArray toGoBytes(QStringView text);

// A unit that stands for one raw byte (see above), and that byte.
constexpr bool isRawByte(char16_t u)
{
    return u >= 0xDC80 && u <= 0xDCFF;
}
constexpr char rawByteOf(char16_t u)
{
    return char(u - 0xDC00);
}

} // namespace lbdeck::tmpl
