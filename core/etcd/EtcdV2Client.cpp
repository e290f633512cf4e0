// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdV2Client.h"

#include "EtcdTransport.h"
#include "EtcdV2Codec.h"
#include "EtcdV2Watch.h"
#include "core/http/HttpMessage.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString keySubject(const QByteArray& key)
{
    return u"key \"%1\""_s.arg(QString::fromUtf8(key.left(200)));
}

// Where a prefix lives in v2's tree: "/test/apache-" lists "/test" and keeps what matches.
QByteArray directoryOf(const QByteArray& prefix)
{
    if (prefix.endsWith('/'))
        return prefix.isEmpty() ? QByteArray("/") : prefix;
    const qsizetype slash = prefix.lastIndexOf('/');
    return slash <= 0 ? QByteArray("/") : prefix.left(slash + 1);
}

} // namespace

EtcdV2Client::EtcdV2Client(const EtcdConfig& config, QObject* parent)
    : EtcdKv(parent)
    , m_config(config)
    , m_transport(new EtcdTransport(config, this))
{
    connect(m_transport, &EtcdTransport::endpointChanged, this, &EtcdKv::endpointChanged);
}

bool EtcdV2Client::moveToNextEndpoint()
{
    return m_transport->moveToNext();
}

void EtcdV2Client::setPassword(const QString& password)
{
    m_password = password;
}

void EtcdV2Client::setKeyPassphrase(const QByteArray& passphrase)
{
    m_transport->setKeyPassphrase(passphrase);
}

QString EtcdV2Client::describe() const
{
    return u"etcd v2 at %1"_s.arg(m_transport->currentEndpoint());
}

HttpRequest EtcdV2Client::request(const QByteArray& method, const QByteArray& target) const
{
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.timeout = m_config.timeout;
    if (!m_config.user.isEmpty())
        r.headers.add("Authorization", "Basic " + (m_config.user + u':' + m_password).toUtf8().toBase64());
    return r;
}

void EtcdV2Client::call(const QByteArray& method, const QByteArray& target, const QByteArray& form,
                        const QString& subject, QObject* context,
                        std::function<void(const Result<HttpResponse>&)> done)
{
    HttpRequest r = request(method, target);
    if (!form.isEmpty()) {
        r.body = form;
        r.headers.add("Content-Type", "application/x-www-form-urlencoded");
    }
    m_transport->send(r, subject, context, std::move(done), method == "GET");
}

void EtcdV2Client::getPrefix(const QByteArray& prefix, QObject* context, Callback<KvSnapshot> callback)
{
    const QByteArray dir = directoryOf(prefix);
    const QString subject = u"prefix \"%1\""_s.arg(QString::fromUtf8(prefix.left(200)));
    call("GET", etcdv2::keyPath(dir) + "?recursive=true&sorted=true", {}, subject, context,
         [this, prefix, subject, callback](const Result<HttpResponse>& r) {
             if (!r) {
                 callback(r.error());
                 return;
             }
             KvSnapshot snap;
             snap.revision = r->headers.value("X-Etcd-Index").toLongLong();
             if (r->status != 200) {
                 const auto apiError = etcdv2::parseApiError(r->body);
                 if (apiError && apiError->errorCode == 100) { // no such directory: nothing under it yet
                     snap.revision = qMax(snap.revision, apiError->index);
                     callback(snap);
                     return;
                 }
                 callback(etcdv2::responseError(r->status, r->body, m_transport->whereFor(subject)));
                 return;
             }
             Result<QList<KeyValue>> leaves = etcdv2::parseNodeTree(r->body);
             if (!leaves) {
                 Error e = leaves.error();
                 e.where = m_transport->whereFor(subject);
                 callback(e);
                 return;
             }
             for (KeyValue& kv : *leaves) {
                 if (kv.key.startsWith(prefix))
                     snap.kvs.append(std::move(kv));
             }
             snap.count = snap.kvs.size();
             callback(snap);
         });
}

void EtcdV2Client::put(const QByteArray& key, const QByteArray& value, int ttlSeconds, QObject* context,
                       Callback<qint64> callback)
{
    QByteArray body = "value=" + value.toPercentEncoding();
    if (ttlSeconds > 0)
        body += "&ttl=" + QByteArray::number(ttlSeconds);
    const QString subject = keySubject(key);
    call("PUT", etcdv2::keyPath(key), body, subject, context,
         [this, subject, callback](const Result<HttpResponse>& r) {
             if (!r) {
                 callback(r.error());
                 return;
             }
             if (r->status != 200 && r->status != 201) {
                 callback(etcdv2::responseError(r->status, r->body, m_transport->whereFor(subject)));
                 return;
             }
             Result<qint64> index = etcdv2::parseIndex(r->body);
             if (!index) {
                 Error e = index.error();
                 e.where = m_transport->whereFor(subject);
                 callback(e);
                 return;
             }
             callback(index);
         });
}

