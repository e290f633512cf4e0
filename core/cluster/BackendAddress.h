// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QByteArrayView>
#include <QString>

namespace lbdeck {

// A backend's address as registered in etcd: host:port, where host is an IPv4 address, a
// bracketed IPv6 address or a DNS name. Values come from anyone who can write to etcd, and end up
// in nginx.conf: the grammar is strict, so nothing else (whitespace, ';', braces, quotes, '#', '$',
// newlines, non-ASCII, over-long values) can ever reach the config.
struct BackendAddress
{
    enum class Kind
    {
        IPv4,
        IPv6,
        DnsName
    };
    Kind kind = Kind::IPv4;
    QString host; // without brackets
    quint16 port = 0;

    // As nginx's "server" directive wants it: 10.0.0.1:80, [::1]:80, backend.local:80.
    QString toString() const;
    bool operator==(const BackendAddress&) const = default;

    static constexpr qsizetype MaxLength = 261; // 253-byte DNS name, ':', 5 digits, or [IPv6]:port
    static Result<BackendAddress> parse(QByteArrayView value);
    // "127.0.1.3", 8001 -> "127.0.1.3:8001"; "::1", 8001 -> "[::1]:8001".
    static QString join(const QString& host, quint16 port);
    // The host of a value as registered, without brackets; empty when it is not an address.
    static QString hostOf(QByteArrayView value);
};

} // namespace lbdeck
