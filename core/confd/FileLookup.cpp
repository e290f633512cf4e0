// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "FileLookup.h"

#include "GoPath.h"

#include <QFile>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck::confd {

namespace {

// Go's syscall.Errno texts are glibc's, starting in lower case.
QString errnoText(int error)
{
    char buf[256] = {};
    QString text = QString::fromLocal8Bit(strerror_r(error, buf, sizeof buf));
    if (!text.isEmpty())
        text[0] = text[0].toLower();
    return text;
}

ErrorCode codeFor(int error)
{
    switch (error) {
    case ENOENT:
    case ENOTDIR:
        return ErrorCode::NotFound;
    case EACCES:
    case EPERM:
        return ErrorCode::PermissionDenied;
    default:
        return ErrorCode::Io;
    }
}

Error pathError(const char* op, const std::string& path, int error)
{
    return makeError(codeFor(error), u"%1 %2: %3"_s.arg(QLatin1StringView(op),
                                                        QFile::decodeName(path.c_str()), errnoText(error)));
}

// filepath.EvalSymlinks fails at the first component that does not exist: say which.
Error missingPathError(const std::string& path, int error)
{
    std::size_t pos = path[0] == '/' ? 1 : 0;
    while (pos <= path.size()) {
        std::size_t next = path.find('/', pos);
        if (next == std::string::npos)
            next = path.size();
        const std::string prefix = path.substr(0, next);
        struct stat st
        {
        };
        if (!prefix.empty() && ::lstat(prefix.c_str(), &st) != 0)
            return pathError("lstat", prefix, errno);
        pos = next + 1;
    }
    return pathError("lstat", path, error);
}

std::string baseName(const std::string& path)
{
    // filepath.Base of a cleaned path (what FileInfo.Name() gives for a walked path).
    if (path == "/")
        return "/";
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> sortedNames(const std::string& dir)
{
    std::vector<std::string> names;
    DIR* d = ::opendir(dir.c_str());
    if (!d)
        return names; // filepath.Walk hands the error to confd's callback, which ignores it
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name != "." && name != "..")
            names.push_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

struct Walk
{
    std::string pattern;
    bool dirs = false; // RecursiveDirsLookup instead of RecursiveFilesLookup
    std::vector<std::string> found;
    std::optional<Error> error;

    // filepath.Walk(path, ...) with confd's callback; false stops the walk.
    bool visit(const std::string& path, bool isDir)
    {
        const std::optional<bool> match = goMatchPattern(pattern, baseName(path));
        if (!match) {
            error = makeError(ErrorCode::InvalidArgument, u"syntax error in pattern"_s);
            return false;
        }
        if (*match) {
            struct stat st
            {
            };
            if (::stat(path.c_str(), &st) != 0) {
                error = pathError("lstat", path, errno);
                return false;
            }
            if (S_ISDIR(st.st_mode) == dirs)
                found.push_back(path);
        }
        if (!isDir)
            return true;
        for (const std::string& name : sortedNames(path)) {
            const std::string child = goJoinPath(path, name);
            struct stat lst
            {
            };
            if (::lstat(child.c_str(), &lst) != 0)
                continue;
            if (!visit(child, S_ISDIR(lst.st_mode)))
                return false;
        }
        return true;
    }
};

Result<QStringList> lookup(const QString& root, const QString& pattern, bool dirs)
{
    const std::string path = goCleanPath(QFile::encodeName(root).toStdString());
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0)
        return missingPathError(path, errno);
    QStringList result;
    if (!S_ISDIR(st.st_mode)) {
        if (!dirs)
            result << QFile::decodeName(path.c_str());
        return result;
    }
    Walk walk{QFile::encodeName(pattern).toStdString(), dirs, {}, {}};
    walk.visit(path, true);
    if (walk.error)
        return *walk.error;
    for (const std::string& f : walk.found)
        result << QFile::decodeName(f.c_str());
    return result;
}

Result<QByteArray> readAll(int fd, const QString& path)
{
    QByteArray data;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return pathError("read", QFile::encodeName(path).toStdString(), errno);
        if (n == 0)
            return data;
        data.append(buf, n);
    }
}

} // namespace

Result<QStringList> lookupFiles(const QString& root, const QString& pattern)
{
    return lookup(root, pattern, false);
}

QStringList lookupDirs(const QString& root)
{
    return lookup(root, u"*"_s, true).valueOr({});
}

Result<QByteArray> readWholeFile(const QString& path)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return pathError("open", name.toStdString(), errno);
    Result<QByteArray> data = readAll(fd, path);
    ::close(fd);
    return data;
}

Result<QByteArray> readStandardInput()
{
    return readAll(STDIN_FILENO, u"-"_s);
}

} // namespace lbdeck::confd
