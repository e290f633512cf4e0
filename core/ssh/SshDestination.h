// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QString>

namespace lbdeck {

// Where a node's Docker socket (or any remote unix socket) is reached over SSH, written as Docker
// users write it: ssh://user@host[:port][/path/to/remote.sock]. The host may be an ~/.ssh/config
// alias; user and port may be left to that config.
struct SshDestination
{
    static QString defaultRemoteSocket() { return QStringLiteral("/var/run/docker.sock"); }

    QString user;     // empty: ssh's own choice (config, then the local user name)
    QString host;     // name, alias, IPv4 or IPv6 (without brackets)
    quint16 port = 0; // 0: ssh's own choice (config, then 22)
    QString remoteSocket = defaultRemoteSocket();

    static Result<SshDestination> parse(const QString& url);

    // ssh://user@host:port/path; the path only when it is not the default.
    QString toString() const;
    // user@host:port as named in errors and prompts ("[::1]:2222" for IPv6).
    QString displayName() const;
    // "host:port" or "[v6]:port" (port 22 when unspecified): what a refused connection names.
    QString hostPort() const;
    bool operator==(const SshDestination&) const = default;
};

} // namespace lbdeck