void EtcdV2Client::remove(const QByteArray& key, QObject* context, Callback<qint64> callback)
{
    const QString subject = keySubject(key);
    call("DELETE", etcdv2::keyPath(key), {}, subject, context,
         [this, subject, callback](const Result<HttpResponse>& r) {
             if (!r) {
                 callback(r.error());
                 return;
             }
             if (r->status == 200) {
                 callback(qint64(1));
                 return;
             }
             const auto apiError = etcdv2::parseApiError(r->body);
             if (apiError && apiError->errorCode == 100) {
                 callback(qint64(0));
                 return;
             }
             callback(etcdv2::responseError(r->status, r->body, m_transport->whereFor(subject)));
         });
}

void EtcdV2Client::putIf(const QByteArray& key, const QByteArray& value, qint64 expectedModRevision,
                         QObject* context, Callback<qint64> callback)
{
    const QByteArray condition = expectedModRevision > 0
                                     ? "prevIndex=" + QByteArray::number(expectedModRevision)
                                     : QByteArray("prevExist=false");
    conditional("PUT", key, "value=" + value.toPercentEncoding() + '&' + condition, {}, expectedModRevision,
                context, std::move(callback));
}

void EtcdV2Client::removeIf(const QByteArray& key, qint64 expectedModRevision, QObject* context,
                            Callback<qint64> callback)
{
    if (expectedModRevision <= 0) {
        callback(makeError(ErrorCode::InvalidArgument, u"a conditional delete needs the key's index"_s));
        return;
    }
    conditional("DELETE", key, {}, "?prevIndex=" + QByteArray::number(expectedModRevision),
                expectedModRevision, context, std::move(callback));
}

void EtcdV2Client::conditional(const QByteArray& method, const QByteArray& key, const QByteArray& form,
                               const QByteArray& query, qint64 expected, QObject* context,
                               Callback<qint64> callback)
{
    const QString subject = keySubject(key);
    call(method, etcdv2::keyPath(key) + query, form, subject, context,
         [this, key, expected, subject, callback](const Result<HttpResponse>& r) {
             if (!r)
                 return callback(r.error());
             if (r->status == 200 || r->status == 201) {
                 Result<qint64> index = etcdv2::parseIndex(r->body);
                 if (!index) {
                     Error e = index.error();
                     e.where = m_transport->whereFor(subject);
                     return callback(e);
                 }
                 return callback(index);
             }
             Error e = etcdv2::responseError(r->status, r->body, m_transport->whereFor(subject));
             const QString k = QString::fromUtf8(key);
             if (e.code == ErrorCode::NotFound)
                 e.message = u"%1 is no longer in etcd: someone else removed it"_s.arg(k);
             else if (e.code == ErrorCode::Conflict)
                 e.message = expected == 0
                                 ? u"%1 already exists"_s.arg(k)
                                 : u"%1 changed since it was read (index %2)"_s.arg(k).arg(expected);
             callback(e);
         });
}

void EtcdV2Client::members(QObject* context, Callback<QList<EtcdMember>> callback)
{
    call("GET", "/v2/members", {}, u"member list"_s, context,
         [this, callback](const Result<HttpResponse>& r) {
             if (!r) {
                 callback(r.error());
                 return;
             }
             if (r->status != 200) {
                 callback(etcdv2::responseError(r->status, r->body, m_transport->whereFor(u"member list"_s)));
                 return;
             }
             Result<QList<EtcdMember>> members = etcdv2::parseMembers(r->body);
             if (!members) {
                 Error e = members.error();
                 e.where = m_transport->whereFor(u"member list"_s);
                 callback(e);
                 return;
             }
             callback(members);
         });
}

EtcdWatch* EtcdV2Client::watchPrefix(const QByteArray& prefix, qint64 fromRevision, QObject* parent)
{
    auto* w = new EtcdV2Watch(this, prefix, directoryOf(prefix), fromRevision, parent);
    w->start();
    return w;
}

} // namespace lbdeck
