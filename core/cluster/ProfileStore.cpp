// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ProfileStore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace lbdeck {

ProfileStore::ProfileStore(QString directory)
    : m_dir(std::move(directory))
{}

QString ProfileStore::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + u"/profiles"_s;
}

QString ProfileStore::pathOf(const QString& name) const
{
    return m_dir + u'/' + QString::fromLatin1(QUrl::toPercentEncoding(name)) + u".json"_s;
}

QStringList ProfileStore::names() const
{
    QStringList out;
    for (const QString& f : QDir(m_dir).entryList({u"*.json"_s}, QDir::Files, QDir::Name))
        out << QUrl::fromPercentEncoding(f.chopped(5).toLatin1());
    return out;
}

Result<ClusterProfile> ProfileStore::load(const QString& name) const
{
    QFile f(pathOf(name));
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::NotFound, u"no profile named \"%1\""_s.arg(name), m_dir);
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (!doc.isObject())
        return makeError(ErrorCode::Validation, u"not a profile (%1)"_s.arg(pe.errorString()), f.fileName());
    const int version = ClusterProfile::formatVersionOf(doc.object());
    if (version > ClusterProfile::FormatVersion)
        return makeError(ErrorCode::Validation,
                         u"written by a newer lbdeck (profile format %1; this one reads up to %2): "
                         u"open it with that version"_s.arg(version)
                             .arg(ClusterProfile::FormatVersion),
                         f.fileName());
    ClusterProfile p = ClusterProfile::fromJson(doc.object());
    p.name = name;
    return p;
}

Result<void> ProfileStore::save(const ClusterProfile& profile) const
{
    if (profile.name.trimmed().isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"a profile needs a name"_s);
    if (!QDir().mkpath(m_dir))
        return makeError(ErrorCode::Io, u"cannot create the directory"_s, m_dir);
    const QString path = pathOf(profile.name);
    // The first save in the new format keeps the old file beside it, once: an older lbdeck that
    // shares this directory can still be pointed at it, and nothing the migration dropped is lost.
    if (QFile old(path); old.open(QIODevice::ReadOnly)) {
        const int version = ClusterProfile::formatVersionOf(QJsonDocument::fromJson(old.readAll()).object());
        const QString backup = path + u".v%1"_s.arg(version);
        if (version < ClusterProfile::FormatVersion && !QFile::exists(backup) && !QFile::copy(path, backup))
            return makeError(ErrorCode::Io, u"cannot keep a copy of the format-%1 profile"_s.arg(version),
                             backup);
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io, f.errorString(), f.fileName());
    f.write(QJsonDocument(profile.toJson()).toJson(QJsonDocument::Indented));
    if (!f.commit())
        return makeError(ErrorCode::Io, f.errorString(), f.fileName());
    return {};
}

Result<void> ProfileStore::remove(const QString& name) const
{
    if (!QFile::remove(pathOf(name)))
        return makeError(ErrorCode::NotFound, u"no profile named \"%1\""_s.arg(name), m_dir);
    return {};
}

QStringList ProfileStore::sshConfigHosts(const QString& sshConfigPath)
{
    QFile f(sshConfigPath);
    QStringList hosts;
    if (!f.open(QIODevice::ReadOnly))
        return hosts;
    static const QRegularExpression hostLine(uR"(^\s*Host\s+(.+)$)"_s,
                                             QRegularExpression::CaseInsensitiveOption);
    for (const QByteArray& raw : f.readAll().split('\n')) {
        const QRegularExpressionMatch m = hostLine.match(QString::fromUtf8(raw));
        if (!m.hasMatch())
            continue;
        for (const QString& h : m.captured(1).split(u' ', Qt::SkipEmptyParts)) {
            // Patterns (*, ?, !) are rules for many hosts, not a host to add.
            if (!h.contains(u'*') && !h.contains(u'?') && !h.startsWith(u'!') && !hosts.contains(h))
                hosts << h;
        }
    }
    return hosts;
}

ClusterProfile ProfileStore::fromEnvironment(const QString& sshConfigPath)
{
    ClusterProfile p;
    p.name = u"from environment"_s;
    const QString endpoints = qEnvironmentVariable("ETCDCTL_ENDPOINTS");
    p.etcd.endpoints = endpoints.isEmpty() ? QStringList{u"http://127.0.0.1:2379"_s}
                                           : endpoints.split(u',', Qt::SkipEmptyParts);
    p.etcd.tls.caFile = qEnvironmentVariable("ETCDCTL_CACERT");
    p.etcd.tls.certFile = qEnvironmentVariable("ETCDCTL_CERT");
    p.etcd.tls.keyFile = qEnvironmentVariable("ETCDCTL_KEY");
    const QString dockerHost = qEnvironmentVariable("DOCKER_HOST");
    if (!dockerHost.isEmpty())
        p.nodes.append({u"docker-host"_s, QString(), dockerHost});
    const QString config = sshConfigPath.isEmpty() ? QDir::homePath() + u"/.ssh/config"_s : sshConfigPath;
    for (const QString& host : sshConfigHosts(config))
        p.nodes.append({host, QString(), u"ssh://"_s + host});
    return p;
}

} // namespace lbdeck
