// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TemplateResource.h"

#include "ConfdLog.h"
#include "core/engine/Validation.h"
#include "core/engine/template/GoPath.h"
#include "core/engine/template/GoQuote.h"
#include "core/engine/template/GoString.h"
#include "core/engine/template/Template.h"
#include "core/util/Subprocess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck::confd {

namespace {

Error failure(const QString& message)
{
    return makeError(ErrorCode::Unknown, message);
}

QString errnoText(int e)
{
    return QString::fromLocal8Bit(std::strerror(e)).toLower();
}

bool startsWithAny(const QString& key, const QStringList& prefixes)
{
    return std::any_of(prefixes.cbegin(), prefixes.cend(), [&](const QString& p) {
        return key == p || key.startsWith(p.endsWith(u'/') ? p : p + u'/');
    });
}

struct FileState
{
    bool exists = false;
    uid_t uid = 0;
    gid_t gid = 0;
    mode_t mode = 0;
    QByteArray md5;
};

FileState stateOf(const QString& path)
{
    FileState s;
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return s;
    s.exists = true;
    s.uid = st.st_uid;
    s.gid = st.st_gid;
    s.mode = st.st_mode & 07777;
    QFile f(path);
    if (f.open(QIODevice::ReadOnly)) {
        QCryptographicHash h(QCryptographicHash::Md5);
        h.addData(&f);
        s.md5 = h.result().toHex();
    }
    return s;
}

// Go's os.FileMode.String() for permission bits: "-rw-r--r--".
QString modeString(mode_t m)
{
    QString out = u"-"_s;
    const char* rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; ++i)
        out += (m & (0400 >> i)) ? QChar(QLatin1Char(rwx[i])) : u'-';
    return out;
}

} // namespace

QString goPathJoin(const QStringList& parts)
{
    QStringList nonEmpty;
    for (const QString& p : parts) {
        if (!p.isEmpty())
            nonEmpty << p;
    }
    if (nonEmpty.isEmpty())
        return {};
    return tmpl::GoPath::clean(nonEmpty.join(u'/'));
}

Result<TemplateResource> TemplateResource::load(const QString& tomlPath, const ResourceSettings& settings)
{
    QFile f(tomlPath);
    if (!f.open(QIODevice::ReadOnly))
        return failure(
            u"Cannot process template resource %1 - open %1: %2"_s.arg(tomlPath, errnoText(ENOENT)));
    Result<ConfdResource> parsed =
        ConfdResource::parse(f.readAll(), tomlPath, settings.templateDir + u"/.."_s);
    if (!parsed)
        return failure(u"Cannot process template resource %1 - %2"_s.arg(tomlPath, parsed.error().message));
    TemplateResource t;
    t.m_resource = *parsed;
    t.m_settings = settings;
    // confd: the src is joined to the template directory as written; -prefix replaces the resource's.
    t.m_prefix = settings.prefix.isEmpty() ? t.m_resource.prefix : settings.prefix;
    if (!t.m_prefix.startsWith(u'/'))
        t.m_prefix.prepend(u'/');
    t.m_resource.prefix = t.m_prefix;
    t.m_uid = t.m_resource.uid.value_or(::geteuid());
    t.m_gid = t.m_resource.gid.value_or(::getegid());
    return t;
}

QList<QByteArray> TemplateResource::backendKeys() const
{
    QList<QByteArray> out;
    for (const QString& k : m_resource.keys)
        out << tmpl::toGoBytes(goPathJoin({m_prefix, k}));
    return out;
}

Result<mode_t> TemplateResource::fileMode() const
{
    if (m_resource.mode)
        return *m_resource.mode;
    const FileState dest = stateOf(m_resource.dest);
    return dest.exists ? dest.mode : mode_t(0644);
}

Result<QByteArray> TemplateResource::render(const KeyValues& values) const
{
    // The backend-address opt-in: under those keys a value must be host:port, or it is left out.
    QStringList guarded;
    for (const QString& k : m_resource.backendKeys)
        guarded << goPathJoin({m_prefix, k});
    tmpl::Store store;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        QString key = tmpl::fromGoBytes(it.key());
        if (!guarded.isEmpty() && startsWithAny(key, guarded)) {
            if (Result<QString> ok = validateValue(*it, SourceKind::Backends); !ok) {
                ConfdLog::warning(u"%1: value left out: %2 (declared as a backend address in %3)"_s.arg(
                    key, ok.error().message, m_resource.name));
                continue;
            }
        }
        if (key.startsWith(m_prefix))
            key = key.mid(m_prefix.size());
        store.insert(goPathJoin({u"/"_s, key}), tmpl::fromGoBytes(*it));
    }
    QFile src(m_resource.src);
    if (!src.exists())
        return failure(u"Missing template: "_s + m_resource.src);
    if (!src.open(QIODevice::ReadOnly))
        return failure(
            u"Unable to process template %1, open %1: %2"_s.arg(m_resource.src, src.errorString()));
    Result<tmpl::Template> t =
        tmpl::Template::parseBytes(QFileInfo(m_resource.src).fileName(), src.readAll());
    if (!t)
        return failure(u"Unable to process template %1, %2"_s.arg(m_resource.src, t.error().message));
    Result<QByteArray> text = t->renderBytes(store);
    if (!text)
        return failure(text.error().message);
    return text;
}

