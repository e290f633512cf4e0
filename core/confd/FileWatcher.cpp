// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "FileWatcher.h"

#include "FileLookup.h"
#include "GoPath.h"

#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace lbdeck::confd {

namespace {
constexpr int kDebounceMs = 10;
}

FileWatcher::FileWatcher(QStringList paths, QString filter, QObject* parent)
    : QObject(parent)
    , m_paths(std::move(paths))
    , m_filter(std::move(filter))
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, [this] { Q_EMIT changed(); });
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &FileWatcher::onFileChanged);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &FileWatcher::onDirectoryChanged);
}

FileWatcher::Snapshot FileWatcher::snapshot(const QString& path)
{
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return Snapshot{true,
                    quint64(st.st_dev),
                    quint64(st.st_ino),
                    qint64(st.st_size),
                    qint64(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                    qint64(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec};
}

Result<void> FileWatcher::start()
{
    if (m_started)
        return {};
    for (const QString& path : std::as_const(m_paths)) {
        if (path == u"-")
            continue; // standard input: nothing to watch
        if (QFileInfo(path).isDir()) {
            m_trees << QFile::decodeName(goCleanPath(QFile::encodeName(path).toStdString()).c_str());
            continue;
        }
        const QString dir = QFileInfo(path).absolutePath();
        if (!QFileInfo(dir).isDir()) {
            return makeError(ErrorCode::NotFound,
                             u"cannot watch %1: its directory %2 does not exist"_s.arg(path, dir));
        }
        m_files.insert(path, snapshot(path));
        m_parentOf.insert(path, dir);
    }
    m_started = true;
    addMissing();
    return {};
}

void FileWatcher::add(const QString& path)
{
    if (!m_watcher.addPath(path) && QFileInfo::exists(path))
        Q_EMIT failed(u"cannot watch %1 for changes"_s.arg(path));
}

// Watches what exists now and is not watched yet: new directories and files in the trees, file
// paths that (re)appeared.
void FileWatcher::addMissing()
{
    const QStringList watchedFiles = m_watcher.files();
    const QStringList watchedDirs = m_watcher.directories();
    const QSet<QString> files(watchedFiles.begin(), watchedFiles.end());
    const QSet<QString> dirs(watchedDirs.begin(), watchedDirs.end());
    for (const QString& tree : std::as_const(m_trees)) {
        for (const QString& dir : lookupDirs(tree)) {
            if (!dirs.contains(dir))
                add(dir);
        }
        for (const QString& file : lookupFiles(tree, m_filter).valueOr({})) {
            if (!files.contains(file))
                add(file);
        }
    }
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it) {
        if (!dirs.contains(m_parentOf.value(it.key())))
            add(m_parentOf.value(it.key()));
        if (!files.contains(it.key()) && QFileInfo::exists(it.key()))
            add(it.key());
    }
}

void FileWatcher::onFileChanged(const QString& path)
{
    // A rename over the file leaves the watch on the old inode: watch the path afresh.
    m_watcher.removePath(path);
    if (m_files.contains(path))
        m_files[path] = snapshot(path);
    addMissing();
    m_debounce.start();
}

void FileWatcher::onDirectoryChanged(const QString& dir)
{
    bool relevant = false;
    for (const QString& tree : std::as_const(m_trees)) {
        if (dir == tree || dir.startsWith(tree == u"/" ? tree : tree + u'/'))
            relevant = true; // confd reacts to any create/remove in a watched directory
    }
    for (auto it = m_files.begin(); it != m_files.end(); ++it) {
        if (m_parentOf.value(it.key()) != dir)
            continue;
        const Snapshot now = snapshot(it.key());
        if (now != it.value()) {
            it.value() = now;
            m_watcher.removePath(it.key());
            relevant = true;
        }
    }
    addMissing();
    if (relevant)
        m_debounce.start();
}

} // namespace lbdeck::confd
