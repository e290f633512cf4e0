// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdV3Client.h"

#include "EtcdTransport.h"
#include "EtcdV3Watch.h"
#include "core/util/Logging.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString keySubject(const QByteArray& key)
{
    return u"key \"%1\""_s.arg(QString::fromUtf8(key.left(200)));
}

} // namespace

struct EtcdV3Client::Call
{
    QByteArray path;
    QByteArray body;
    QString subject;
    QPointer<QObject> context;
    Callback<QByteArray> callback;
    bool idempotent = true;
    bool isAuthentication = false;
    bool reauthenticated = false;
};

EtcdV3Client::EtcdV3Client(const EtcdConfig& config, QObject* parent)
    : EtcdKv(parent)
    , m_config(config)
    , m_transport(new EtcdTransport(config, this))
{
    connect(m_transport, &EtcdTransport::endpointChanged, this, &EtcdKv::endpointChanged);
}

EtcdV3Client::~EtcdV3Client() = default;

void EtcdV3Client::setPassword(const QString& password)
{
    m_password = password;
    m_token.clear();
}

void EtcdV3Client::setKeyPassphrase(const QByteArray& passphrase)
{
    m_transport->setKeyPassphrase(passphrase);
}

QString EtcdV3Client::describe() const
{
    return u"etcd v3 at %1"_s.arg(currentEndpoint());
}

QString EtcdV3Client::whereFor(const QString& subject) const
{
    return m_transport->whereFor(subject);
}

bool EtcdV3Client::moveToNextEndpoint()
{
    return m_transport->moveToNext();
}

QString EtcdV3Client::currentEndpoint() const
{
    return m_transport->currentEndpoint();
}

void EtcdV3Client::invalidateToken(const QByteArray& token)
{
    if (m_token == token)
        m_token.clear();
}

void EtcdV3Client::post(const QByteArray& path, const QByteArray& body, const QString& subject,
                        QObject* context, Callback<QByteArray> callback, bool idempotent)
{
    auto call = std::make_shared<Call>();
    call->path = path;
    call->body = body;
    call->subject = subject;
    call->context = context;
    call->callback = std::move(callback);
    call->idempotent = idempotent;
    withToken(context, [this, call](const Result<void>& ready) {
        if (!ready)
            call->callback(ready.error());
        else
            attempt(call);
    });
}

void EtcdV3Client::withToken(QObject* context, std::function<void(const Result<void>&)> then)
{
    if (!usesAuth() || !m_token.isEmpty()) {
        then({});
        return;
    }
    QPointer<QObject> guard(context);
    m_waitingForToken.append([guard, then = std::move(then)](const Result<void>& r) {
        if (guard)
            then(r);
    });
    if (m_authenticating)
        return;
    m_authenticating = true;
    auto call = std::make_shared<Call>();
    call->path = "/v3/auth/authenticate";
    call->body = QJsonDocument(QJsonObject{{u"name"_s, m_config.user}, {u"password"_s, m_password}})
                     .toJson(QJsonDocument::Compact);
    call->subject = u"user \"%1\""_s.arg(m_config.user);
    call->context = this;
    call->isAuthentication = true;
    call->callback = [this](const Result<QByteArray>& body) {
        Result<void> outcome;
        if (!body) {
            outcome = body.error();
        } else if (Result<QByteArray> token = etcdv3::parseAuthToken(*body); !token) {
            outcome = token.error();
        } else {
            m_token = *token;
            ++m_authentications;
            qCDebug(lcEtcd) << "authenticated as" << m_config.user; // never the token itself
        }
        m_authenticating = false;
        const auto waiting = std::exchange(m_waitingForToken, {});
        for (const auto& waiter : waiting)
            waiter(outcome);
    };
    attempt(call);
}

void EtcdV3Client::attempt(std::shared_ptr<Call> call)
{
    if (!call->context)
        return;
    HttpRequest request;
    request.method = "POST";
    request.target = call->path;
    request.body = call->body;
    request.timeout = m_config.timeout;
    request.headers.add("Content-Type", "application/json");
    const QByteArray tokenUsed = call->isAuthentication ? QByteArray() : m_token;
    if (!tokenUsed.isEmpty())
        request.headers.add("Authorization", tokenUsed);
    m_transport->send(
        request, call->subject, call->context,
        [this, call, tokenUsed](const Result<HttpResponse>& r) {
            if (!r) {
                call->callback(r.error());
                return;
            }
            if (r->status == 200) {
                call->callback(r->body);
                return;
            }
            const Error e = etcdv3::decodeError(r->body, r->status, whereFor(call->subject));
            if (e.code == ErrorCode::Unauthenticated && usesAuth() && !call->isAuthentication &&
                !call->reauthenticated) {
                // The token expired (or etcd restarted): authenticate again and repeat, unseen.
                call->reauthenticated = true;
                invalidateToken(tokenUsed);
                withToken(call->context, [this, call](const Result<void>& ready) {
                    if (!ready)
                        call->callback(ready.error());
                    else
                        attempt(call);
                });
                return;
            }
            call->callback(e);
        },
        call->idempotent);
}

