// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConfdResource.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <toml++/toml.h>

#include <sstream>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString normalizeKey(const QString& prefix, const QString& key)
{
    QString joined = u"/"_s + prefix + u"/"_s + key;
    static const QRegularExpression slashes(u"/+"_s);
    joined.replace(slashes, u"/"_s);
    if (joined.size() > 1 && joined.endsWith(u'/'))
        joined.chop(1);
    return joined;
}

QString tomlError(const toml::parse_error& e)
{
    const auto& where = e.source().begin;
    return u"line %1, column %2: %3"_s.arg(where.line)
        .arg(where.column)
        .arg(QString::fromUtf8(e.description().data(), qsizetype(e.description().size())));
}

} // namespace

QStringList ConfdResource::etcdKeys() const
{
    QStringList out;
    for (const QString& k : keys)
        out << normalizeKey(prefix, k);
    return out;
}

QStringList ConfdResource::etcdBackendKeys() const
{
    QStringList out;
    for (const QString& k : backendKeys)
        out << normalizeKey(prefix, k);
    return out;
}

QString expandCommand(const QString& command, const QString& src, const QString& dest)
{
    static const QRegularExpression srcTag(uR"(\{\{\s*\.src\s*\}\})"_s);
    static const QRegularExpression destTag(uR"(\{\{\s*\.dest\s*\}\})"_s);
    QString out = command;
    out.replace(srcTag, src);
    out.replace(destTag, dest);
    return out;
}

Result<ConfdResource> ConfdResource::parse(const QByteArray& text, const QString& fileName,
                                           const QString& confdir)
{
    auto bad = [&](const QString& why) { return makeError(ErrorCode::InvalidArgument, why, fileName); };
    toml::table doc;
    try {
        doc = toml::parse(std::string_view(text.constData(), size_t(text.size())), fileName.toStdString());
    } catch (const toml::parse_error& e) {
        return bad(tomlError(e));
    }
    const toml::table* t = doc["template"].as_table();
    if (!t)
        return bad(u"no [template] table"_s);
    ConfdResource r;
    r.name = fileName;
    auto str = [&](const char* key) -> QString {
        const auto v = (*t)[key].value<std::string>();
        return v ? QString::fromStdString(*v) : QString();
    };
    const QString src = str("src");
    r.dest = str("dest");
    if (src.isEmpty())
        return bad(u"src is required"_s);
    if (r.dest.isEmpty())
        return bad(u"dest is required"_s);
    r.src = QDir::isAbsolutePath(src) ? src : QDir(confdir).filePath(u"templates/"_s + src);
    r.prefix = str("prefix");
    r.checkCmd = str("check_cmd");
    r.reloadCmd = str("reload_cmd");
    auto strings = [&](const char* name, QStringList& out) -> Result<void> {
        if (const toml::array* list = (*t)[name].as_array()) {
            for (const toml::node& k : *list) {
                const auto s = k.value<std::string>();
                if (!s)
                    return bad(u"%1 must be strings"_s.arg(QString::fromLatin1(name)));
                out << QString::fromStdString(*s);
            }
        }
        return {};
    };
    // As in confd, a resource may read no key at all (a template of getenv, say).
    if (Result<void> k = strings("keys", r.keys); !k)
        return k.error();
    if (Result<void> k = strings("lbdeck_backends", r.backendKeys); !k)
        return k.error();
    if (const auto uid = (*t)["uid"].value<int64_t>())
        r.uid = uid_t(*uid);
    if (const auto gid = (*t)["gid"].value<int64_t>())
        r.gid = gid_t(*gid);
    if ((*t)["mode"]) {
        // confd writes mode as an octal string ("0644"); accept an integer too.
        bool ok = false;
        mode_t mode = 0;
        // confd: strconv.ParseUint(mode, 0, 32), so "0644" and "0o644" are octal, "420" decimal.
        if (const auto s = (*t)["mode"].value<std::string>()) {
            QString written = QString::fromStdString(*s);
            if (written.startsWith(u"0o"_s, Qt::CaseInsensitive))
                mode = mode_t(written.mid(2).toUInt(&ok, 8));
            else
                mode = mode_t(written.toUInt(&ok, 0));
        } else if (const auto i = (*t)["mode"].value<int64_t>())
            mode = mode_t(QString::number(*i).toUInt(&ok, 8));
        if (!ok || mode > 07777)
            return bad(u"mode must be octal, like \"0644\""_s);
        r.mode = mode;
    }
    return r;
}

Result<QList<ConfdResource>> ConfdResource::loadDirectory(const QString& confdir)
{
    QDir dir(confdir + u"/conf.d"_s);
    if (!dir.exists())
        return makeError(ErrorCode::NotFound,
                         u"no conf.d directory (confd layout: conf.d/*.toml, templates/*)"_s, confdir);
    QList<ConfdResource> out;
    const QStringList files = dir.entryList({u"*.toml"_s}, QDir::Files, QDir::Name);
    for (const QString& name : files) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            return makeError(ErrorCode::Io, f.errorString(), f.fileName());
        auto r = parse(f.readAll(), f.fileName(), confdir);
        if (!r)
            return r.error();
        out.append(*r);
    }
    if (out.isEmpty())
        return makeError(ErrorCode::NotFound, u"conf.d holds no template resource (*.toml)"_s, confdir);
    return out;
}

} // namespace lbdeck
