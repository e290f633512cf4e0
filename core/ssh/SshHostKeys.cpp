// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "SshHostKeys.h"

#include "SshChildProcess.h"
#include "core/util/Logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QtEndian>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

// In the order OpenSSH itself prefers them when nothing is known yet.
const QStringList& acceptedKeyTypes()
{
    static const QStringList types{u"ssh-ed25519"_s, u"ecdsa-sha2-nistp256"_s, u"ecdsa-sha2-nistp384"_s,
                                   u"ecdsa-sha2-nistp521"_s, u"ssh-rsa"_s};
    return types;
}

// The blob must name its own type first (uint32 length + name): keyscan output is untrusted.
bool blobMatchesType(const QByteArray& blob, const QString& type)
{
    if (blob.size() < 4)
        return false;
    const quint32 len = qFromBigEndian<quint32>(blob.constData());
    return len == quint32(type.size()) && blob.size() >= qsizetype(4 + len) &&
           blob.mid(4, len) == type.toLatin1();
}

QString bracketed(const QString& host, quint16 port)
{
    if (port == 22)
        return host;
    return u"[%1]:%2"_s.arg(host).arg(port);
}

} // namespace

QString SshHostKey::knownHostsLine() const
{
    return u"%1 %2 %3"_s.arg(knownHostsName, type, QString::fromLatin1(blob.toBase64()));
}

QString SshResolvedHost::knownHostsName() const
{
    // ssh looks a HostKeyAlias up as written, without the port.
    return hostKeyAlias.isEmpty() ? bracketed(hostName, port) : hostKeyAlias;
}

SshHostKeys::SshHostKeys(Setup setup, QObject* parent)
    : QObject(parent)
    , m_setup(std::move(setup))
{}

QString SshHostKeys::fingerprint(const QByteArray& blob)
{
    return u"SHA256:"_s + QString::fromLatin1(QCryptographicHash::hash(blob, QCryptographicHash::Sha256)
                                                  .toBase64(QByteArray::OmitTrailingEquals));
}

SshResolvedHost SshHostKeys::parseConfigDump(const QByteArray& sshG)
{
    SshResolvedHost h;
    const QList<QByteArray> lines = sshG.split('\n');
    for (const QByteArray& raw : lines) {
        const QByteArray line = raw.trimmed();
        const qsizetype space = line.indexOf(' ');
        if (space <= 0)
            continue;
        const QByteArray key = line.left(space).toLower();
        const QString value = QString::fromUtf8(line.mid(space + 1).trimmed());
        if (key == "hostname")
            h.hostName = value;
        else if (key == "port")
            h.port = quint16(value.toUInt());
        else if (key == "user")
            h.user = value;
        else if (key == "hostkeyalias" && value != u"none")
            h.hostKeyAlias = value;
        else if ((key == "proxyjump" || key == "proxycommand") && value != u"none")
            h.viaProxy = true;
    }
    if (h.port == 0)
        h.port = 22;
    return h;
}

Result<SshHostKey> SshHostKeys::pickScannedKey(const QByteArray& keyscanOutput, const QString& knownHostsName)
{
    QList<SshHostKey> found;
    const QList<QByteArray> lines = keyscanOutput.split('\n');
    for (const QByteArray& raw : lines) {
        const QByteArray line = raw.trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QList<QByteArray> parts = line.simplified().split(' ');
        if (parts.size() < 3)
            continue;
        const QString type = QString::fromLatin1(parts.at(1));
        if (!acceptedKeyTypes().contains(type))
            continue;
        const auto decoded =
            QByteArray::fromBase64Encoding(parts.at(2), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || !blobMatchesType(*decoded, type))
            continue;
        found << SshHostKey{knownHostsName, type, *decoded, fingerprint(*decoded)};
    }
    for (const QString& type : acceptedKeyTypes()) {
        for (const SshHostKey& k : std::as_const(found)) {
            if (k.type == type)
                return k;
        }
    }
    return makeError(ErrorCode::Protocol,
                     u"%1 offered no usable host key (ed25519, ECDSA or RSA)"_s.arg(knownHostsName),
                     knownHostsName);
}