Result<QString> TemplateResource::stage(const QByteArray& text, mode_t mode) const
{
    // In dest's directory, so that the rename is atomic (confd: ioutil.TempFile(dir, "."+base)).
    const QFileInfo dest(m_resource.dest);
    QByteArray pattern = QFile::encodeName(dest.path() + u"/."_s + dest.fileName()) + "XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0)
        return failure(u"open %1: %2"_s.arg(QFile::decodeName(pattern), errnoText(errno)));
    const char* p = text.constData();
    qsizetype left = text.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, size_t(left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int e = errno;
            ::close(fd);
            ::unlink(pattern.constData());
            return failure(u"write %1: %2"_s.arg(QFile::decodeName(pattern), errnoText(e)));
        }
        p += n;
        left -= n;
    }
    // As confd: mode and owner now, so that the comparison with dest sees them; failures ignored.
    (void)::fchmod(fd, mode);
    (void)::fchown(fd, m_uid, m_gid);
    ::close(fd);
    return QFile::decodeName(pattern);
}

Result<void> TemplateResource::runCommand(const QString& command) const
{
    ConfdLog::debug(u"Running "_s + command);
    // As confd: sh -c, but exec'd directly when the command holds no shell syntax.
    Result<ProcessOutcome> r = runCommandLine(command, m_settings.commandTimeout);
    if (!r)
        return failure(r.error().message);
    const QString output = tmpl::GoQuote::quote(tmpl::fromGoBytes(r->output));
    if (!r->ok()) {
        ConfdLog::error(output);
        return failure(r->signal ? u"signal: %1"_s.arg(QString::fromLocal8Bit(strsignal(r->signal)))
                                 : u"exit status %1"_s.arg(r->exitCode));
    }
    ConfdLog::debug(output);
    return {};
}

Result<void> TemplateResource::sync(const QString& staged) const
{
    const QString& destPath = m_resource.dest;
    const FileState src = stateOf(staged);
    const FileState dest = stateOf(destPath);
    bool changed = !dest.exists;
    if (dest.exists) {
        if (dest.uid != src.uid)
            ConfdLog::info(u"%1 has UID %2 should be %3"_s.arg(destPath).arg(dest.uid).arg(src.uid));
        if (dest.gid != src.gid)
            ConfdLog::info(u"%1 has GID %2 should be %3"_s.arg(destPath).arg(dest.gid).arg(src.gid));
        if (dest.mode != src.mode)
            ConfdLog::info(
                u"%1 has mode %2 should be %3"_s.arg(destPath, modeString(dest.mode), modeString(src.mode)));
        if (dest.md5 != src.md5)
            ConfdLog::info(u"%1 has md5sum %2 should be %3"_s.arg(destPath, QString::fromLatin1(dest.md5),
                                                                  QString::fromLatin1(src.md5)));
        changed = dest.uid != src.uid || dest.gid != src.gid || dest.mode != src.mode || dest.md5 != src.md5;
    }
    if (m_settings.noop) {
        ConfdLog::warning(u"Noop mode enabled. "_s + destPath + u" will not be modified"_s);
        return {};
    }
    if (!changed) {
        ConfdLog::debug(u"Target config "_s + destPath + u" in sync"_s);
        return {};
    }
    ConfdLog::info(u"Target config "_s + destPath + u" out of sync"_s);
    if (!m_settings.syncOnly && !m_resource.checkCmd.isEmpty()) {
        // confd renders check_cmd as a template whose .src is the staged file.
        Result<tmpl::Template> t = tmpl::Template::parse(u"checkcmd"_s, m_resource.checkCmd);
        if (!t)
            return failure(u"Config check failed: "_s + t.error().message);
        Result<QString> cmd = t->render({}, tmpl::Value::map({{u"src"_s, tmpl::Value(staged)}}));
        if (!cmd)
            return failure(u"Config check failed: "_s + cmd.error().message);
        if (Result<void> ok = runCommand(*cmd); !ok)
            return failure(u"Config check failed: "_s + ok.error().message);
    }
    ConfdLog::debug(u"Overwriting target config "_s + destPath);
    const QByteArray from = QFile::encodeName(staged);
    const QByteArray to = QFile::encodeName(destPath);
    if (::rename(from.constData(), to.constData()) != 0) {
        const int e = errno;
        if (e != EBUSY)
            return failure(u"rename %1 %2: %3"_s.arg(staged, destPath, errnoText(e)));
        // dest is a mount point (a single-file bind mount): write in place, as confd does.
        ConfdLog::debug(u"Rename failed - target is likely a mount. Trying to write instead"_s);
        QFile in(staged);
        QFile out(destPath);
        if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return failure(u"open %1: %2"_s.arg(destPath, out.errorString()));
        const QByteArray bytes = in.readAll();
        if (out.write(bytes) != bytes.size() || !out.flush())
            return failure(u"write %1: %2"_s.arg(destPath, out.errorString()));
        (void)::chown(to.constData(), m_uid, m_gid);
    }
    if (!m_settings.syncOnly && !m_resource.reloadCmd.isEmpty()) {
        if (Result<void> ok = runCommand(m_resource.reloadCmd); !ok)
            return ok;
    }
    ConfdLog::info(u"Target config "_s + destPath + u" has been updated"_s);
    return {};
}

Result<void> TemplateResource::apply(const KeyValues& values) const
{
    Result<mode_t> mode = fileMode();
    if (!mode)
        return mode.error();
    Result<QByteArray> text = render(values);
    if (!text)
        return text.error();
    Result<QString> staged = stage(*text, *mode);
    if (!staged)
        return staged.error();
    Result<void> synced = sync(*staged);
    if (m_settings.keepStageFile) {
        if (QFileInfo::exists(*staged))
            ConfdLog::info(u"Keeping staged file: "_s + *staged);
    } else {
        QFile::remove(*staged);
    }
    return synced;
}

} // namespace lbdeck::confd
