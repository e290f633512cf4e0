// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "KeyStore.h"

#include "GoPath.h"

#include <QSet>

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

Error storeError(const QString& message)
{
    return makeError(ErrorCode::Template, message);
}

// Whether path.Clean(key) == key, so that path.Dir is the text before the last slash.
bool isClean(QStringView key)
{
    if (key.isEmpty() || (key.size() > 1 && key.back() == u'/'))
        return false;
    const QStringView body = key[0] == u'/' ? key.sliced(1) : key;
    if (body.isEmpty())
        return true;
    for (QStringView segment : body.tokenize(u'/')) {
        if (segment.isEmpty() || segment == u"." || segment == u"..")
            return false;
    }
    return true;
}

// path.Dir(key), without allocating for clean keys; storage keeps an allocated result alive.
QStringView dirOf(QStringView key, QString& storage)
{
    if (!isClean(key)) {
        storage = GoPath::dir(key);
        return storage;
    }
    const qsizetype slash = key.lastIndexOf(u'/');
    if (slash < 0)
        return u".";
    if (slash == 0)
        return u"/";
    return key.first(slash);
}

// memkv's samePrefixTerms: test starts with all of prefix's path terms.
bool samePrefixTerms(const QList<QStringView>& prefix, const QList<QStringView>& test)
{
    if (test.size() < prefix.size())
        return false;
    for (qsizetype i = 0; i < prefix.size(); ++i) {
        if (prefix[i] != test[i])
            return false;
    }
    return true;
}

// Sorting 10,000 values in Go's order is most of a large getvs. Their first twelve code units, ranked
// and packed into integers, decide nearly every comparison without reading the strings themselves;
// equal heads (a string and its prefix padded with U+0000 among them) fall back to the full comparison.
struct SortKey
{
    std::array<quint64, 3> head{};
    const QString* text = nullptr; // into the store
};

SortKey sortKey(const QString& text)
{
    SortKey key;
    key.text = &text;
    const qsizetype n = std::min<qsizetype>(text.size(), 12);
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t u = text[i].unicode();
        const quint64 rank = u >= 0xE000 ? u - 0x800 : u >= 0xD800 ? u + 0x2000 : u;
        key.head[std::size_t(i / 4)] |= rank << (48 - 16 * (i % 4));
    }
    return key;
}

Value sortedNames(const QSet<QStringView>& names)
{
    std::vector<QStringView> sorted(names.begin(), names.end());
    std::sort(sorted.begin(), sorted.end(),
              [](QStringView a, QStringView b) { return Value::lessStrings(a, b); });
    std::vector<Value> values;
    values.reserve(sorted.size());
    for (QStringView name : sorted)
        values.emplace_back(name.toString());
    return Value::list(std::move(values), Value::ListType::String);
}

} // namespace

bool KeyStore::exists(const QString& key) const
{
    return m_store.contains(key);
}

Result<Value> KeyStore::get(const QString& key) const
{
    const auto it = m_store.constFind(key);
    if (it == m_store.cend())
        return storeError(u"key does not exist: "_s + key);
    return Value::kvPair(it.key(), it.value());
}

Result<Value> KeyStore::getv(const QString& key, const std::optional<QString>& fallback) const
{
    const auto it = m_store.constFind(key);
    if (it != m_store.cend())
        return Value(it.value());
    if (fallback)
        return Value(*fallback);
    return storeError(u"key does not exist: "_s + key);
}

template<typename Visit>
Result<void> KeyStore::forEachMatch(const QString& pattern, Visit&& visit) const
{
    if (m_store.isEmpty())
        return {}; // memkv only notices a bad pattern when it has a key to match
    if (GoPath::match(pattern, QStringView()) == GoPath::MatchResult::BadPattern)
        return storeError(u"syntax error in pattern"_s);
    const QStringView prefix = GoPath::literalPrefix(pattern);
    // confd's usual "/dir/*" needs no pattern matching: the rest of the key just has no slash.
    const bool trailingStar = pattern.size() == prefix.size() + 1 && pattern.back() == u'*';
    for (auto it = m_store.lowerBound(prefix.toString()); it != m_store.cend() && it.key().startsWith(prefix);
         ++it) {
        const bool match = trailingStar ? !QStringView(it.key()).sliced(prefix.size()).contains(u'/')
                                        : GoPath::match(pattern, it.key()) == GoPath::MatchResult::Match;
        if (match)
            visit(it);
    }
    return {};
}

