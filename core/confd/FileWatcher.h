// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QFileSystemWatcher>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace lbdeck::confd {

// What confd's file backend watches (fsnotify): every directory under a directory path, and each
// file path. Also watches the files a directory holds that match the filter (inotify on a
// directory does not see writes into its files) and the parent of each file path, so that an
// editor's atomic replace (write elsewhere, rename over) or a delete and re-create is seen and
// the new file watched again. changed() is debounced.
class FileWatcher : public QObject
{
    Q_OBJECT
public:
    FileWatcher(QStringList paths, QString filter, QObject* parent = nullptr);

    // Watches; an error names a path that cannot be watched (neither it nor its directory exists).
    Result<void> start();

Q_SIGNALS:
    void changed();
    // An existing path could not be watched (inotify's watch limit, for one).
    void failed(const QString& error);

private:
    struct Snapshot
    {
        bool exists = false;
        quint64 device = 0;
        quint64 inode = 0;
        qint64 size = 0;
        qint64 mtimeNs = 0;
        qint64 ctimeNs = 0;
        bool operator==(const Snapshot&) const = default;
    };
    static Snapshot snapshot(const QString& path);

    void addMissing();
    void onFileChanged(const QString& path);
    void onDirectoryChanged(const QString& dir);
    void add(const QString& path);

    QStringList m_paths;
    QString m_filter;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QStringList m_trees;                // directory paths
    QHash<QString, Snapshot> m_files;   // file paths, as they were last seen
    QHash<QString, QString> m_parentOf; // file path -> its directory
    bool m_started = false;
};

} // namespace lbdeck::confd
