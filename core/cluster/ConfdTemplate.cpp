// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConfdTemplate.h"

#include "core/engine/template/GoQuote.h"
#include "core/engine/template/Template.h"
#include "core/util/LineDiff.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck::configexport {

namespace {

// A line of the confd render, its marks standing for what the engine writes there: 16 hex digits
// (ConfigRenderer::configHash) and a revision number.
QRegularExpression marksPattern(const QString& line, const QString& hash, const QString& revision)
{
    QString pattern = u"^"_s;
    qsizetype from = 0;
    for (;;) {
        const qsizetype h = line.indexOf(hash, from);
        const qsizetype r = line.indexOf(revision, from);
        if (h < 0 && r < 0)
            break;
        const bool isHash = r < 0 || (h >= 0 && h < r);
        const qsizetype at = isHash ? h : r;
        pattern += QRegularExpression::escape(line.mid(from, at - from)) +
                   (isHash ? u"[0-9a-f]{16}"_s : u"[0-9]+"_s);
        from = at + (isHash ? hash : revision).size();
    }
    return QRegularExpression(pattern + QRegularExpression::escape(line.mid(from)) + u'$');
}

Result<QString> goLiteral(const QString& name, const QJsonValue& v)
{
    if (v.isString())
        return tmpl::GoQuote::quote(v.toString());
    if (v.isDouble())
        return QString::number(v.toInteger());
    if (v.isBool())
        return v.toBool() ? u"true"_s : u"false"_s;
    return makeError(ErrorCode::Protocol,
                     u"the engine's template parameter %1 is neither text nor a number"_s.arg(name));
}

} // namespace

EngineTemplate EngineTemplate::fromStatus(const QJsonObject& status)
{
    const QJsonObject t = status.value(u"config"_s).toObject().value(u"template"_s).toObject();
    EngineTemplate e;
    e.name = t.value(u"name"_s).toString();
    e.text = t.value(u"text"_s).toString();
    e.builtin = t.value(u"builtin"_s).toBool();
    e.parameters = t.value(u"parameters"_s).toObject();
    const QJsonArray sources = status.value(u"sources"_s).toArray();
    for (const QJsonValue& s : sources)
        e.prefixes << s.toObject().value(u"prefix"_s).toString();
    return e;
}

// A confd resource's text gets the same stand-ins filled in as the built-in one's.
QString EngineTemplate::hashMark() const
{
    const QString mark = parameters.value(u"Hash"_s).toString();
    return mark.isEmpty() ? u"@LBDECK-CONFIG-HASH@"_s : mark;
}

QString EngineTemplate::revisionMark() const
{
    const QString mark = parameters.value(u"Revision"_s).toString();
    return mark.isEmpty() ? u"@LBDECK-REVISION@"_s : mark;
}

Result<QByteArray> confdTemplate(const EngineTemplate& e)
{
    if (e.isEmpty())
        return makeError(ErrorCode::NotFound,
                         u"the engine does not say which template it renders (an lbdeck-engine older than "
                         u"this lbdeck?): update the engine, or export nginx.conf alone"_s);
    if (!e.builtin)
        return e.text.toUtf8(); // a confd resource already: the template as the engine runs it
    if (e.prefixes.size() != 1)
        return makeError(ErrorCode::InvalidArgument,
                         u"the engine merges the backends of %1 prefixes (%2) into one upstream, which one "
                         u"getvs in a confd template cannot: export from an engine with one [[source]]"_s
                             .arg(e.prefixes.size())
                             .arg(e.prefixes.join(u", "_s)));
    QString glob = e.prefixes.first();
    if (!glob.endsWith(u'/'))
        glob += u'/';
    QString args = u"\"Backends\" (getvs "_s + tmpl::GoQuote::quote(glob + u'*') + u')';
    for (auto it = e.parameters.constBegin(); it != e.parameters.constEnd(); ++it) {
        Result<QString> literal = goLiteral(it.key(), it.value());
        if (!literal)
            return literal.error();
        args += u' ' + tmpl::GoQuote::quote(it.key()) + u' ' + *literal;
    }
    // Go's text/template (and so confd) runs the main template with nil data: the engine's text
    // becomes a named template, called with the map as its dot and its $. Trim marks keep the
    // wrapper's own line breaks out of the output.
    const QString text =
        u"{{/* Exported by lbdeck: the template lbdeck-engine renders this config with, "_s + e.name +
        u",\n   unchanged from \"define\" on, given what the engine gives it: the values under "_s + glob +
        u"\n   (confd's getvs) and the engine's settings. "_s + e.hashMark() + u" and "_s + e.revisionMark() +
        u" stand\n   where the engine writes the config's hash and etcd revision: confd writes them as they\n"
        u"   are, lbdeck-engine fills them in. See README.txt. */}}\n"
        u"{{- template \"lbdeck\" map "_s +
        args + u"}}\n{{- define \"lbdeck\"}}"_s + e.text + u"{{end -}}\n"_s;
    if (Result<tmpl::Template> parsed = tmpl::Template::parse(e.name.section(u'/', -1), text); !parsed)
        return makeError(ErrorCode::Template,
                         u"the engine's template cannot be handed to confd as a named template: %1"_s.arg(
                             parsed.error().message),
                         e.name);
    return text.toUtf8();
}

Result<TemplateCheck> checkTemplate(const EngineTemplate& e, const QByteArray& confdTemplateText,
                                    const QMap<QByteArray, QByteArray>& keys, const QByteArray& config)
{
    Result<tmpl::Template> t = tmpl::Template::parse(u"nginx.tmpl"_s, QString::fromUtf8(confdTemplateText));
    if (!t)
        return t.error();
    tmpl::Store store; // confd's, for a resource without a prefix: the keys as etcd holds them
    for (auto it = keys.cbegin(); it != keys.cend(); ++it)
        store.insert(QString::fromUtf8(it.key()), QString::fromUtf8(it.value()));
    Result<QString> rendered = t->render(store);
    if (!rendered)
        return makeError(ErrorCode::Template,
                         u"the exported template does not render over the exported keys: %1"_s.arg(
                             rendered.error().message));
    const QString hash = e.hashMark();
    const QString revision = e.revisionMark();
    QStringList expected = rendered->split(u'\n');
    const QStringList have = QString::fromUtf8(config).split(u'\n');
    // A line with marks matches the config's line that says the same with the values filled in:
    // where it is expected or, when other lines differ, wherever it went.
    TemplateCheck out;
    QList<bool> used(have.size(), false);
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const QString& line = expected[i];
        if (!line.contains(hash) && !line.contains(revision))
            continue;
        const QRegularExpression pattern = marksPattern(line, hash, revision);
        qsizetype at = i < have.size() && pattern.match(have[i]).hasMatch() ? i : -1;
        for (qsizetype j = 0; at < 0 && j < have.size(); ++j) {
            if (!used[j] && pattern.match(have[j]).hasMatch())
                at = j;
        }
        if (at < 0 || used[at])
            continue;
        used[at] = true;
        out.markLines << int(at + 1);
        expected[i] = have[at];
    }
    std::sort(out.markLines.begin(), out.markLines.end());
    out.diff =
        unifiedDiff(config, expected.join(u'\n').toUtf8(), u"nginx.conf"_s, u"confd render of the bundle"_s);
    return out;
}

} // namespace lbdeck::configexport
