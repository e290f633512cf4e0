// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "SshFailure.h"

#include <QRegularExpression>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

// The last few meaningful lines: ssh's banner art and blank lines say nothing to an operator.
QString lastLines(const QString& text, int n = 3)
{
    QStringList lines;
    const QStringList all = text.split(u'\n');
    for (const QString& raw : all) {
        const QString line = raw.trimmed();
        if (!line.isEmpty() && !line.startsWith(u'@'))
            lines << line;
    }
    return lines.mid(qMax<qsizetype>(0, lines.size() - n)).join(u"; "_s);
}

} // namespace

QString changedKeyFingerprint(const QByteArray& stderrText)
{
    static const QRegularExpression re(u"key sent by the remote host is\\s+(SHA256:[A-Za-z0-9+/]+)"_s);
    const QRegularExpressionMatch m = re.match(QString::fromUtf8(stderrText));
    return m.hasMatch() ? m.captured(1) : QString();
}

Error interpretSshFailure(const QByteArray& stderrText, int exitCode, const SshFailureContext& c)
{
    QString text = QString::fromUtf8(stderrText);
    text.remove(u'\r');
    const QString tail = lastLines(text);
    const QString where = c.destination;
    const auto has = [&text](const char16_t* s) {
        return text.contains(QStringView(s), Qt::CaseInsensitive);
    };

    if (has(u"REMOTE HOST IDENTIFICATION HAS CHANGED") || has(u"HOST KEY HAS CHANGED") ||
        (has(u"Host key verification failed") && has(u"key for") && has(u"has changed"))) {
        const QString fp = changedKeyFingerprint(stderrText);
        return makeError(ErrorCode::PermissionDenied,
                         u"the host key of %1 has CHANGED since it was accepted%2. This can mean that "
                         u"someone is intercepting the connection; lbdeck refuses it and offers no "
                         u"override. If the host was really reinstalled, verify the new key out of band "
                         u"and remove the old one with: ssh-keygen -R \"%3\" -f <known_hosts file> "
                         u"(lbdeck's is %4)"_s.arg(
                             c.destination, fp.isEmpty() ? QString() : u" (it now presents %1)"_s.arg(fp),
                             c.knownHostsName, c.appKnownHosts),
                         where, exitCode);
    }
    if (has(u"host key is known for") && has(u"strict checking")) {
        return makeError(ErrorCode::PermissionDenied,
                         u"the host key of %1 is not known, so ssh refused to connect: accept the key "
                         u"in lbdeck first (%2)"_s.arg(c.destination, tail),
                         where, exitCode);
    }
    if (has(u"Host key verification failed")) {
        return makeError(ErrorCode::PermissionDenied,
                         u"host key verification of %1 failed: %2"_s.arg(c.destination, tail), where,
                         exitCode);
    }
    if (has(u"Could not resolve hostname") || has(u"Name or service not known") ||
        has(u"Temporary failure in name resolution")) {
        return makeError(ErrorCode::NotFound,
                         u"the host of %1 does not exist: its name does not resolve (%2). Check the "
                         u"host name or the alias in ~/.ssh/config"_s.arg(c.destination, tail),
                         where, exitCode);
    }
    if (has(u"Connection refused")) {
        return makeError(ErrorCode::Network,
                         u"%1 refused the connection: no SSH server listens on that port (%2)"_s.arg(
                             c.hostPort, c.destination),
                         where, exitCode);
    }
    if (has(u"timed out") || has(u"Connection timeout")) {
        return makeError(
            ErrorCode::Timeout,
            u"%1 did not answer within %2 s (%3)"_s.arg(c.hostPort).arg(c.connectTimeoutS).arg(c.destination),
            where, exitCode);
    }
    if (has(u"No route to host") || has(u"Network is unreachable") || has(u"Connection reset") ||
        has(u"Connection closed by") || has(u"kex_exchange_identification")) {
        return makeError(ErrorCode::Network, u"cannot reach %1: %2"_s.arg(c.destination, tail), where,
                         exitCode);
    }
    if (has(u"Could not request local forwarding") || has(u"cannot bind") || has(u"cannot listen") ||
        has(u"Address already in use") || has(u"forwarding failed")) {
        return makeError(ErrorCode::Io,
                         u"ssh could not set up the forward to %1: %2"_s.arg(c.destination, tail), where,
                         exitCode);
    }
    if (has(u"Permission denied") || has(u"Too many authentication failures")) {
        return makeError(
            ErrorCode::Unauthenticated,
            u"the login to %1 was refused (%2). Check the user name, that the key is in the "
            u"remote authorized_keys, that ssh-agent holds it, or the password"_s.arg(c.destination, tail),
            where, exitCode);
    }
    if (has(u"Bad configuration option") || has(u"Bad local forwarding") || has(u"usage: ssh") ||
        has(u"Bad port")) {
        return makeError(ErrorCode::InvalidArgument,
                         u"ssh refused its options for %1: %2"_s.arg(c.destination, tail), where, exitCode);
    }
    return makeError(ErrorCode::Process,
                     u"ssh to %1 exited with code %2: %3"_s.arg(c.destination)
                         .arg(exitCode)
                         .arg(tail.isEmpty() ? u"no message"_s : tail),
                     where, exitCode);
}

bool isPermanentSshFailure(const Error& error)
{
    switch (error.code) {
    case ErrorCode::PermissionDenied:
    case ErrorCode::Unauthenticated:
    case ErrorCode::InvalidArgument:
        return true;
    default:
        return false;
    }
}

} // namespace lbdeck
