// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "FileBackend.h"

#include "FileLookup.h"
#include "FileWatcher.h"
#include "YamlFlatten.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace lbdeck::confd {

FileBackend::FileBackend(QStringList paths, QString filter, QObject* parent)
    : Backend(parent)
    , m_paths(std::move(paths))
    , m_filter(filter.isEmpty() ? u"*"_s : std::move(filter))
{}

FileBackend::~FileBackend() = default;

void FileBackend::getValues(const QList<QByteArray>& keys, QObject* context, Callback<KeyValues> callback)
{
    QPointer<FileBackend> self(this);
    QMetaObject::invokeMethod(
        context ? context : this,
        [self, keys, callback = std::move(callback)] {
            if (self)
                callback(self->readValues(keys));
        },
        Qt::QueuedConnection);
}

Result<QByteArray> FileBackend::readSource(const QString& path)
{
    if (path != u"-")
        return readWholeFile(path);
    if (!m_stdin) {
        Result<QByteArray> in = readStandardInput();
        if (!in)
            return in;
        m_stdin = *in;
    }
    return *m_stdin;
}

Result<KeyValues> FileBackend::readValues(const QList<QByteArray>& keys)
{
    QStringList files;
    for (const QString& path : std::as_const(m_paths)) {
        if (path == u"-") {
            files << path;
            continue;
        }
        Result<QStringList> found = lookupFiles(path, m_filter);
        if (!found) {
            Error e = found.error();
            if (e.code == ErrorCode::InvalidArgument)
                e.message = u"-filter %1: %2"_s.arg(m_filter, e.message);
            return e;
        }
        files += *found;
    }

    KeyValues vars;
    for (const QString& file : std::as_const(files)) {
        Result<QByteArray> data = readSource(file);
        if (!data)
            return data.error();
        if (Result<void> parsed = flattenYaml(*data, vars); !parsed) {
            Error e = parsed.error();
            e.message = u"%1: %2"_s.arg(file == u"-" ? u"standard input"_s : file, e.message);
            return e;
        }
    }

    // Only the keys under one of the requested prefixes (a byte prefix: "/app" keeps "/apple").
    for (auto it = vars.begin(); it != vars.end();) {
        const bool wanted = std::any_of(keys.begin(), keys.end(),
                                        [&](const QByteArray& key) { return it.key().startsWith(key); });
        it = wanted ? std::next(it) : vars.erase(it);
    }
    return vars;
}

Result<void> FileBackend::watch(const QList<QByteArray>& keys)
{
    Q_UNUSED(keys); // any change to a file may change any key
    if (!m_watcher) {
        m_watcher = new FileWatcher(m_paths, m_filter, this);
        connect(m_watcher, &FileWatcher::changed, this, &Backend::changed);
        connect(m_watcher, &FileWatcher::failed, this, &Backend::watchFailed);
    }
    return m_watcher->start();
}

QString FileBackend::sources() const
{
    return m_paths.join(u", "_s);
}

} // namespace lbdeck::confd
