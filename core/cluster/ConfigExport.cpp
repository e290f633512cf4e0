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

// A TOML basic string.
QByteArray tomlString(const QString& s)
{
    QByteArray out = "\"";
    for (const char c : s.toUtf8()) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (uchar(c) < 0x20)
            out += "\\u00" + QByteArray::number(uchar(c), 16).rightJustified(2, '0');
        else
            out += c;
    }
    return out + '"';
}

QByteArray resource(const Bundle& b, const QByteArray& keyDir)
{
    QByteArray toml =
        "# confd template resource exported by lbdeck (etcd revision " + QByteArray::number(b.revision) +
        "): renders nginx.conf as lbdeck-engine does, see README.txt\n"
        "[template]\nsrc = \"nginx.tmpl\"\ndest = " +
        tomlString(b.dest) + "\nkeys = [" + tomlString(QString::fromUtf8(keyDir)) + "]\nmode = \"0644\"\n";
    if (!b.checkCmd.isEmpty())
        toml += "check_cmd = " + tomlString(b.checkCmd) + '\n';
    if (!b.reloadCmd.isEmpty())
        toml += "reload_cmd = " + tomlString(b.reloadCmd) + '\n';
    return toml;
}

QByteArray readme(const Bundle& b, const TemplateCheck& check)
{
    const QByteArray rev = QByteArray::number(b.revision);
    QByteArray out = "lbdeck config bundle, etcd revision " + rev + "\n\n" +
                     "nginx.conf                    the config lbdeck-engine put live\n"
                     "confd/conf.d/nginx.toml       a confd template resource that renders it from etcd\n"
                     "confd/templates/nginx.tmpl    the engine's own template (" +
                     b.engine.name.toUtf8() + "), given the engine's values\n" +
                     "etcd-keys.json, etcd-keys.sh  the keys under " + b.prefix + " at revision " + rev +
                     "\n\nRebuilding it without lbdeck:\n"
                     "  ETCDCTL_API=3 ETCDCTL_ENDPOINTS=http://127.0.0.1:2379 sh etcd-keys.sh\n"
                     "  confd -onetime -backend etcdv3 -node http://127.0.0.1:2379 -confdir ./confd\n"
                     "or lbdeck-engine --onetime with [engine] confdir = \"./confd\" in its config file.\n"
                     "It writes " +
                     b.dest.toUtf8() +
                     "\n(dest, check_cmd and reload_cmd are in confd/conf.d/nginx.toml).\n\n"
                     "The hash and revision marks\n"
                     "lbdeck-engine writes two things into its config that no template can know: the\n"
                     "config's hash (16 hex digits of BLAKE2b-256 over the text without them) and the etcd\n"
                     "revision it rendered at. It renders the stand-ins " +
                     b.engine.hashMark().toUtf8() + " and " + b.engine.revisionMark().toUtf8() +
                     "\nand then replaces them; the template in this bundle renders the same stand-ins.\n"
                     "confd writes them as they are; lbdeck-engine in confd mode fills them in as it does\n"
                     "for its own config (the same text gets the same hash; the revision is that of the\n"
                     "etcd it reads).\n";
    if (check.markLines.isEmpty()) {
        out += "This nginx.conf holds no such marks.\n";
    } else {
        out += "In this nginx.conf they are on these lines:\n";
        const QList<QByteArray> lines = b.config.split('\n');
        for (int line : check.markLines)
            out += "  line " + QByteArray::number(line) + ": " + lines.value(line - 1).trimmed() + '\n';
    }
    if (check.diff.isEmpty()) {
        out += "Every other byte is the same: checked when exporting, by rendering the template over\n"
               "etcd-keys.json as confd would.\n";
    } else {
        out += "\nOther differences found when exporting\n"
               "The template rendered over etcd-keys.json differs from nginx.conf in more than the\n"
               "marks. The keys may have changed since the engine rendered nginx.conf (a change on its\n"
               "way, or one the engine refused), or etcd holds what confd renders differently: a value\n"
               "under two keys (confd writes it twice, lbdeck once), a key more than one level below\n"
               "the prefix (confd's getvs skips it), a value lbdeck rejects (confd writes it;\n"
               "lbdeck-engine in confd mode rejects it too).\n\n" +
               check.diff.toUtf8();
    }
    return out;
}

} // namespace

Result<void> writeConfig(const QString& path, const QByteArray& config)
{
    if (config.isEmpty())
        return makeError(ErrorCode::InvalidArgument,
                         u"there is no config to export yet (the engine has not rendered one)"_s, path);
    return save(path, config);
}

void Bundle::setEngineStatus(const QJsonObject& status)
{
    engine = EngineTemplate::fromStatus(status);
    QString where = status.value(u"config"_s).toObject().value(u"dest"_s).toString();
    if (where.startsWith(u"container "_s))
        where = where.section(u':', 1); // the path inside it: the seed's confd wrote it to a shared volume
    if (where.startsWith(u'/'))
        dest = where;
}

Result<QStringList> writeBundle(const QString& directory, const Bundle& bundle)
{
    if (bundle.config.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"there is no config to export yet"_s, directory);
    const Result<QByteArray> tmpl = confdTemplate(bundle.engine);
    if (!tmpl)
        return makeError(tmpl.error().code, tmpl.error().message, directory);
    const Result<TemplateCheck> check = checkTemplate(bundle.engine, *tmpl, bundle.keys, bundle.config);
    if (!check)
        return makeError(check.error().code, check.error().message, directory);
    QByteArray keyDir = bundle.prefix;
    while (keyDir.size() > 1 && keyDir.endsWith('/'))
        keyDir.chop(1);
    QJsonObject keys;
    QByteArray script =
        "#!/bin/sh\n# The etcd keys behind this config, at revision " + QByteArray::number(bundle.revision) +
        ".\n# ETCDCTL_API=3 ETCDCTL_ENDPOINTS=http://127.0.0.1:2379 sh etcd-keys.sh\nset -e\n";
    for (auto it = bundle.keys.cbegin(); it != bundle.keys.cend(); ++it) {
        keys.insert(QString::fromUtf8(it.key()), QString::fromUtf8(it.value()));
        script += "etcdctl put -- " + shellQuote(it.key()) + ' ' + shellQuote(it.value()) + '\n';
    }
    const QByteArray json = QJsonDocument(QJsonObject{{u"revision"_s, QString::number(bundle.revision)},
                                                      {u"prefix"_s, QString::fromUtf8(bundle.prefix)},
                                                      {u"keys"_s, keys}})
                                .toJson(QJsonDocument::Indented);
    const QList<QPair<QString, QByteArray>> files{
        {u"nginx.conf"_s, bundle.config},
        {u"confd/conf.d/nginx.toml"_s, resource(bundle, keyDir)},
        {u"confd/templates/nginx.tmpl"_s, *tmpl},
        {u"etcd-keys.json"_s, json},
        {u"etcd-keys.sh"_s, script},
        {u"README.txt"_s, readme(bundle, *check)},
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
