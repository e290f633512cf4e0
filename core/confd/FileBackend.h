// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Backend.h"

#include <QStringList>

#include <optional>

namespace lbdeck::confd {

class FileWatcher;

// confd's `-backend file -file PATH... -filter GLOB` (backends/file/client.go): YAML files, each
// PATH a file, a directory (walked recursively for files whose name matches the filter) or "-"
// for standard input. Every read takes all files in order, later files overriding earlier keys,
// and keeps the keys that start with one of the requested keys. The files are read in the event
// loop when the result is delivered (local files, as confd reads them).
class FileBackend : public Backend
{
    Q_OBJECT
public:
    explicit FileBackend(QStringList paths, QString filter = QStringLiteral("*"), QObject* parent = nullptr);
    ~FileBackend() override;

    void getValues(const QList<QByteArray>& keys, QObject* context, Callback<KeyValues> callback) override;
    Result<void> watch(const QList<QByteArray>& keys) override;
    QString sources() const override;

    // The read itself, synchronous: what getValues() delivers.
    Result<KeyValues> readValues(const QList<QByteArray>& keys);

private:
    Result<QByteArray> readSource(const QString& path);

    QStringList m_paths;
    QString m_filter;
    std::optional<QByteArray> m_stdin; // standard input can be read once; later reads reuse it
    FileWatcher* m_watcher = nullptr;
};

} // namespace lbdeck::confd