void SshHostKeys::check(const SshDestination& destination, Callback callback)
{
    QStringList args = m_setup.sshArgs;
    args << u"-G"_s << u"--"_s << destination.host;
    QPointer<SshHostKeys> self(this);
    runSshHelper(this, m_setup.sshProgram, args, m_setup.environment, m_setup.timeout,
                 [this, self, destination, callback](const Result<SshHelperOutput>& r) {
                     if (!self)
                         return;
                     if (!r) {
                         callback(r.error());
                         return;
                     }
                     if (r->exitCode != 0) {
                         callback(makeError(
                             ErrorCode::InvalidArgument,
                             u"ssh cannot make sense of %1 with this configuration: %2"_s.arg(
                                 destination.displayName(), QString::fromUtf8(r->err.trimmed().right(500))),
                             destination.displayName(), r->exitCode));
                         return;
                     }
                     Verdict v;
                     v.host = parseConfigDump(r->out);
                     if (v.host.hostName.isEmpty())
                         v.host.hostName = destination.host;
                     lookup(0, v, callback);
                 });
}

void SshHostKeys::lookup(int fileIndex, Verdict verdict, Callback callback)
{
    while (fileIndex < m_setup.knownHostsFiles.size() &&
           !QFileInfo(m_setup.knownHostsFiles.at(fileIndex)).isFile())
        ++fileIndex;
    if (fileIndex >= m_setup.knownHostsFiles.size()) {
        scan(std::move(verdict), std::move(callback));
        return;
    }
    const QString file = m_setup.knownHostsFiles.at(fileIndex);
    const QString name = verdict.host.knownHostsName();
    QPointer<SshHostKeys> self(this);
    // ssh-keygen -F understands hashed names, wildcards and @cert-authority lines like ssh does.
    runSshHelper(
        this, m_setup.keygenProgram, {u"-F"_s, name, u"-f"_s, file}, m_setup.environment, m_setup.timeout,
        [this, self, fileIndex, file, verdict, callback](const Result<SshHelperOutput>& r) {
            if (!self)
                return;
            if (!r) {
                callback(r.error());
                return;
            }
            if (r->exitCode == 0) {
                qCDebug(lcSsh) << "host key of" << verdict.host.knownHostsName() << "is known in" << file;
                Verdict known = verdict;
                known.known = true;
                callback(known);
                return;
            }
            lookup(fileIndex + 1, verdict, callback);
        });
}

void SshHostKeys::scan(Verdict verdict, Callback callback)
{
    if (verdict.host.viaProxy) {
        verdict.scanProblem = u"the host is reached through ProxyJump/ProxyCommand, which ssh-keyscan cannot "
                              u"follow: connect once with ssh in a terminal to record its key, then retry"_s;
        callback(verdict);
        return;
    }
    const int timeoutS =
        int(qMax<qint64>(1, std::chrono::duration_cast<std::chrono::seconds>(m_setup.timeout).count()));
    const QStringList args{u"-T"_s, QString::number(timeoutS), u"-p"_s, QString::number(verdict.host.port),
                           u"-t"_s, u"ed25519,ecdsa,rsa"_s,    u"--"_s, verdict.host.hostName};
    QPointer<SshHostKeys> self(this);
    runSshHelper(
        this, m_setup.keyscanProgram, args, m_setup.environment, m_setup.timeout + std::chrono::seconds(5),
        [self, verdict, callback](const Result<SshHelperOutput>& r) {
            if (!self)
                return;
            Verdict v = verdict;
            if (!r) {
                v.scanProblem = r.error().message;
                callback(v);
                return;
            }
            Result<SshHostKey> key = pickScannedKey(r->out, v.host.knownHostsName());
            if (key)
                v.scanned = *key;
            else if (!r->err.trimmed().isEmpty())
                v.scanProblem = QString::fromUtf8(r->err.trimmed().right(300));
            else
                v.scanProblem =
                    u"ssh-keyscan got no host key from %1:%2"_s.arg(v.host.hostName).arg(v.host.port);
            callback(v);
        });
}

Result<void> SshHostKeys::record(const SshHostKey& key) const
{
    const QString path = m_setup.appKnownHostsFile;
    const QFileInfo info(path);
    if (!info.dir().exists()) {
        if (!QDir().mkpath(info.absolutePath()))
            return makeError(ErrorCode::Io, u"cannot create the directory of %1"_s.arg(path), path);
        QFile::setPermissions(info.absolutePath(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadWrite | QIODevice::Append))
        return makeError(ErrorCode::Io, u"cannot open %1: %2"_s.arg(path, f.errorString()), path);
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    QByteArray line = key.knownHostsLine().toUtf8() + '\n';
    if (f.size() > 0 && f.seek(f.size() - 1) && f.read(1) != "\n")
        line.prepend('\n');
    if (f.write(line) != line.size() || !f.flush())
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(path, f.errorString()), path);
    qCInfo(lcSsh) << "recorded the host key" << key.type << key.fingerprint << "of" << key.knownHostsName
                  << "in" << path;
    return {};
}

} // namespace lbdeck
