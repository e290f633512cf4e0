// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "SecretStore.h"

#include <QDir>
#include <QFileInfo>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <qt6keychain/keychain.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

const QString Remedy =
    u"install and unlock gnome-keyring (or another Secret Service, such as KeePassXC's), "
    u"or start lbdeck inside a desktop session; lbdeck keeps secrets only in the keychain"_s;

QString where(const QString& key)
{
    return u"keychain, entry \"%1\""_s.arg(key);
}

Error noKeychain(const QString& why, const QString& key)
{
    return makeError(ErrorCode::Unavailable, u"No keychain: %1 — %2"_s.arg(why, Remedy), where(key));
}

// The unix socket of one D-Bus address entry ("unix:path=/run/user/1000/bus,guid=..."); empty for
// the kinds that cannot be checked without connecting (abstract sockets, tcp, launchd).
QString socketPath(const QString& entry)
{
    if (!entry.startsWith(u"unix:"_s))
        return {};
    const QStringList pairs = entry.mid(5).split(u',');
    for (const QString& pair : pairs) {
        if (pair.startsWith(u"path="_s))
            return QUrl::fromPercentEncoding(pair.mid(5).toUtf8());
    }
    return {};
}

// Why there is no session bus to ask, found without connecting (nothing here may block); empty
// when there may be one.
QString missingSessionBus()
{
    const QString address = qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS");
    if (address.isEmpty()) {
        // Without the variable, GLib and libdbus try the systemd user bus, $XDG_RUNTIME_DIR/bus.
        const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!runtime.isEmpty() && QFileInfo::exists(runtime + u"/bus"_s))
            return {};
        return u"no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set%1)"_s.arg(
            runtime.isEmpty() ? u" and there is no XDG_RUNTIME_DIR"_s
                              : u" and there is no %1"_s.arg(QDir(runtime).filePath(u"bus"_s)));
    }
    QStringList missing;
    for (const QString& entry : address.split(u';', Qt::SkipEmptyParts)) {
        const QString path = socketPath(entry);
        if (path.isEmpty() || QFileInfo::exists(path))
            return {};
        missing << path;
    }
    if (missing.isEmpty())
        return {};
    return u"no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS names %1, which does not exist)"_s.arg(
        missing.join(u", "_s));
}

QString describeTimeout(std::chrono::milliseconds t)
{
    return t.count() % 1000 == 0 ? u"%1 s"_s.arg(t.count() / 1000) : u"%1 ms"_s.arg(t.count());
}

Error keychainError(const QKeychain::Job* job, const QString& key)
{
    const QString detail = job->errorString();
    switch (job->error()) {
    case QKeychain::EntryNotFound:
        return makeError(ErrorCode::NotFound, u"nothing stored"_s, where(key));
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return noKeychain(u"no keychain backend is available (%1)"_s.arg(detail), key);
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return makeError(ErrorCode::PermissionDenied, u"access denied: %1"_s.arg(detail), where(key));
    default:
        break;
    }
    // libsecret's D-Bus failures arrive as "other errors": say what they mean.
    if (detail.contains(u"org.freedesktop.secrets"_s) || detail.contains(u"ServiceUnknown"_s))
        return noKeychain(
            u"nothing provides the Secret Service (org.freedesktop.secrets) on the D-Bus session bus (%1)"_s
                .arg(detail),
            key);
    if (detail.contains(u"Could not connect"_s) || detail.contains(u"autolaunch"_s) ||
        detail.contains(u"D-Bus"_s) || detail.contains(u"DBus"_s))
        return noKeychain(u"the D-Bus session bus cannot be reached (%1)"_s.arg(detail), key);
    return makeError(ErrorCode::Io, detail, where(key));
}

// Runs a keychain job on `key` (never with a plaintext fallback); its answer reaches callback once,
// unless context is gone by then: an error naming the entry, or what `value` reads from the finished
// job. A job that has not finished by the deadline is answered with a timeout and left to finish
// on its own (the keychain may still answer later; that answer is dropped). It has no parent for
// that reason: deleting it while libsecret still holds it would not be safe.
template<typename T, typename Value>
void runJob(QKeychain::Job* job, const QString& key, std::chrono::milliseconds timeout, QObject* context,
            Callback<T> callback, Value value, bool missingIsDone = false)
{
    const auto answered = std::make_shared<bool>(false);
    if (const QString why = missingSessionBus(); !why.isEmpty()) {
        delete job;
        QTimer::singleShot(0, context, [callback, error = noKeychain(why, key)] { callback(error); });
        return;
    }
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(key);
    QObject::connect(job, &QKeychain::Job::finished, job,
                     [guard = QPointer<QObject>(context), key, callback, value, missingIsDone,
                      answered](QKeychain::Job* j) {
                         if (!guard || std::exchange(*answered, true))
                             return;
                         if (j->error() != QKeychain::NoError &&
                             !(missingIsDone && j->error() == QKeychain::EntryNotFound))
                             callback(keychainError(j, key));
                         else
                             callback(value(j));
                     });
    QTimer::singleShot(timeout, Qt::PreciseTimer, context, [key, timeout, callback, answered] {
        if (std::exchange(*answered, true))
            return;
        callback(makeError(ErrorCode::Timeout,
                           u"No keychain answer within %1: the Secret Service on the D-Bus session bus does "
                           u"not respond (gnome-keyring hung, or waiting for an unlock prompt) — unlock or "
                           u"restart gnome-keyring and try again"_s.arg(describeTimeout(timeout)),
                           where(key)));
    });
    job->start();
}

} // namespace

SecretStore::SecretStore(QString service, QObject* parent)
    : QObject(parent)
    , m_service(std::move(service))
{}

QString SecretStore::etcdPasswordKey(const QString& profile)
{
    return u"profile/%1/etcd-password"_s.arg(profile);
}

QString SecretStore::sshSecretKey(const QString& profile, const QString& node)
{
    return u"profile/%1/node/%2/ssh"_s.arg(profile, node);
}

void SecretStore::write(const QString& key, const QString& secret, QObject* context, Callback<void> callback)
{
    auto* job = new QKeychain::WritePasswordJob(m_service);
    job->setTextData(secret);
    runJob<void>(job, key, m_timeout, context, std::move(callback),
                 [](QKeychain::Job*) { return Result<void>(); });
}

void SecretStore::read(const QString& key, QObject* context, Callback<QString> callback)
{
    runJob<QString>(new QKeychain::ReadPasswordJob(m_service), key, m_timeout, context, std::move(callback),
                    [](QKeychain::Job* j) {
                        return Result<QString>(static_cast<QKeychain::ReadPasswordJob*>(j)->textData());
                    });
}

void SecretStore::remove(const QString& key, QObject* context, Callback<void> callback)
{
    runJob<void>(
        new QKeychain::DeletePasswordJob(m_service), key, m_timeout, context, std::move(callback),
        [](QKeychain::Job*) { return Result<void>(); }, true);
}

} // namespace lbdeck
