// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConfigRenderer.h"

#include "core/engine/template/GoPath.h"
#include "core/engine/template/GoString.h"

#include "core/traffic/AccessLogFormat.h"

#include <QCryptographicHash>
#include <QFile>

#include <algorithm>

using namespace Qt::StringLiterals;

static void initEngineResources()
{
    Q_INIT_RESOURCE(engine);
}

namespace lbdeck {

namespace {

// Stand-ins rendered into the text, replaced once the canonical text is known: the hash cannot be
// part of what it hashes, and a new revision alone must not count as a new config.
const QString HashMark = u"@LBDECK-CONFIG-HASH@"_s;
const QString RevisionMark = u"@LBDECK-REVISION@"_s;

// The text with the stand-ins filled in, in one pass (a 10,000-backend file is 300 KB).
QByteArray fillMarks(const QByteArray& canonical, const QByteArray& hash, const QByteArray& revision)
{
    static const QByteArray hashMark = HashMark.toLatin1();
    static const QByteArray revisionMark = RevisionMark.toLatin1();
    static const QByteArray common = "@LBDECK-";
    QByteArray out;
    out.reserve(canonical.size() + 64);
    qsizetype from = 0;
    for (qsizetype at = canonical.indexOf(common); at >= 0; at = canonical.indexOf(common, at + 1)) {
        const QByteArrayView rest = QByteArrayView(canonical).sliced(at);
        const QByteArray* with = rest.startsWith(hashMark)       ? &hash
                                 : rest.startsWith(revisionMark) ? &revision
                                                                 : nullptr;
        if (!with)
            continue;
        out.append(QByteArrayView(canonical).sliced(from, at - from)).append(*with);
        from = at + (with == &hash ? hashMark.size() : revisionMark.size());
        at = from - 1;
    }
    out.append(QByteArrayView(canonical).sliced(from));
    return out;
}

} // namespace

QString ConfigRenderer::builtinTemplateText()
{
    initEngineResources();
    QFile f(u":/lbdeck/templates/nginx.tmpl"_s);
    f.open(QIODevice::ReadOnly);
    return QString::fromUtf8(f.readAll());
}

QString ConfigRenderer::configHash(const QByteArray& canonical)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(canonical, QCryptographicHash::Blake2b_256).toHex().left(16));
}

Result<ConfigRenderer> ConfigRenderer::builtin(const NginxTarget& nginx, bool emptyUpstreamDown)
{
    QString text;
    QString name = u"nginx.tmpl"_s;
    if (nginx.templateFile.isEmpty()) {
        text = builtinTemplateText();
    } else {
        QFile f(nginx.templateFile);
        if (!f.open(QIODevice::ReadOnly))
            return makeError(ErrorCode::Io, u"cannot read the template: %1"_s.arg(f.errorString()),
                             nginx.templateFile);
        text = QString::fromUtf8(f.readAll());
        name = nginx.templateFile;
    }
    Result<tmpl::Template> t = tmpl::Template::parse(name, text);
    if (!t)
        return t.error();
    ConfigRenderer r(*t, name, text);
    r.m_builtin = true;
    r.m_nginx = nginx;
    r.m_emptyDown = emptyUpstreamDown;
    return r;
}

Result<ConfigRenderer> ConfigRenderer::confd(const ConfdResource& resource)
{
    QFile f(resource.src);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"cannot read the template: %1"_s.arg(f.errorString()), resource.src);
    const QString text = tmpl::fromGoBytes(f.readAll());
    Result<tmpl::Template> t = tmpl::Template::parse(resource.src.section(u'/', -1), text);
    if (!t)
        return t.error();
    ConfigRenderer r(*t, resource.name, text);
    r.m_confdPrefix = resource.prefix;
    r.m_confdKeys = resource.etcdKeys();
    return r;
}