void EtcdV3Client::range(const QByteArray& key, const etcdv3::RangeOptions& options, QObject* context,
                         Callback<KvSnapshot> callback)
{
    const QString subject = keySubject(key);
    post("/v3/kv/range", etcdv3::rangeBody(key, options), subject, context,
         decodeWith<KvSnapshot>(std::move(callback), etcdv3::parseRange, whereFor(subject)));
}

void EtcdV3Client::getPrefix(const QByteArray& prefix, QObject* context, Callback<KvSnapshot> callback)
{
    etcdv3::RangeOptions options;
    options.rangeEnd = prefixRangeEnd(prefix);
    range(prefix, options, context, std::move(callback));
}

void EtcdV3Client::put(const QByteArray& key, const QByteArray& value, int ttlSeconds, QObject* context,
                       Callback<qint64> callback)
{
    if (ttlSeconds <= 0) {
        putWithLease(key, value, 0, context, std::move(callback));
        return;
    }
    QPointer<QObject> guard(context);
    leaseGrant(ttlSeconds, context,
               [this, key, value, guard, callback = std::move(callback)](const Result<LeaseInfo>& lease) {
                   if (!lease) {
                       callback(lease.error());
                       return;
                   }
                   if (guard)
                       putWithLease(key, value, lease->id, guard, callback);
               });
}

void EtcdV3Client::putWithLease(const QByteArray& key, const QByteArray& value, qint64 lease,
                                QObject* context, Callback<qint64> callback)
{
    const QString subject = keySubject(key);
    post("/v3/kv/put", etcdv3::putBody(key, value, lease), subject, context,
         decodeWith<qint64>(std::move(callback), etcdv3::parsePut, whereFor(subject)));
}

void EtcdV3Client::remove(const QByteArray& key, QObject* context, Callback<qint64> callback)
{
    const QString subject = keySubject(key);
    post("/v3/kv/deleterange", etcdv3::deleteBody(key), subject, context,
         decodeWith<qint64>(std::move(callback), etcdv3::parseDelete, whereFor(subject)));
}

void EtcdV3Client::removePrefix(const QByteArray& prefix, QObject* context, Callback<qint64> callback)
{
    const QString subject = u"prefix \"%1\""_s.arg(QString::fromUtf8(prefix));
    post("/v3/kv/deleterange", etcdv3::deleteBody(prefix, prefixRangeEnd(prefix)), subject, context,
         decodeWith<qint64>(std::move(callback), etcdv3::parseDelete, whereFor(subject)));
}

void EtcdV3Client::putWithLeaseUnless(const QByteArray& key, const QByteArray& value, qint64 lease,
                                      const QByteArray& guard, QObject* context,
                                      Callback<etcdv3::TxnResult> callback)
{
    const QString subject = keySubject(key);
    post("/v3/kv/txn", etcdv3::putUnlessBody(key, value, lease, guard), subject, context,
         decodeWith<etcdv3::TxnResult>(std::move(callback), etcdv3::parseCas, whereFor(subject)), false);
}

void EtcdV3Client::compareAndSwap(const QByteArray& key, const std::optional<QByteArray>& expected,
                                  const QByteArray& value, QObject* context,
                                  Callback<etcdv3::TxnResult> callback)
{
    const QString subject = keySubject(key);
    post("/v3/kv/txn", etcdv3::casBody(key, expected, value), subject, context,
         decodeWith<etcdv3::TxnResult>(std::move(callback), etcdv3::parseCas, whereFor(subject)), false);
}

namespace {

// A lost compare as the operator reads it: what the key holds now, and since which revision.
Callback<etcdv3::TxnResult> conditionalResult(const QByteArray& key, qint64 expected, QString where,
                                              Callback<qint64> callback)
{
    return [key, expected, where = std::move(where), callback](const Result<etcdv3::TxnResult>& r) {
        if (!r)
            return callback(r.error());
        if (r->succeeded)
            return callback(r->revision);
        const QString k = QString::fromUtf8(key);
        if (!r->current)
            return callback(makeError(ErrorCode::NotFound,
                                      u"%1 is no longer in etcd: someone else removed it"_s.arg(k), where));
        const QString holds = u"%1 = %2 (since revision %3)"_s.arg(k, QString::fromUtf8(r->current->value))
                                  .arg(r->current->modRevision);
        callback(makeError(ErrorCode::Conflict,
                           expected == 0 ? u"%1 already exists: %2"_s.arg(k, holds)
                                         : u"%1 changed since it was read: %2"_s.arg(k, holds),
                           where));
    };
}

} // namespace

