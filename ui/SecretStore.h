// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/etcd/EtcdKv.h"

#include <QObject>

namespace lbdeck {

// Secrets (etcd password, key passphrases, SSH passwords) in the OS keychain through QtKeychain —
// the only place lbdeck keeps them. No plaintext fallback: without a keychain, saving fails with
// a message that says so.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    explicit SecretStore(QString service = QStringLiteral("lbdeck"), QObject* parent = nullptr);

    void write(const QString& key, const QString& secret, QObject* context, Callback<void> callback);
    // ErrorCode::NotFound when nothing is stored under key.
    void read(const QString& key, QObject* context, Callback<QString> callback);
    void remove(const QString& key, QObject* context, Callback<void> callback);

    static QString etcdPasswordKey(const QString& profile);
    static QString sshSecretKey(const QString& profile, const QString& node);

private:
    QString m_service;
};

} // namespace lbdeck
