// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "SshDestination.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

// Everything here ends up on ssh's command line: anything that could be read as an option, a
// second argument or a -L separator is refused rather than escaped.
bool isNameChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'.' ||
           c == u'-' || c == u'_';
}

bool isValidName(QStringView s)
{
    if (s.isEmpty() || s.size() > 253 || s.front() == u'-' || s.front() == u'.')
        return false;
    for (QChar c : s) {
        if (!isNameChar(c))
            return false;
    }
    return true;
}

bool isValidUser(QStringView s)
{
    if (s.isEmpty() || s.size() > 64 || s.front() == u'-')
        return false;
    for (QChar c : s) {
        if (!isNameChar(c) && c != u'$')
            return false;
    }
    return true;
}

bool isValidSocketPath(QStringView s)
{
    if (!s.startsWith(u'/') || s.size() > 4096 || s.contains(u"/../") || s.endsWith(u"/.."))
        return false;
    for (QChar c : s) {
        if (c.unicode() < 0x21 || c == u':' || c == u'"' || c == u'\\' || c == u'?' || c == u'#' ||
            c == u'%' || c.unicode() == 0x7f)
            return false;
    }
    return true;
}

} // namespace

Result<SshDestination> SshDestination::parse(const QString& url)
{
    const auto bad = [&url](const QString& why) {
        return makeError(
            ErrorCode::InvalidArgument,
            u"invalid SSH destination \"%1\": %2 (expected ssh://user@host[:port][/remote.sock])"_s.arg(url,
                                                                                                        why),
            url);
    };
    const QString trimmed = url.trimmed();
    if (!trimmed.startsWith(u"ssh://", Qt::CaseInsensitive))
        return bad(u"it does not start with ssh://"_s);
    QStringView rest = QStringView(trimmed).mid(6);
    if (rest.contains(u'?') || rest.contains(u'#'))
        return bad(u"a query or fragment is not allowed"_s);

    SshDestination d;
    const qsizetype slash = rest.indexOf(u'/');
    QStringView authority = slash < 0 ? rest : rest.left(slash);
    if (slash >= 0) {
        const QStringView path = rest.mid(slash);
        if (path != u"/") { // "ssh://host/" means the default socket
            if (!isValidSocketPath(path))
                return bad(u"the remote socket path \"%1\" is not an absolute path without ':', spaces "
                           u"or '..'"_s.arg(path));
            d.remoteSocket = path.toString();
        }
    }

    const qsizetype at = authority.lastIndexOf(u'@');
    if (at >= 0) {
        const QStringView user = authority.left(at);
        if (user.contains(u':'))
            return bad(u"a password does not belong in the URL; lbdeck asks for it when ssh needs it"_s);
        if (!isValidUser(user))
            return bad(u"the user name \"%1\" is empty or has characters ssh would not accept"_s.arg(user));
        d.user = user.toString();
        authority = authority.mid(at + 1);
    }

    QStringView portText;
    if (authority.startsWith(u'[')) {
        const qsizetype close = authority.indexOf(u']');
        if (close < 0)
            return bad(u"the IPv6 address has no closing ']'"_s);
        const QString v6 = authority.mid(1, close - 1).toString();
        QHostAddress address;
        if (!address.setAddress(v6) || address.protocol() != QAbstractSocket::IPv6Protocol)
            return bad(u"\"%1\" is not an IPv6 address"_s.arg(v6));
        d.host = v6;
        const QStringView after = authority.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(u':'))
                return bad(u"unexpected text after the IPv6 address"_s);
            portText = after.mid(1);
            if (portText.isEmpty())
                return bad(u"the port after ':' is missing"_s);
        }
    } else {
        const qsizetype colon = authority.indexOf(u':');
        const QStringView host = colon < 0 ? authority : authority.left(colon);
        if (host.isEmpty())
            return bad(u"the host is missing"_s);
        if (host.contains(u':') || (colon >= 0 && authority.indexOf(u':', colon + 1) >= 0))
            return bad(u"an IPv6 address must be written in brackets, as [::1]"_s);
        if (!isValidName(host))
            return bad(u"\"%1\" is not a host name, alias or IP address"_s.arg(host));
        d.host = host.toString();
        if (colon >= 0) {
            portText = authority.mid(colon + 1);
            if (portText.isEmpty())
                return bad(u"the port after ':' is missing"_s);
        }
    }
    if (!portText.isEmpty()) {
        bool ok = false;
        const uint port = portText.toUInt(&ok);
        if (!ok || port == 0 || port > 65535 || !portText.front().isDigit())
            return bad(u"\"%1\" is not a port number (1-65535)"_s.arg(portText));
        d.port = quint16(port);
    }
    return d;
}

QString SshDestination::toString() const
{
    QString s = u"ssh://"_s;
    if (!user.isEmpty())
        s += user + u'@';
    s += host.contains(u':') ? u'[' + host + u']' : host;
    if (port != 0)
        s += u':' + QString::number(port);
    if (remoteSocket != defaultRemoteSocket())
        s += remoteSocket;
    return s;
}

QString SshDestination::displayName() const
{
    QString s = user.isEmpty() ? QString() : user + u'@';
    if (port == 0)
        return s + host;
    return s + hostPort();
}

QString SshDestination::hostPort() const
{
    const QString h = host.contains(u':') ? u'[' + host + u']' : host;
    return h + u':' + QString::number(port == 0 ? 22 : port);
}

} // namespace lbdeck
