// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "SshTunnelOptions.h"

#include <QDir>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

// ssh expands %tokens in known_hosts and identity paths: a literal '%' must be doubled.
QString sshPath(const QString& path)
{
    QString p = path;
    return p.replace(u'%', u"%%"_s);
}

} // namespace

QString sshSocketName(const QString& host)
{
    QString name;
    for (QChar c : host) {
        if (c.isLetterOrNumber() || c == u'.' || c == u'-' || c == u'_')
            name += c;
        else
            name += u'_';
    }
    return name.left(40) + u".sock"_s;
}

QString SshForward::toString() const
{
    if (kind == Kind::UnixSocket)
        return remoteSocket;
    const QString host = remoteHost.contains(u':') ? u'[' + remoteHost + u']' : remoteHost;
    return host + u':' + QString::number(remotePort);
}

QString sshDefaultAppKnownHostsFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/known_hosts"_s;
}

QString sshAppKnownHostsFile(const SshTunnelOptions& options)
{
    return options.appKnownHostsFile.isEmpty() ? sshDefaultAppKnownHostsFile() : options.appKnownHostsFile;
}

QString sshUserKnownHostsFile(const SshTunnelOptions& options)
{
    return options.userKnownHostsFile.isEmpty() ? QDir::homePath() + u"/.ssh/known_hosts"_s
                                                : options.userKnownHostsFile;
}

QStringList sshCommonOptions(const SshDestination& destination, const SshTunnelOptions& options, bool askpass)
{
    QStringList args;
    const auto option = [&args](const QString& o) { args << u"-o"_s << o; };
    // Without a way to ask, ssh must fail instead of waiting for a terminal it does not have.
    option(askpass ? u"BatchMode=no"_s : u"BatchMode=yes"_s);
    option(u"ExitOnForwardFailure=yes"_s);
    option(u"ServerAliveInterval=5"_s);
    option(u"ServerAliveCountMax=3"_s);
    option(u"ConnectTimeout=%1"_s.arg(options.connectTimeoutS));
    option(u"StreamLocalBindUnlink=yes"_s);
    option(u"StreamLocalBindMask=0177"_s); // the local socket: owner only
    option(u"StrictHostKeyChecking=yes"_s);
    // The user's known_hosts is read, never written: approved keys go to lbdeck's own file.
    option(u"UpdateHostKeys=no"_s);
    option(u"UserKnownHostsFile=\"%1\" \"%2\""_s.arg(sshPath(sshUserKnownHostsFile(options)),
                                                     sshPath(sshAppKnownHostsFile(options))));
    // One plain process per tunnel, whatever the user's config says about multiplexing or forking.
    option(u"ControlMaster=no"_s);
    option(u"ControlPath=none"_s);
    option(u"ForkAfterAuthentication=no"_s);
    option(u"PermitLocalCommand=no"_s);
    // Errors only: what SshFailure reads, without ssh's chatter.
    option(u"LogLevel=ERROR"_s);
    if (!options.identityFile.isEmpty())
        args << u"-i"_s << sshPath(options.identityFile);
    args << options.extraArgs;
    if (!destination.user.isEmpty())
        args << u"-l"_s << destination.user;
    if (destination.port != 0)
        args << u"-p"_s << QString::number(destination.port);
    return args;
}

QStringList sshTunnelArguments(const SshDestination& destination, const SshForward& forward,
                               const SshTunnelOptions& options, const QString& localSocket, bool askpass)
{
    QStringList args{u"-N"_s, u"-T"_s};
    args << sshCommonOptions(destination, options, askpass);
    args << u"-L"_s << localSocket + u':' + forward.toString();
    // "--": a host can never be read as an option.
    args << u"--"_s << destination.host;
    return args;
}

} // namespace lbdeck