QJsonObject ConfigRenderer::parameters(const QStringList& prefixes) const
{
    if (!m_builtin)
        return {};
    const NginxTarget& n = m_nginx;
    return QJsonObject{
        {u"Source"_s, prefixes.join(u", "_s)},
        {u"Revision"_s, RevisionMark},
        {u"Hash"_s, HashMark},
        {u"User"_s, n.user},
        {u"Workers"_s, n.workers},
        {u"WorkerShutdownTimeout"_s,
         n.workerShutdownTimeoutS > 0 ? u"%1s"_s.arg(n.workerShutdownTimeoutS) : QString()},
        {u"Pid"_s, n.pidFile},
        {u"ErrorLog"_s, n.errorLog},
        {u"TempDir"_s, n.tempDir},
        {u"Listen"_s, n.listen},
        {u"StatusListen"_s, n.statusListen},
        {u"Upstream"_s, n.upstream},
        {u"AccessLogFormat"_s, n.accessLogSocket.isEmpty() ? QString() : traffic::accessLogFormatDirective()},
        {u"AccessLog"_s,
         n.accessLogSocket.isEmpty() ? QString() : traffic::accessLogDirective(n.accessLogSocket)},
    };
}

QJsonObject ConfigRenderer::describeTemplate(const QStringList& prefixes) const
{
    return QJsonObject{
        {u"name"_s, m_name},
        {u"builtin"_s, m_builtin},
        {u"text"_s, m_text},
        {u"parameters"_s, parameters(prefixes)},
    };
}

Result<RenderedConfig> ConfigRenderer::render(const QList<ValidatedSource>& sources, qint64 revision) const
{
    RenderedConfig out;
    out.revision = revision;
    Result<QString> text = makeError(ErrorCode::Unknown, QString());
    if (m_builtin) {
        // confd's getvs order: sorted values, so the file does not depend on key names. Each
        // source keeps its values sorted as they change; only several sources need a merge.
        std::vector<QString> backends;
        QStringList prefixes;
        for (const ValidatedSource& s : sources) {
            prefixes << QString::fromUtf8(s.prefix);
            const std::vector<QString>& values = s.values.sorted();
            backends.insert(backends.end(), values.cbegin(), values.cend());
        }
        if (sources.size() > 1) {
            std::sort(backends.begin(), backends.end());
            backends.erase(std::unique(backends.begin(), backends.end()), backends.end());
        }
        out.backends = int(backends.size());
        if (backends.empty() && !m_emptyDown)
            return makeError(ErrorCode::Validation,
                             u"no valid backend: an empty upstream would stop nginx"_s);
        std::vector<tmpl::Value::Entry> fields{{u"Backends"_s, tmpl::Value::strings(std::move(backends))}};
        const QJsonObject params = parameters(prefixes);
        for (auto it = params.constBegin(); it != params.constEnd(); ++it)
            fields.emplace_back(it.key(),
                                it->isDouble() ? tmpl::Value(it->toInt()) : tmpl::Value(it->toString()));
        text = m_template.render(tmpl::Store(), tmpl::Value::map(std::move(fields)));
    } else {
        // confd's store: every key under the resource's keys (byte prefixes, as confd's etcd
        // backend reads them), the resource's prefix stripped and the rest cleaned as a path.
        tmpl::Store store;
        const QString p = m_confdPrefix.startsWith(u'/') ? m_confdPrefix : u"/"_s + m_confdPrefix;
        for (const ValidatedSource& s : sources) {
            for (auto it = s.accepted.cbegin(); it != s.accepted.cend(); ++it) {
                const QString& key = it.key();
                const bool wanted = std::any_of(m_confdKeys.cbegin(), m_confdKeys.cend(),
                                                [&](const QString& k) { return key.startsWith(k); });
                if (!wanted)
                    continue;
                const QString rest = key.startsWith(p) ? key.mid(p.size()) : key;
                store.insert(tmpl::GoPath::clean(QString(u"/"_s + rest)), it.value());
                ++out.backends;
            }
        }
        text = m_template.render(store);
    }
    if (!text)
        return text.error();
    out.canonical = tmpl::toGoBytes(*text);
    out.hash = configHash(out.canonical);
    out.text = fillMarks(out.canonical, out.hash.toLatin1(), QByteArray::number(revision));
    return out;
}

} // namespace lbdeck
