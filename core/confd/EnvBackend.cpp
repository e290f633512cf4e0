// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EnvBackend.h"

#include <QPointer>

#include <unistd.h>

namespace lbdeck::confd {

namespace {

// Go's strings.ToUpper / ToLower: rune by rune, simple case mapping.
QByteArray mapCase(const QByteArray& s, bool upper)
{
    const QList<uint> runes = QString::fromUtf8(s).toUcs4();
    QString out;
    for (const uint r : runes) {
        const char32_t mapped = upper ? QChar::toUpper(char32_t(r)) : QChar::toLower(char32_t(r));
        out += QString::fromUcs4(&mapped, 1);
    }
    return out.toUtf8();
}

// confd's transform(): "/database/host" -> "DATABASE_HOST".
QByteArray transform(const QByteArray& key)
{
    QByteArray k = key.startsWith('/') ? key.mid(1) : key;
    return mapCase(k.replace('/', '_'), true);
}

// confd's clean(): "DATABASE_HOST" -> "/database/host".
QByteArray clean(const QByteArray& name)
{
    return mapCase(QByteArray("/") + name, false).replace('_', '/');
}

} // namespace

KeyValues EnvBackend::readValues(const QList<QByteArray>& keys)
{
    QList<std::pair<QByteArray, QByteArray>> env;
    for (char** e = environ; e && *e; ++e) {
        const QByteArray entry(*e);
        const qsizetype eq = entry.indexOf('=');
        if (eq < 0)
            continue;
        env.append({entry.left(eq), entry.mid(eq + 1)});
    }
    KeyValues vars;
    for (const QByteArray& key : keys) {
        const QByteArray prefix = transform(key);
        for (const auto& [name, value] : std::as_const(env)) {
            if (name.startsWith(prefix))
                vars.insert(clean(name), value);
        }
    }
    return vars;
}

void EnvBackend::getValues(const QList<QByteArray>& keys, QObject* context, Callback<KeyValues> callback)
{
    QPointer<EnvBackend> self(this);
    QMetaObject::invokeMethod(
        context ? context : this,
        [self, keys, callback = std::move(callback)] {
            if (self)
                callback(readValues(keys));
        },
        Qt::QueuedConnection);
}

Result<void> EnvBackend::watch(const QList<QByteArray>& keys)
{
    Q_UNUSED(keys); // confd's env backend never reports a change
    return {};
}

QString EnvBackend::sources() const
{
    return {};
}

} // namespace lbdeck::confd
