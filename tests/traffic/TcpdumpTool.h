// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace lbdeck::traffic::test {

inline constexpr const char* TcpdumpPath = "/usr/bin/tcpdump";

// Runs Debian's tcpdump to completion with TZ set; stdout only in *out (stderr has the "reading
// from file" banner). "" or what failed.
QString runTcpdump(const QStringList& args, const QString& tz, QByteArray* out);
// tcpdump's "127.0.1.21.8001" for "127.0.1.21:8001".
QByteArray dotted(const QString& key);
// How many of tcpdump -q -n's lines have `key` ("IP:PORT") as their source or destination.
qint64 linesOf(const QByteArray& lines, const QString& key);

} // namespace lbdeck::traffic::test
