// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "SecretStore.h"

#include <QPointer>

#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

Error keychainError(const QKeychain::Job* job, const QString& key)
{
    const QString where = u"keychain, entry \"%1\""_s.arg(key);
    switch (job->error()) {
    case QKeychain::EntryNotFound:
        return makeError(ErrorCode::NotFound, u"nothing stored"_s, where);
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return makeError(
            ErrorCode::Unavailable,
            u"no keychain is available (%1); lbdeck keeps secrets only in the keychain — start "
            u"your desktop's secret service (e.g. gnome-keyring) and try again"_s.arg(job->errorString()),
            where);
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return makeError(ErrorCode::PermissionDenied, u"access denied: %1"_s.arg(job->errorString()), where);
    default:
        return makeError(ErrorCode::Io, job->errorString(), where);
    }
}

// Runs a keychain job on `key` (never with a plaintext fallback); its answer reaches callback, unless
// context is gone by then: an error naming the entry, or what `value` reads from the finished job.
template<typename T, typename Value>
void runJob(QKeychain::Job* job, const QString& key, QObject* context, Callback<T> callback, Value value,
            bool missingIsDone = false)
{
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(key);
    QObject::connect(
        job, &QKeychain::Job::finished, job,
        [guard = QPointer<QObject>(context), key, callback, value, missingIsDone](QKeychain::Job* j) {
            if (!guard)
                return;
            if (j->error() != QKeychain::NoError &&
                !(missingIsDone && j->error() == QKeychain::EntryNotFound))
                callback(keychainError(j, key));
            else
                callback(value(j));
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
    auto* job = new QKeychain::WritePasswordJob(m_service, this);
    job->setTextData(secret);
    runJob<void>(job, key, context, std::move(callback), [](QKeychain::Job*) { return Result<void>(); });
}

void SecretStore::read(const QString& key, QObject* context, Callback<QString> callback)
{
    runJob<QString>(new QKeychain::ReadPasswordJob(m_service, this), key, context, std::move(callback),
                    [](QKeychain::Job* j) {
                        return Result<QString>(static_cast<QKeychain::ReadPasswordJob*>(j)->textData());
                    });
}

void SecretStore::remove(const QString& key, QObject* context, Callback<void> callback)
{
    runJob<void>(
        new QKeychain::DeletePasswordJob(m_service, this), key, context, std::move(callback),
        [](QKeychain::Job*) { return Result<void>(); }, true);
}

} // namespace lbdeck
