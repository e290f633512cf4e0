// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QByteArray>
#include <QtEndian>

// The few bytes lbdeck-askpass (run by ssh) and AskpassServer (in lbdeck) exchange over a private
// unix socket. Header-only so that the helper does not link lbdeck_core.
//   request:  "LBDASK1\n" field(kind) field(context) field(prompt)
//   response: 'Y' field(secret)  or  'N'
// where field = 4-byte big-endian length + bytes.
namespace lbdeck::askpass {

inline constexpr char Magic[] = "LBDASK1\n";
inline constexpr qsizetype MagicSize = sizeof(Magic) - 1;
inline constexpr quint32 MaxField = 64 * 1024;
inline constexpr char SocketEnv[] = "LBDECK_ASKPASS_SOCKET";
inline constexpr char ContextEnv[] = "LBDECK_ASKPASS_CONTEXT";

enum class Parse
{
    NeedMore,
    Done,
    Bad
};

struct Request
{
    QByteArray kind; // SSH_ASKPASS_PROMPT: "" (a secret) or "confirm"
    QByteArray context;
    QByteArray prompt;
};

inline void appendField(QByteArray& out, const QByteArray& field)
{
    char len[4];
    qToBigEndian<quint32>(quint32(field.size()), len);
    out.append(len, 4);
    out.append(field);
}

// Reads one field at *pos; advances *pos when complete.
inline Parse readField(const QByteArray& in, qsizetype* pos, QByteArray* field)
{
    if (in.size() - *pos < 4)
        return Parse::NeedMore;
    const quint32 len = qFromBigEndian<quint32>(in.constData() + *pos);
    if (len > MaxField)
        return Parse::Bad;
    if (in.size() - *pos - 4 < qsizetype(len))
        return Parse::NeedMore;
    *field = in.mid(*pos + 4, len);
    *pos += 4 + len;
    return Parse::Done;
}

inline QByteArray encodeRequest(const Request& r)
{
    QByteArray out(Magic, MagicSize);
    appendField(out, r.kind.left(MaxField));
    appendField(out, r.context.left(MaxField));
    appendField(out, r.prompt.left(MaxField));
    return out;
}

inline Parse parseRequest(const QByteArray& in, Request* out)
{
    if (in.size() < MagicSize)
        return QByteArray(Magic, MagicSize).startsWith(in) ? Parse::NeedMore : Parse::Bad;
    if (!in.startsWith(QByteArray(Magic, MagicSize)))
        return Parse::Bad;
    qsizetype pos = MagicSize;
    for (QByteArray* f : {&out->kind, &out->context, &out->prompt}) {
        const Parse p = readField(in, &pos, f);
        if (p != Parse::Done)
            return p;
    }
    return pos == in.size() ? Parse::Done : Parse::Bad;
}

inline QByteArray encodeAnswer(const QByteArray& secret)
{
    QByteArray out(1, 'Y');
    appendField(out, secret);
    return out;
}

inline QByteArray encodeRefusal()
{
    return QByteArray(1, 'N');
}

// *answered is false for a refusal.
inline Parse parseResponse(const QByteArray& in, bool* answered, QByteArray* secret)
{
    if (in.isEmpty())
        return Parse::NeedMore;
    if (in.at(0) == 'N') {
        *answered = false;
        return in.size() == 1 ? Parse::Done : Parse::Bad;
    }
    if (in.at(0) != 'Y')
        return Parse::Bad;
    qsizetype pos = 1;
    const Parse p = readField(in, &pos, secret);
    if (p != Parse::Done)
        return p;
    *answered = true;
    return pos == in.size() ? Parse::Done : Parse::Bad;
}

} // namespace lbdeck::askpass
