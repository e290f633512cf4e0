// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConfigExport.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace lbdeck::configexport {

namespace {

Result<void> save(const QString& path, const QByteArray& data)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return makeError(ErrorCode::Io, u"cannot create the directory"_s, QFileInfo(path).absolutePath());
    QSaveFile f(path); // all or nothing: an export never leaves half a file
    if (!f.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io, f.errorString(), path);
    f.write(data);
    if (!f.commit())
        return makeError(ErrorCode::Io, f.errorString(), path);
    return {};
}

QByteArray shellQuote(const QByteArray& s)
{
    QByteArray out = "'";
    for (char c : s)
        out += c == '\'' ? QByteArray("'\\''") : QByteArray(1, c);
    return out + "'";
}

} // namespace

Result<void> writeConfig(const QString& path, const QByteArray& config)
{
    if (config.isEmpty())
        return makeError(ErrorCode::InvalidArgument,
                         u"there is no config to export yet (the engine has not rendered one)"_s, path);
    return save(path, config);
}

QByteArray confdTemplate(const QByteArray& prefix)
{
    QByteArray glob = prefix;
    if (!glob.endsWith('/'))
        glob += '/';
    return "upstream backend {\n{{range getvs \"" + glob +
           "*\"}}    server {{.}};\n{{end}}}\n\n"
           "server {\n    listen 80;\n    location / {\n        proxy_pass http://backend;\n    }\n}\n";
}

Result<QStringList> writeBundle(const QString& directory, const Bundle& bundle)
{
    if (bundle.config.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"there is no config to export yet"_s, directory);
    QByteArray keyDir = bundle.prefix;
    while (keyDir.size() > 1 && keyDir.endsWith('/'))
        keyDir.chop(1);
    const QByteArray toml =
        "# confd template resource exported by lbdeck (etcd revision " + QByteArray::number(bundle.revision) +
        ")\n[template]\nsrc = \"nginx.tmpl\"\ndest = \"/etc/nginx/conf.d/default.conf\"\nkeys = [\"" +
        keyDir +
        "\"]\nmode = \"0644\"\ncheck_cmd = \"/usr/sbin/nginx -t -c /etc/nginx/nginx.conf\"\n"
        "reload_cmd = \"/usr/sbin/nginx -s reload\"\n";
    QJsonObject keys;
    QByteArray script = "#!/bin/sh\n# The etcd keys behind this config, at revision " +
                        QByteArray::number(bundle.revision) + ".\nset -e\n";
    for (auto it = bundle.keys.cbegin(); it != bundle.keys.cend(); ++it) {
        keys.insert(QString::fromUtf8(it.key()), QString::fromUtf8(it.value()));
        script += "etcdctl put " + shellQuote(it.key()) + ' ' + shellQuote(it.value()) + '\n';
    }
    const QByteArray json = QJsonDocument(QJsonObject{{u"revision"_s, QString::number(bundle.revision)},
                                                      {u"prefix"_s, QString::fromUtf8(bundle.prefix)},
                                                      {u"keys"_s, keys}})
                                .toJson(QJsonDocument::Indented);
    const QList<QPair<QString, QByteArray>> files{
        {u"nginx.conf"_s, bundle.config},
        {u"confd/conf.d/nginx.toml"_s, toml},
        {u"confd/templates/nginx.tmpl"_s, confdTemplate(bundle.prefix)},
        {u"etcd-keys.json"_s, json},
        {u"etcd-keys.sh"_s, script},
    };
    QStringList written;
    for (const auto& [name, data] : files) {
        if (Result<void> r = save(directory + u'/' + name, data); !r)
            return r.error();
        written << name;
    }
    QFile::setPermissions(directory + u"/etcd-keys.sh"_s, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                              QFileDevice::ExeOwner | QFileDevice::ReadGroup |
                                                              QFileDevice::ReadOther);
    return written;
}

} // namespace lbdeck::configexport
