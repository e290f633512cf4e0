// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "reconcile_confd.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace lbdeck::bench {

namespace {

const QRegularExpression& upstreamBlock()
{
    // The built-in's upstream: "    upstream NAME {", one "        server VALUE;" per backend, "    }".
    static const QRegularExpression re(
        u"(\\n    upstream [^ ]+ \\{)(\\n        server [^\\n]*;)*(\\n    \\})"_s);
    return re;
}

const QRegularExpression& statusAnswer()
{
    static const QRegularExpression re(u"return 200 \"[^\"\\n]*\\\\n\";"_s);
    return re;
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QString normalized(const QByteArray& config)
{
    QString text = QString::fromUtf8(config);
    text = text.mid(text.indexOf(u'\n') + 1); // the first line says who wrote it
    text.replace(statusAnswer(), u"return 200 \"STATUS\\n\";"_s);
    return text;
}

} // namespace

QString confdTemplateFrom(const QByteArray& builtinConfig, const QString& statusKey)
{
    QString text = QString::fromUtf8(builtinConfig);
    if (text.contains(u"{{"_s) || !text.contains(upstreamBlock()) || !text.contains(statusAnswer()))
        return QString();
    text = u"# Written by lbdeck-engine from the confd resource nginx.toml (bench_reconcile)."_s +
           text.mid(text.indexOf(u'\n'));
    text.replace(upstreamBlock(),
                 u"\\1\n{{- range getvs \"/test/*\"}}\n        server {{.}};\n{{- end}}\\3"_s);
    text.replace(statusAnswer(), u"return 200 \"confd {{getv \"%1\"}}\\n\";"_s.arg(statusKey));
    return text;
}

QString confdCheckCmd(const QString& nginxBinary, const QString& nginxPrefix)
{
    return u"%1 -t -q -p %2 -c {{.src}}"_s.arg(nginxBinary, nginxPrefix);
}

QString confdReloadCmd(const QString& nginxBinary, const QString& nginxPrefix, const QString& dest,
                       qint64 masterPid)
{
    if (masterPid > 0)
        return u"/usr/bin/kill -HUP %1"_s.arg(masterPid);
    return u"%1 -s reload -p %2 -c %3"_s.arg(nginxBinary, nginxPrefix, dest);
}

QString writeConfdDir(const QString& parent, const QString& templateText, const QString& dest,
                      const QString& checkCmd, const QString& reloadCmd)
{
    const QDir dir(parent);
    if (!dir.mkpath(u"conf.d"_s) || !dir.mkpath(u"templates"_s))
        return u"cannot create %1/conf.d and templates"_s.arg(parent);
    const QString toml = u"[template]\nsrc = \"nginx.tmpl\"\ndest = \"%1\"\nkeys = [\"/test\"]\n"
                         u"check_cmd = \"%2\"\nreload_cmd = \"%3\"\n"_s.arg(dest, checkCmd, reloadCmd);
    if (!writeFile(dir.filePath(u"conf.d/nginx.toml"_s), toml.toUtf8()) ||
        !writeFile(dir.filePath(u"templates/nginx.tmpl"_s), templateText.toUtf8()))
        return u"cannot write the confd resource under %1"_s.arg(parent);
    return QString();
}

bool sameConfigExceptStatus(const QByteArray& builtin, const QByteArray& confd)
{
    return normalized(builtin) == normalized(confd);
}

QByteArray confdStatusAnswer(const QByteArray& value)
{
    return "confd " + value;
}

} // namespace lbdeck::bench
