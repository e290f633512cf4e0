// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <sys/types.h>

namespace lbdeck {

// Ownership and mode for a destination file. Unset fields keep what the file has now (or, for a
// new file, the engine's own user and 0644).
struct FileAttributes
{
    std::optional<uid_t> uid;
    std::optional<gid_t> gid;
    std::optional<mode_t> mode;
};

// A candidate config written next to its destination (same directory, same filesystem), durable
// on disk, not yet visible under the destination's name. Removed unless installed.
class StagedFile
{
public:
    StagedFile() = default;
    StagedFile(StagedFile&& other) noexcept;
    StagedFile& operator=(StagedFile&& other) noexcept;
    StagedFile(const StagedFile&) = delete;
    StagedFile& operator=(const StagedFile&) = delete;
    ~StagedFile();

    const QString& path() const { return m_path; }
    const QString& destination() const { return m_destination; }
    bool isValid() const { return m_fd >= 0; }

private:
    friend class ConfigInstaller;
    void discard(); // close, and remove unless installed
    QString m_path;
    QString m_destination;
    int m_fd = -1;
    bool m_installed = false;
    bool m_synced = false;
};

// Writes configs so that the destination always holds either the old file or the new one, whole,
// with the owner and mode it should have — also when the process is killed at any point.
class ConfigInstaller
{
public:
    enum class Method
    {
        Rename,
        InPlace
    };

    // Writes content to a temporary file beside dest with the final owner and mode.
    static Result<StagedFile> stage(const QString& dest, const QByteArray& content,
                                    const FileAttributes& attributes);
    // fsync, rename over dest, fsync the directory. Where dest cannot be replaced by a rename
    // (a single-file bind mount: EBUSY, EXDEV), it is rewritten in place and the method says so.
    // syncDirectory = false leaves the directory's fsync to a later syncDirectoryOf() call (after
    // the reload: it only makes the rename itself survive a power cut).
    static Result<Method> install(StagedFile& staged, bool syncDirectory = true);
    // Flushes the staged data to disk; install() then has nothing left to wait for.
    static Result<void> syncData(StagedFile& staged);
    static void syncDirectoryOf(const QString& path);
    // Removes staged files a killed engine left behind for dest.
    static int removeStale(const QString& dest);
    static QByteArray stagePrefix(const QString& dest);
};

} // namespace lbdeck