void EtcdV3Client::putIf(const QByteArray& key, const QByteArray& value, qint64 expectedModRevision,
                         QObject* context, Callback<qint64> callback)
{
    const QString subject = keySubject(key);
    post("/v3/kv/txn", etcdv3::putIfBody(key, value, expectedModRevision), subject, context,
         decodeWith<etcdv3::TxnResult>(
             conditionalResult(key, expectedModRevision, whereFor(subject), callback), etcdv3::parseCas,
             whereFor(subject)),
         false);
}

void EtcdV3Client::removeIf(const QByteArray& key, qint64 expectedModRevision, QObject* context,
                            Callback<qint64> callback)
{
    const QString subject = keySubject(key);
    post("/v3/kv/txn", etcdv3::removeIfBody(key, expectedModRevision), subject, context,
         decodeWith<etcdv3::TxnResult>(
             conditionalResult(key, expectedModRevision, whereFor(subject), callback), etcdv3::parseCas,
             whereFor(subject)),
         false);
}

void EtcdV3Client::compact(qint64 revision, QObject* context, Callback<void> callback)
{
    const QByteArray body =
        QJsonDocument(QJsonObject{{u"revision"_s, QString::number(revision)}, {u"physical"_s, true}})
            .toJson(QJsonDocument::Compact);
    post("/v3/kv/compaction", body, u"compaction at revision %1"_s.arg(revision), context,
         [callback = std::move(callback)](const Result<QByteArray>& r) {
             if (!r)
                 callback(r.error());
             else
                 callback({});
         });
}

void EtcdV3Client::leaseGrant(qint64 ttlSeconds, QObject* context, Callback<LeaseInfo> callback)
{
    const QByteArray body =
        QJsonDocument(QJsonObject{{u"TTL"_s, QString::number(ttlSeconds)}}).toJson(QJsonDocument::Compact);
    const QString subject = u"lease grant"_s;
    post("/v3/lease/grant", body, subject, context,
         decodeWith<LeaseInfo>(std::move(callback), etcdv3::parseLease, whereFor(subject)), false);
}

void EtcdV3Client::leaseKeepAlive(qint64 id, QObject* context, Callback<LeaseInfo> callback)
{
    const QByteArray body =
        QJsonDocument(QJsonObject{{u"ID"_s, QString::number(id)}}).toJson(QJsonDocument::Compact);
    const QString subject = u"lease %1"_s.arg(id);
    post("/v3/lease/keepalive", body, subject, context,
         decodeWith<LeaseInfo>(
             std::move(callback),
             [subject](const QByteArray& b) -> Result<LeaseInfo> {
                 Result<LeaseInfo> info = etcdv3::parseLease(b);
                 if (info && info->ttl <= 0)
                     return makeError(ErrorCode::NotFound, u"lease expired or revoked"_s);
                 return info;
             },
             whereFor(subject)));
}

void EtcdV3Client::leaseRevoke(qint64 id, QObject* context, Callback<void> callback)
{
    const QByteArray body =
        QJsonDocument(QJsonObject{{u"ID"_s, QString::number(id)}}).toJson(QJsonDocument::Compact);
    post("/v3/lease/revoke", body, u"lease %1"_s.arg(id), context,
         [callback = std::move(callback)](const Result<QByteArray>& r) {
             if (!r)
                 callback(r.error());
             else
                 callback({});
         });
}

void EtcdV3Client::leaseTimeToLive(qint64 id, QObject* context, Callback<LeaseInfo> callback)
{
    const QByteArray body =
        QJsonDocument(QJsonObject{{u"ID"_s, QString::number(id)}}).toJson(QJsonDocument::Compact);
    const QString subject = u"lease %1"_s.arg(id);
    post("/v3/lease/timetolive", body, subject, context,
         decodeWith<LeaseInfo>(std::move(callback), etcdv3::parseLease, whereFor(subject)));
}

void EtcdV3Client::members(QObject* context, Callback<QList<EtcdMember>> callback)
{
    post(
        "/v3/cluster/member/list", "{}", QString(), context,
        decodeWith<QList<EtcdMember>>(std::move(callback), etcdv3::parseMembers, whereFor(u"member list"_s)));
}

void EtcdV3Client::status(QObject* context, Callback<EtcdStatus> callback)
{
    post("/v3/maintenance/status", "{}", QString(), context,
         decodeWith<EtcdStatus>(std::move(callback), etcdv3::parseStatus, whereFor(u"status"_s)));
}

void EtcdV3Client::authenticate(QObject* context, Callback<void> callback)
{
    m_token.clear();
    withToken(context, std::move(callback));
}

EtcdWatch* EtcdV3Client::watchPrefix(const QByteArray& prefix, qint64 fromRevision, QObject* parent)
{
    return watch(prefix, prefixRangeEnd(prefix), fromRevision, parent);
}

EtcdV3Watch* EtcdV3Client::watch(const QByteArray& key, const QByteArray& rangeEnd, qint64 fromRevision,
                                 QObject* parent)
{
    auto* w = new EtcdV3Watch(this, key, rangeEnd, fromRevision, parent);
    w->start();
    return w;
}

} // namespace lbdeck
