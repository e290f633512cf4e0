// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EtcdKv.h"
#include "EtcdV3Codec.h"

#include <QList>
#include <QPointer>

namespace lbdeck {

class EtcdTransport;
class EtcdV3Watch;

// etcd v3 through its JSON gateway. Several endpoints: a call that cannot reach one moves on to the
// next. With a user, the client authenticates on first use and again, transparently, whenever the
// server says the token expired.
class EtcdV3Client : public EtcdKv
{
    Q_OBJECT
public:
    explicit EtcdV3Client(const EtcdConfig& config, QObject* parent = nullptr);
    ~EtcdV3Client() override;

    // From the keychain; kept in memory only.
    void setPassword(const QString& password);
    void setKeyPassphrase(const QByteArray& passphrase);

    EtcdApi api() const override { return EtcdApi::V3; }
    QString describe() const override;
    QString currentEndpoint() const;
    const EtcdConfig& config() const { return m_config; }
    EtcdTransport* transport() const { return m_transport; }
    int authentications() const { return m_authentications; }

    void range(const QByteArray& key, const etcdv3::RangeOptions& options, QObject* context,
               Callback<KvSnapshot> callback);
    void getPrefix(const QByteArray& prefix, QObject* context, Callback<KvSnapshot> callback) override;
    void put(const QByteArray& key, const QByteArray& value, int ttlSeconds, QObject* context,
             Callback<qint64> callback) override;
    void putWithLease(const QByteArray& key, const QByteArray& value, qint64 lease, QObject* context,
                      Callback<qint64> callback);
    // One transaction: the put happens only while `guard` is absent (the registrar's fence records).
    void putWithLeaseUnless(const QByteArray& key, const QByteArray& value, qint64 lease,
                            const QByteArray& guard, QObject* context, Callback<etcdv3::TxnResult> callback);
    void remove(const QByteArray& key, QObject* context, Callback<qint64> callback) override;
    void putIf(const QByteArray& key, const QByteArray& value, qint64 expectedModRevision, QObject* context,
               Callback<qint64> callback) override;
    void removeIf(const QByteArray& key, qint64 expectedModRevision, QObject* context,
                  Callback<qint64> callback) override;
    void removePrefix(const QByteArray& prefix, QObject* context, Callback<qint64> callback);
    void compareAndSwap(const QByteArray& key, const std::optional<QByteArray>& expected,
                        const QByteArray& value, QObject* context, Callback<etcdv3::TxnResult> callback);
    void compact(qint64 revision, QObject* context, Callback<void> callback);

    void leaseGrant(qint64 ttlSeconds, QObject* context, Callback<LeaseInfo> callback);
    void leaseKeepAlive(qint64 id, QObject* context, Callback<LeaseInfo> callback);
    void leaseRevoke(qint64 id, QObject* context, Callback<void> callback);
    void leaseTimeToLive(qint64 id, QObject* context, Callback<LeaseInfo> callback);

    void members(QObject* context, Callback<QList<EtcdMember>> callback) override;
    void status(QObject* context, Callback<EtcdStatus> callback);
    void authenticate(QObject* context, Callback<void> callback);

    EtcdWatch* watchPrefix(const QByteArray& prefix, qint64 fromRevision, QObject* parent) override;
    EtcdV3Watch* watch(const QByteArray& key, const QByteArray& rangeEnd, qint64 fromRevision,
                       QObject* parent);

    bool moveToNextEndpoint() override;

private:
    friend class EtcdV3Watch;
    struct Call;
    void post(const QByteArray& path, const QByteArray& body, const QString& subject, QObject* context,
              Callback<QByteArray> callback, bool idempotent = true);
    void attempt(std::shared_ptr<Call> call);
    void withToken(QObject* context, std::function<void(const Result<void>&)> then);
    void invalidateToken(const QByteArray& token);
    QString whereFor(const QString& subject) const;
    QByteArray token() const { return m_token; }
    bool usesAuth() const { return !m_config.user.isEmpty(); }

    EtcdConfig m_config;
    QString m_password;
    EtcdTransport* m_transport; // Owned (child).
    QByteArray m_token;
    bool m_authenticating = false;
    QList<std::function<void(const Result<void>&)>> m_waitingForToken;
    int m_authentications = 0;
};

} // namespace lbdeck
