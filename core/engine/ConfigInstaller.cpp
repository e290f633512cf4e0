// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConfigInstaller.h"

#include "core/util/Logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString errnoText(int error = errno)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

bool writeAll(int fd, const QByteArray& data)
{
    const char* p = data.constData();
    qsizetype left = data.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, size_t(left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        left -= n;
    }
    return true;
}

void syncDirectory(const QString& dir)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

StagedFile::StagedFile(StagedFile&& other) noexcept
    : m_path(std::move(other.m_path))
    , m_destination(std::move(other.m_destination))
    , m_fd(std::exchange(other.m_fd, -1))
    , m_installed(other.m_installed)
    , m_synced(other.m_synced)
{}

StagedFile& StagedFile::operator=(StagedFile&& other) noexcept
{
    if (this != &other) {
        discard();
        m_path = std::move(other.m_path);
        m_destination = std::move(other.m_destination);
        m_fd = std::exchange(other.m_fd, -1);
        m_installed = other.m_installed;
        m_synced = other.m_synced;
    }
    return *this;
}

StagedFile::~StagedFile()
{
    discard();
}

void StagedFile::discard()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (!m_installed && !m_path.isEmpty())
        ::unlink(QFile::encodeName(m_path).constData());
}

QByteArray ConfigInstaller::stagePrefix(const QString& dest)
{
    return "." + QFile::encodeName(QFileInfo(dest).fileName()) + ".lbdeck-";
}

Result<StagedFile> ConfigInstaller::stage(const QString& dest, const QByteArray& content,
                                          const FileAttributes& attributes)
{
    const QFileInfo info(dest);
    const QString dir = info.absolutePath();
    QByteArray pattern = QFile::encodeName(dir) + '/' + stagePrefix(dest) + "XXXXXX";
    const int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd < 0)
        return makeError(ErrorCode::Io, u"cannot create a file in %1: %2"_s.arg(dir, errnoText()), dest);
    StagedFile staged;
    staged.m_fd = fd;
    staged.m_path = QFile::decodeName(pattern);
    staged.m_destination = info.absoluteFilePath();

    struct stat current = {};
    const bool exists = ::stat(QFile::encodeName(dest).constData(), &current) == 0;
    const mode_t mode = attributes.mode.value_or(exists ? (current.st_mode & 07777) : 0644);
    const uid_t uid = attributes.uid.value_or(exists ? current.st_uid : ::geteuid());
    const gid_t gid = attributes.gid.value_or(exists ? current.st_gid : ::getegid());
    if (!writeAll(fd, content))
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(staged.m_path, errnoText()), dest);
    if (::fchmod(fd, mode) != 0)
        return makeError(
            ErrorCode::Io,
            u"cannot set mode %1 on %2: %3"_s.arg(mode, 4, 8, QChar(u'0')).arg(staged.m_path, errnoText()),
            dest);
    if ((uid != ::geteuid() || gid != ::getegid()) && ::fchown(fd, uid, gid) != 0)
        return makeError(
            ErrorCode::PermissionDenied,
            u"cannot give %1 to uid %2 gid %3: %4"_s.arg(staged.m_path).arg(uid).arg(gid).arg(errnoText()),
            dest);
    return staged;
}

Result<void> ConfigInstaller::syncData(StagedFile& staged)
{
    if (staged.m_synced)
        return {};
    if (::fdatasync(staged.m_fd) != 0)
        return makeError(ErrorCode::Io, u"fsync of %1 failed: %2"_s.arg(staged.m_path, errnoText()),
                         staged.destination());
    staged.m_synced = true;
    return {};
}

void ConfigInstaller::syncDirectoryOf(const QString& path)
{
    syncDirectory(QFileInfo(path).absolutePath());
}

Result<ConfigInstaller::Method> ConfigInstaller::install(StagedFile& staged, bool syncDir)
{
    if (!staged.isValid())
        return makeError(ErrorCode::InvalidArgument, u"nothing staged"_s, staged.destination());
    // Data first, then the name: after a crash the destination is the old file or the new one.
    if (Result<void> synced = syncData(staged); !synced)
        return synced.error();
    const QByteArray from = QFile::encodeName(staged.m_path);
    const QByteArray to = QFile::encodeName(staged.m_destination);
    const int renamed = ::rename(from.constData(), to.constData());
    const int renameErrno = errno;
    if (renamed == 0) {
        staged.m_installed = true;
        if (syncDir)
            syncDirectory(QFileInfo(staged.m_destination).absolutePath());
        return Method::Rename;
    }
    if (renameErrno != EBUSY && renameErrno != EXDEV && renameErrno != EPERM)
        return makeError(ErrorCode::Io,
                         u"cannot rename %1 over it: %2"_s.arg(staged.m_path, errnoText(renameErrno)),
                         staged.destination());
    // A bind-mounted single file cannot be replaced, only rewritten. The staged copy stays durable
    // until the rewrite is on disk, so a crash in between leaves a complete copy to recover from.
    qCWarning(lcEngine).noquote() << u"%1 cannot be replaced atomically (%2); rewriting it in place"_s.arg(
        staged.m_destination, errnoText(renameErrno));
    QFile source(staged.m_path);
    if (!source.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"cannot re-read %1"_s.arg(staged.m_path), staged.destination());
    const QByteArray content = source.readAll();
    const int fd = ::open(to.constData(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(ErrorCode::Io, u"cannot open for writing: %1"_s.arg(errnoText()),
                         staged.destination());
    const bool ok = writeAll(fd, content) && ::ftruncate(fd, content.size()) == 0 && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok)
        return makeError(ErrorCode::Io, u"rewriting in place failed: %1"_s.arg(errnoText()),
                         staged.destination());
    return Method::InPlace;
}

int ConfigInstaller::removeStale(const QString& dest)
{
    const QFileInfo info(dest);
    QDir dir(info.absolutePath());
    const QString prefix = QFile::decodeName(stagePrefix(dest));
    const QStringList leftovers = dir.entryList({prefix + u"*"_s}, QDir::Files | QDir::Hidden | QDir::System);
    int removed = 0;
    for (const QString& name : leftovers) {
        if (dir.remove(name))
            ++removed;
    }
    return removed;
}

} // namespace lbdeck
