// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EtcdKv.h"

namespace lbdeck {

class EtcdTransport;
struct HttpRequest;
struct HttpResponse;

// etcd's v2 keys API, for legacy clusters like the seed's (etcd 2.x; etcd 3.4 with --enable-v2).
// Directories are flattened to their leaf keys; the etcd index plays the part of the revision.
class EtcdV2Client : public EtcdKv
{
    Q_OBJECT
public:
    explicit EtcdV2Client(const EtcdConfig& config, QObject* parent = nullptr);

    // v2 auth is HTTP basic auth; the password comes from the keychain.
    void setPassword(const QString& password);
    void setKeyPassphrase(const QByteArray& passphrase);

    EtcdApi api() const override { return EtcdApi::V2; }
    bool moveToNextEndpoint() override;
    QString describe() const override;
    EtcdTransport* transport() const { return m_transport; }

    void getPrefix(const QByteArray& prefix, QObject* context, Callback<KvSnapshot> callback) override;
    void put(const QByteArray& key, const QByteArray& value, int ttlSeconds, QObject* context,
             Callback<qint64> callback) override;
    void remove(const QByteArray& key, QObject* context, Callback<qint64> callback) override;
    void putIf(const QByteArray& key, const QByteArray& value, qint64 expectedModRevision, QObject* context,
               Callback<qint64> callback) override;
    void removeIf(const QByteArray& key, qint64 expectedModRevision, QObject* context,
                  Callback<qint64> callback) override;
    void members(QObject* context, Callback<QList<EtcdMember>> callback) override;
    EtcdWatch* watchPrefix(const QByteArray& prefix, qint64 fromRevision, QObject* parent) override;

    // Builds a request with the auth header, for the watch.
    HttpRequest request(const QByteArray& method, const QByteArray& target) const;

private:
    void call(const QByteArray& method, const QByteArray& target, const QByteArray& form,
              const QString& subject, QObject* context,
              std::function<void(const Result<HttpResponse>&)> done);

    void conditional(const QByteArray& method, const QByteArray& key, const QByteArray& form,
                     const QByteArray& query, qint64 expected, QObject* context, Callback<qint64> callback);

    EtcdConfig m_config;
    QString m_password;
    EtcdTransport* m_transport; // Owned (child).
};

} // namespace lbdeck
