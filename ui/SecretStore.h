// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/etcd/EtcdKv.h"

#include <QObject>

#include <chrono>

namespace lbdeck {

// Secrets (etcd password, key passphrases, SSH passwords) in the OS keychain through QtKeychain —
// the only place lbdeck keeps them. No plaintext fallback: without a keychain, saving fails with
// a message that says so.
//
// Every call is asynchronous and answers within timeout(): a keychain that does not answer (a hung
// gnome-keyring, a D-Bus socket nobody serves, an unlock prompt nobody sees) is an
// ErrorCode::Timeout, never a frozen window. A session without a D-Bus bus, or with nothing that
// provides the Secret Service on it, is ErrorCode::Unavailable with a message that says which.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds DefaultTimeout{5000};

    explicit SecretStore(QString service = QStringLiteral("lbdeck"), QObject* parent = nullptr);

    void write(const QString& key, const QString& secret, QObject* context, Callback<void> callback);
    // ErrorCode::NotFound when nothing is stored under key.
    void read(const QString& key, QObject* context, Callback<QString> callback);
    void remove(const QString& key, QObject* context, Callback<void> callback);

    std::chrono::milliseconds timeout() const { return m_timeout; }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    static QString etcdPasswordKey(const QString& profile);
    static QString sshSecretKey(const QString& profile, const QString& node);

private:
    QString m_service;
    std::chrono::milliseconds m_timeout = DefaultTimeout;
};

} // namespace lbdeck
