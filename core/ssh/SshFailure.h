// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QString>

namespace lbdeck {

// What is known about an ssh run when it fails, to name things in the error.
struct SshFailureContext
{
    QString destination; // "user@host:port" as the operator wrote it
    QString hostPort;    // "127.0.0.1:2222", what a refused or silent connection names
    int connectTimeoutS = 10;
    QString knownHostsName; // "[127.0.0.1]:2222", the name the host key is recorded under
    QString appKnownHosts;  // lbdeck's own known_hosts file
};

// Turns what ssh wrote on stderr (and its exit code) into an error an operator can act on.
Error interpretSshFailure(const QByteArray& stderrText, int exitCode, const SshFailureContext& context);
// True when retrying cannot help: a changed or unknown host key, a refused login, a bad option.
// (A name that does not resolve may be a network that is down: worth retrying once connected.)
bool isPermanentSshFailure(const Error& error);
// The fingerprint OpenSSH names when it reports a changed host key, or "".
QString changedKeyFingerprint(const QByteArray& stderrText);

} // namespace lbdeck
