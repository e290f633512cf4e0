// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Validation.h"

#include "core/cluster/BackendAddress.h"
#include "core/engine/template/GoString.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

constexpr qsizetype MaxRawValue = 1024;

QString printable(QByteArrayView value)
{
    QString out;
    for (char c : value.first(qMin<qsizetype>(value.size(), 80))) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f)
            out += u"\\x%1"_s.arg(u, 2, 16, QChar(u'0'));
        else
            out += QChar(QLatin1Char(c));
    }
    if (value.size() > 80)
        out += u"… (%1 bytes)"_s.arg(value.size());
    return out;
}

} // namespace

Result<QString> validateValue(QByteArrayView value, SourceKind kind)
{
    if (kind == SourceKind::Verbatim)
        return tmpl::fromGoBytes(value);
    if (kind == SourceKind::Backends) {
        Result<BackendAddress> a = BackendAddress::parse(value);
        if (!a)
            return a.error();
        return a->toString();
    }
    if (value.size() > MaxRawValue)
        return makeError(ErrorCode::Validation, u"longer than %1 bytes"_s.arg(MaxRawValue));
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == ';' || c == '{' || c == '}' || c == '"' || c == '\'' || c == '#' ||
            c == '$' || c == '\\' || c == '`')
            return makeError(ErrorCode::Validation,
                             u"contains %1, which a config could misread"_s.arg(
                                 u < 0x21 || u >= 0x7f ? u"a blank, control or non-ASCII character"_s
                                                       : u"'%1'"_s.arg(QChar(QLatin1Char(c)))));
    }
    return QString::fromLatin1(value.toByteArray());
}

namespace {

bool under(const QByteArray& key, const QList<QByteArray>& prefixes)
{
    return std::any_of(prefixes.cbegin(), prefixes.cend(), [&](const QByteArray& p) {
        return key == p || key.startsWith(p.endsWith('/') ? p : p + '/');
    });
}

// A verbatim value goes in as it is; what nginx would read as syntax is reported, never changed.
const QString* acceptVerbatim(ValidatedSource& out, const QByteArray& key, const QByteArray& value)
{
    const QString k = tmpl::fromGoBytes(key);
    if (Result<QString> token = validateValue(value, SourceKind::Raw); !token)
        out.warnings.insert(k, {k, printable(value), token.error().message});
    return &*out.accepted.insert(k, tmpl::fromGoBytes(value));
}

// One key's verdict: into accepted, or into rejected with the reason. The accepted value, or null.
const QString* judge(ValidatedSource& out, const EngineSource& source, const QByteArray& key,
                     const QByteArray& value)
{
    if (source.kind == SourceKind::Verbatim && !under(key, source.backendPrefixes))
        return acceptVerbatim(out, key, value);
    const SourceKind kind = source.kind == SourceKind::Verbatim ? SourceKind::Backends : source.kind;
    const QString k = source.kind == SourceKind::Verbatim ? tmpl::fromGoBytes(key) : QString::fromUtf8(key);
    // Templates may print keys too (confd's base .Key): they obey the same token rules.
    if (Result<QString> checked = validateValue(key, SourceKind::Raw); !checked) {
        out.rejected.insert(k, {printable(key), printable(value), u"key "_s + checked.error().message});
        return nullptr;
    }
    Result<QString> v = validateValue(value, kind);
    if (!v) {
        out.rejected.insert(k, {k, printable(value), v.error().message});
        return nullptr;
    }
    return &*out.accepted.insert(k, *v);
}

// Drops key's verdict; the value it held, if accepted, is recorded as gone.
void forget(ValidatedSource& validated, const QString& key, std::vector<std::pair<bool, QString>>& steps)
{
    const auto it = validated.accepted.constFind(key);
    if (it != validated.accepted.cend()) {
        steps.emplace_back(false, *it);
        validated.accepted.erase(it);
    }
    validated.rejected.remove(key);
    validated.warnings.remove(key);
}

} // namespace

ValidatedSource validateSource(const EngineSource& source, const QMap<QByteArray, KeyValue>& entries,
                               qint64 revision)
{
    ValidatedSource out;
    out.prefix = source.prefix;
    out.revision = revision;
    std::vector<QString> values;
    values.reserve(std::size_t(entries.size()));
    for (auto it = entries.cbegin(); it != entries.cend(); ++it) {
        if (const QString* v = judge(out, source, it.key(), it->value))
            values.push_back(*v);
    }
    out.values = ValueSet::fromValues(std::move(values));
    return out;
}

QList<Rejection> applyChanges(ValidatedSource& validated, const EngineSource& source,
                              const QList<KvChange>& changes, qint64 revision)
{
    QList<Rejection> fresh;
    validated.prefix = source.prefix;
    validated.revision = qMax(validated.revision, revision);
    // The accepted values as they come and go, in order: the same key may change twice in a batch.
    std::vector<std::pair<bool, QString>> steps; // true: one more key holds it
    for (const KvChange& c : changes) {
        const QString k =
            source.kind == SourceKind::Verbatim ? tmpl::fromGoBytes(c.key) : QString::fromUtf8(c.key);
        forget(validated, k, steps);
        if (!c.after)
            continue;
        if (const QString* v = judge(validated, source, c.key, *c.after))
            steps.emplace_back(true, *v);
        else
            fresh.append(validated.rejected.value(k));
    }
    // A few changes shift the sorted values in place; a flood (a resync) sorts them once instead.
    if (steps.size() > 256) {
        std::vector<QString> all(validated.accepted.cbegin(), validated.accepted.cend());
        validated.values = ValueSet::fromValues(std::move(all));
        return fresh;
    }
    for (const auto& [added, value] : steps) {
        if (added)
            validated.values.add(value);
        else
            validated.values.remove(value);
    }
    return fresh;
}

} // namespace lbdeck