Result<Value> KeyStore::gets(const QString& pattern) const
{
    if (const auto cached = m_getsCache.constFind(pattern); cached != m_getsCache.cend())
        return *cached;
    std::vector<std::pair<QString, QString>> pairs;
    pairs.reserve(std::size_t(std::min<qsizetype>(m_store.size(), 1 << 16)));
    const auto scanned =
        forEachMatch(pattern, [&](Store::const_iterator it) { pairs.emplace_back(it.key(), it.value()); });
    if (!scanned)
        return scanned.error();
    // The map is in UTF-16 order; memkv sorts by Go's byte order, which differs only past U+D7FF.
    auto byKey = [](const auto& a, const auto& b) { return Value::lessStrings(a.first, b.first); };
    if (!std::is_sorted(pairs.begin(), pairs.end(), byKey))
        std::sort(pairs.begin(), pairs.end(), byKey);
    Value result = Value::kvPairs(std::move(pairs));
    m_getsCache.insert(pattern, result);
    return result;
}

Result<Value> KeyStore::getvs(const QString& pattern) const
{
    if (const auto cached = m_getvsCache.constFind(pattern); cached != m_getvsCache.cend())
        return *cached;
    std::vector<SortKey> keys;
    keys.reserve(std::size_t(std::min<qsizetype>(m_store.size(), 1 << 16))); // untouched pages cost nothing
    const auto scanned =
        forEachMatch(pattern, [&](Store::const_iterator it) { keys.push_back(sortKey(it.value())); });
    if (!scanned)
        return scanned.error();
    auto less = [](const SortKey& a, const SortKey& b) {
        for (std::size_t i = 0; i < a.head.size(); ++i) {
            if (a.head[i] != b.head[i])
                return a.head[i] < b.head[i];
        }
        return Value::lessStrings(*a.text, *b.text);
    };
    if (!std::is_sorted(keys.begin(), keys.end(), less))
        std::sort(keys.begin(), keys.end(), less);
    std::vector<QString> values;
    values.reserve(keys.size());
    for (const SortKey& key : keys)
        values.push_back(*key.text);
    Value result = Value::strings(std::move(values));
    m_getvsCache.insert(pattern, result);
    return result;
}

const std::vector<QString>& KeyStore::uncleanKeys() const
{
    if (!m_uncleanKeys) {
        m_uncleanKeys.emplace();
        for (auto it = m_store.cbegin(); it != m_store.cend(); ++it) {
            if (!isClean(it.key()))
                m_uncleanKeys->push_back(it.key());
        }
    }
    return *m_uncleanKeys;
}

Value KeyStore::ls(const QString& path) const
{
    QSet<QStringView> names;
    const QString cleaned = GoPath::clean(path);
    const QList<QStringView> prefix = QStringView(cleaned).split(u'/');
    auto consider = [&](QStringView key) {
        if (key == path) {
            return; // handled below, as memkv does before anything else
        }
        QString storage;
        if (!samePrefixTerms(prefix, dirOf(key, storage).split(u'/')))
            return;
        QStringView rest = key.startsWith(path) ? key.sliced(path.size()) : key;
        if (rest.startsWith(u'/'))
            rest = rest.sliced(1);
        const qsizetype slash = rest.indexOf(u'/');
        names.insert(slash < 0 ? rest : rest.first(slash));
    };
    QString baseName;
    if (const auto it = m_store.constFind(path); it != m_store.cend()) {
        baseName = GoPath::base(it.key());
        names.insert(baseName);
    }
    if (!cleaned.startsWith(u'/')) {
        for (auto it = m_store.cbegin(); it != m_store.cend(); ++it)
            consider(it.key());
        return sortedNames(names);
    }
    // A clean key can only match below "cleaned/"; an unclean one ("//test/x") can match from anywhere.
    const QString region = cleaned == u"/" ? cleaned : cleaned + u'/';
    for (auto it = m_store.lowerBound(region); it != m_store.cend() && it.key().startsWith(region); ++it)
        consider(it.key());
    for (const QString& key : uncleanKeys())
        consider(key);
    return sortedNames(names);
}

Value KeyStore::lsdir(const QString& path) const
{
    QSet<QStringView> names;
    QStringList owned; // names cut from a computed Dir, which the views must outlive
    const QString cleaned = GoPath::clean(path);
    const QList<QStringView> prefix = QStringView(cleaned).split(u'/');
    for (auto it = m_store.lowerBound(path); it != m_store.cend() && it.key().startsWith(path); ++it) {
        QString storage;
        const QList<QStringView> items = dirOf(it.key(), storage).split(u'/');
        if (samePrefixTerms(prefix, items) && items.size() - prefix.size() >= 1) {
            const QStringView name = items[prefix.size()];
            if (storage.isEmpty()) {
                names.insert(name);
            } else {
                owned.append(name.toString());
                names.insert(owned.constLast());
            }
        }
    }
    return sortedNames(names);
}

} // namespace lbdeck::tmpl
