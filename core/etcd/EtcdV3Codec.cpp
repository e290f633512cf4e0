// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdV3Codec.h"

#include <cmath>

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace lbdeck::etcdv3 {

namespace {

QString b64(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QString num(qint64 v)
{
    return QString::number(v);
}

QByteArray compact(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Error protocolError(const QString& why)
{
    return makeError(ErrorCode::Protocol, u"malformed etcd answer: %1"_s.arg(why));
}

ErrorCode codeFromGrpc(int grpc, int httpStatus)
{
    switch (grpc) {
    case 3:
        return ErrorCode::InvalidArgument;
    case 4:
        return ErrorCode::Timeout;
    case 5:
        return ErrorCode::NotFound;
    case 6:
        return ErrorCode::Conflict;
    case 7:
        return ErrorCode::PermissionDenied;
    case 9:
        return ErrorCode::Conflict;
    case 11:
        return ErrorCode::Compacted;
    case 14:
        return ErrorCode::Unavailable;
    case 16:
        return ErrorCode::Unauthenticated;
    default:
        break;
    }
    if (httpStatus == 401)
        return ErrorCode::Unauthenticated;
    if (httpStatus == 403)
        return ErrorCode::PermissionDenied;
    if (httpStatus == 404)
        return ErrorCode::NotFound;
    if (httpStatus == 503)
        return ErrorCode::Unavailable;
    return ErrorCode::Http;
}

} // namespace

QByteArray rangeBody(const QByteArray& key, const RangeOptions& options)
{
    QJsonObject o{{u"key"_s, b64(key)}};
    if (!options.rangeEnd.isEmpty())
        o.insert(u"range_end"_s, b64(options.rangeEnd));
    if (options.limit > 0)
        o.insert(u"limit"_s, num(options.limit));
    if (options.revision > 0)
        o.insert(u"revision"_s, num(options.revision));
    if (options.keysOnly)
        o.insert(u"keys_only"_s, true);
    if (options.countOnly)
        o.insert(u"count_only"_s, true);
    return compact(o);
}

QByteArray putBody(const QByteArray& key, const QByteArray& value, qint64 lease)
{
    QJsonObject o{{u"key"_s, b64(key)}, {u"value"_s, b64(value)}};
    if (lease != 0)
        o.insert(u"lease"_s, num(lease));
    return compact(o);
}

QByteArray deleteBody(const QByteArray& key, const QByteArray& rangeEnd)
{
    QJsonObject o{{u"key"_s, b64(key)}};
    if (!rangeEnd.isEmpty())
        o.insert(u"range_end"_s, b64(rangeEnd));
    return compact(o);
}

QByteArray casBody(const QByteArray& key, const std::optional<QByteArray>& expected,
                   const QByteArray& newValue, qint64 lease)
{
    QJsonObject compare{{u"key"_s, b64(key)}, {u"result"_s, u"EQUAL"_s}};
    if (expected) {
        compare.insert(u"target"_s, u"VALUE"_s);
        compare.insert(u"value"_s, b64(*expected));
    } else {
        compare.insert(u"target"_s, u"CREATE"_s);
        compare.insert(u"create_revision"_s, u"0"_s);
    }
    QJsonObject put{{u"key"_s, b64(key)}, {u"value"_s, b64(newValue)}};
    if (lease != 0)
        put.insert(u"lease"_s, num(lease));
    const QJsonObject o{
        {u"compare"_s, QJsonArray{compare}},
        {u"success"_s, QJsonArray{QJsonObject{{u"request_put"_s, put}}}},
        {u"failure"_s, QJsonArray{QJsonObject{{u"request_range"_s, QJsonObject{{u"key"_s, b64(key)}}}}}},
    };
    return compact(o);
}

QByteArray putUnlessBody(const QByteArray& key, const QByteArray& value, qint64 lease,
                         const QByteArray& guard)
{
    QJsonObject put{{u"key"_s, b64(key)}, {u"value"_s, b64(value)}};
    if (lease != 0)
        put.insert(u"lease"_s, num(lease));
    const QJsonObject o{
        {u"compare"_s, QJsonArray{QJsonObject{{u"key"_s, b64(guard)},
                                              {u"result"_s, u"EQUAL"_s},
                                              {u"target"_s, u"CREATE"_s},
                                              {u"create_revision"_s, u"0"_s}}}},
        {u"success"_s, QJsonArray{QJsonObject{{u"request_put"_s, put}}}},
        {u"failure"_s, QJsonArray{QJsonObject{{u"request_range"_s, QJsonObject{{u"key"_s, b64(guard)}}}}}},
    };
    return compact(o);
}

namespace {

QByteArray conditionalBody(const QByteArray& key, qint64 expectedModRevision, const QJsonObject& success)
{
    QJsonObject compare{{u"key"_s, b64(key)}, {u"result"_s, u"EQUAL"_s}};
    if (expectedModRevision > 0) {
        compare.insert(u"target"_s, u"MOD"_s);
        compare.insert(u"mod_revision"_s, num(expectedModRevision));
    } else {
        compare.insert(u"target"_s, u"CREATE"_s);
        compare.insert(u"create_revision"_s, u"0"_s);
    }
    const QJsonObject o{
        {u"compare"_s, QJsonArray{compare}},
        {u"success"_s, QJsonArray{success}},
        {u"failure"_s, QJsonArray{QJsonObject{{u"request_range"_s, QJsonObject{{u"key"_s, b64(key)}}}}}},
    };
    return compact(o);
}

} // namespace

QByteArray putIfBody(const QByteArray& key, const QByteArray& value, qint64 expectedModRevision)
{
    return conditionalBody(
        key, expectedModRevision,
        QJsonObject{{u"request_put"_s, QJsonObject{{u"key"_s, b64(key)}, {u"value"_s, b64(value)}}}});
}

QByteArray removeIfBody(const QByteArray& key, qint64 expectedModRevision)
{
    return conditionalBody(key, expectedModRevision,
                           QJsonObject{{u"request_delete_range"_s, QJsonObject{{u"key"_s, b64(key)}}}});
}

QByteArray watchCreateBody(const QByteArray& key, const QByteArray& rangeEnd, qint64 startRevision,
                           bool progressNotify, bool prevKv)
{
    QJsonObject create{{u"key"_s, b64(key)}};
    if (!rangeEnd.isEmpty())
        create.insert(u"range_end"_s, b64(rangeEnd));
    if (startRevision > 0)
        create.insert(u"start_revision"_s, num(startRevision));
    if (progressNotify)
        create.insert(u"progress_notify"_s, true);
    if (prevKv)
        create.insert(u"prev_kv"_s, true);
    return compact(QJsonObject{{u"create_request"_s, create}});
}

Error decodeError(const QByteArray& body, int httpStatus, const QString& where)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    QString message;
    int grpc = -1;
    if (doc.isObject()) {
        QJsonObject o = doc.object();
        if (o.value(u"error"_s).isObject()) // stream form: {"error": {"grpc_code": N, "message": ...}}
            o = o.value(u"error"_s).toObject();
        message = o.value(u"message"_s).toString();
        if (message.isEmpty())
            message = o.value(u"error"_s).toString();
        grpc = o.value(u"code"_s).toInt(o.value(u"grpc_code"_s).toInt(-1));
    }
    if (message.isEmpty()) {
        const QByteArray snippet = body.left(200).trimmed();
        message = snippet.isEmpty() ? u"HTTP status %1"_s.arg(httpStatus)
                                    : u"HTTP status %1: %2"_s.arg(httpStatus).arg(QString::fromUtf8(snippet));
    }
    ErrorCode code = codeFromGrpc(grpc, httpStatus);
    if (message.contains(u"invalid auth token"_s) || message.contains(u"user name is empty"_s))
        code = ErrorCode::Unauthenticated;
    if (message.contains(u"authentication failed"_s))
        code = ErrorCode::Unauthenticated;
    return makeError(code, message, where, grpc >= 0 ? grpc : httpStatus);
}

Result<QJsonObject> parseObject(const QByteArray& body)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError)
        return protocolError(u"invalid JSON (%1 at offset %2)"_s.arg(pe.errorString()).arg(pe.offset));
    if (!doc.isObject())
        return protocolError(u"expected a JSON object"_s);
    return doc.object();
}

Result<qint64> parseInt(const QJsonValue& value, const char* field)
{
    if (value.isUndefined() || value.isNull())
        return qint64(0); // proto3 leaves zero values out
    if (value.isString()) {
        bool ok = false;
        const qint64 v = value.toString().toLongLong(&ok);
        if (!ok)
            return protocolError(u"field \"%1\" is not an integer"_s.arg(QLatin1StringView(field)));
        return v;
    }
    if (value.isDouble()) {
        // Only whole numbers inside qint64's range: a cast of anything else is undefined behaviour.
        const double d = value.toDouble();
        if (!(d >= -0x1p63 && d < 0x1p63) || d != std::trunc(d))
            return protocolError(u"field \"%1\" is not an integer"_s.arg(QLatin1StringView(field)));
        return qint64(d);
    }
    return protocolError(u"field \"%1\" is not an integer"_s.arg(QLatin1StringView(field)));
}

Result<QByteArray> parseBytes(const QJsonValue& value, const char* field)
{
    if (value.isUndefined() || value.isNull())
        return QByteArray();
    if (!value.isString())
        return protocolError(u"field \"%1\" is not a string"_s.arg(QLatin1StringView(field)));
    auto decoded =
        QByteArray::fromBase64Encoding(value.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return protocolError(u"field \"%1\" is not valid base64"_s.arg(QLatin1StringView(field)));
    return *decoded;
}

Result<KeyValue> parseKeyValue(const QJsonObject& o)
{
    KeyValue kv;
    auto key = parseBytes(o.value(u"key"_s), "key");
    if (!key)
        return key.error();
    auto value = parseBytes(o.value(u"value"_s), "value");
    if (!value)
        return value.error();
    kv.key = *key;
    kv.value = *value;
    struct
    {
        const char* name;
        qint64* out;
    } ints[] = {{"create_revision", &kv.createRevision},
                {"mod_revision", &kv.modRevision},
                {"version", &kv.version},
                {"lease", &kv.lease}};
    for (auto& field : ints) {
        auto v = parseInt(o.value(QLatin1StringView(field.name)), field.name);
        if (!v)
            return v.error();
        *field.out = *v;
    }
    if (kv.key.isEmpty())
        return protocolError(u"key-value without a key"_s);
    return kv;
}

Result<qint64> parseHeaderRevision(const QJsonObject& object)
{
    const QJsonValue header = object.value(u"header"_s);
    if (!header.isObject())
        return protocolError(u"response without a header"_s);
    return parseInt(header.toObject().value(u"revision"_s), "revision");
}

Result<KvSnapshot> parseRange(const QByteArray& body)
{
    auto o = parseObject(body);
    if (!o)
        return o.error();
    KvSnapshot snap;
    auto rev = parseHeaderRevision(*o);
    if (!rev)
        return rev.error();
    snap.revision = *rev;
    const QJsonValue kvs = o->value(u"kvs"_s);
    if (!kvs.isUndefined() && !kvs.isArray())
        return protocolError(u"\"kvs\" is not an array"_s);
    const QJsonArray array = kvs.toArray();
    snap.kvs.reserve(array.size());
    for (const QJsonValue& item : array) {
        if (!item.isObject())
            return protocolError(u"key-value is not an object"_s);
        auto kv = parseKeyValue(item.toObject());
        if (!kv)
            return kv.error();
        snap.kvs.append(std::move(*kv));
    }
    auto count = parseInt(o->value(u"count"_s), "count");
    if (!count)
        return count.error();
    snap.count = *count;
    snap.more = o->value(u"more"_s).toBool();
    return snap;
}

Result<qint64> parsePut(const QByteArray& body)
{
    auto o = parseObject(body);
    if (!o)
        return o.error();
    return parseHeaderRevision(*o);
}

Result<qint64> parseDelete(const QByteArray& body)
{
    auto o = parseObject(body);
    if (!o)
        return o.error();
    auto rev = parseHeaderRevision(*o);
    if (!rev)
        return rev.error();
    return parseInt(o->value(u"deleted"_s), "deleted");
}

Result<TxnResult> parseCas(const QByteArray& body)
{
    auto o = parseObject(body);
    if (!o)
        return o.error();
    TxnResult r;
    auto rev = parseHeaderRevision(*o);
    if (!rev)
        return rev.error();
    r.revision = *rev;
    r.succeeded = o->value(u"succeeded"_s).toBool();
    if (!r.succeeded) {
        const QJsonArray responses = o->value(u"responses"_s).toArray();
        if (!responses.isEmpty()) {
            const QJsonArray kvs =
                responses.first().toObject().value(u"response_range"_s).toObject().value(u"kvs"_s).toArray();
            if (!kvs.isEmpty()) {
                auto kv = parseKeyValue(kvs.first().toObject());
                if (!kv)
                    return kv.error();
                r.current = *kv;
            }
        }
    }
    return r;
}

Result<LeaseInfo> parseLease(const QByteArray& body)
{
    auto o = parseObject(body);
    if (!o)
        return o.error();
    QJsonObject lease = *o;
    if (lease.value(u"result"_s).isObject()) // keepalive answers {"result": {...}}
        lease = lease.value(u"result"_s).toObject();
    if (lease.contains(u"error"_s) && !lease.value(u"error"_s).toString().isEmpty())
        return protocolError(lease.value(u"error"_s).toString());
    LeaseInfo info;
    auto id = parseInt(lease.value(u"ID"_s), "ID");
    auto ttl = parseInt(lease.value(u"TTL"_s), "TTL");
    auto granted = parseInt(lease.value(u"grantedTTL"_s), "grantedTTL");
    if (!id)
        return id.error();
    if (!ttl)
        return ttl.error();
    if (!granted)
        return granted.error();
    info.id = *id;
    info.ttl = *ttl;
    info.grantedTtl = *granted;
    if (info.id == 0)
        return protocolError(u"lease answer without an ID"_s);
    return info;
}

Result<QList<EtcdMember>> parseMembers(const QByteArray& body)
{
    auto o = parseObject(body);
    if (!o)
        return o.error();
    QList<EtcdMember> members;
    for (const QJsonValue& item : o->value(u"members"_s).toArray()) {
        const QJsonObject m = item.toObject();
        EtcdMember member;
        auto id = parseInt(m.value(u"ID"_s), "ID");
        if (!id) {
            // IDs are uint64 and may exceed qint64: read them as unsigned text.
            bool ok = false;
            member.id = m.value(u"ID"_s).toString().toULongLong(&ok);
            if (!ok)
                return id.error();
        } else {
            member.id = quint64(*id);
        }
        member.name = m.value(u"name"_s).toString();
        for (const QJsonValue& u : m.value(u"peerURLs"_s).toArray())
            member.peerUrls << u.toString();
        for (const QJsonValue& u : m.value(u"clientURLs"_s).toArray())
            member.clientUrls << u.toString();
        member.isLearner = m.value(u"isLearner"_s).toBool();
        members.append(member);
    }
    return members;
}

Result<EtcdStatus> parseStatus(const QByteArray& body)
{
    auto o = parseObject(body);
    if (!o)
        return o.error();
    EtcdStatus s;
    s.version = o->value(u"version"_s).toString();
    if (s.version.isEmpty())
        return protocolError(u"status without a version"_s);
    const QJsonObject header = o->value(u"header"_s).toObject();
    s.memberId = header.value(u"member_id"_s).toString().toULongLong();
    s.leader = o->value(u"leader"_s).toString().toULongLong();
    auto rev = parseInt(header.value(u"revision"_s), "revision");
    auto db = parseInt(o->value(u"dbSize"_s), "dbSize");
    auto index = parseInt(o->value(u"raftIndex"_s), "raftIndex");
    auto term = parseInt(o->value(u"raftTerm"_s), "raftTerm");
    for (const auto* r : {&rev, &db, &index, &term}) {
        if (!*r)
            return r->error();
    }
    s.revision = *rev;
    s.dbSize = *db;
    s.raftIndex = *index;
    s.raftTerm = *term;
    return s;
}

Result<QByteArray> parseAuthToken(const QByteArray& body)
{
    auto o = parseObject(body);
    if (!o)
        return o.error();
    const QString token = o->value(u"token"_s).toString();
    if (token.isEmpty())
        return protocolError(u"authenticate answer without a token"_s);
    return token.toUtf8();
}

Result<WatchMessage> parseWatchMessage(const QByteArray& line)
{
    auto o = parseObject(line);
    if (!o)
        return o.error();
    if (o->contains(u"error"_s))
        return decodeError(line, 0, QString());
    const QJsonValue resultValue = o->value(u"result"_s);
    if (!resultValue.isObject())
        return protocolError(u"watch message without a result"_s);
    const QJsonObject r = resultValue.toObject();
    WatchMessage m;
    auto rev = parseHeaderRevision(r);
    auto id = parseInt(r.value(u"watch_id"_s), "watch_id");
    auto compactRev = parseInt(r.value(u"compact_revision"_s), "compact_revision");
    if (!id)
        return id.error();
    if (!compactRev)
        return compactRev.error();
    // A canceled watch's header may carry no revision; elsewhere it must be there.
    if (!rev && !r.value(u"canceled"_s).toBool())
        return rev.error();
    m.headerRevision = rev ? *rev : 0;
    m.watchId = *id;
    m.compactRevision = *compactRev;
    m.created = r.value(u"created"_s).toBool();
    m.canceled = r.value(u"canceled"_s).toBool();
    m.cancelReason = r.value(u"cancel_reason"_s).toString();
    const QJsonValue events = r.value(u"events"_s);
    if (!events.isUndefined() && !events.isArray())
        return protocolError(u"\"events\" is not an array"_s);
    for (const QJsonValue& item : events.toArray()) {
        const QJsonObject e = item.toObject();
        WatchEvent event;
        const QString type = e.value(u"type"_s).toString(u"PUT"_s);
        if (type == u"PUT"_s)
            event.type = WatchEvent::Type::Put;
        else if (type == u"DELETE"_s)
            event.type = WatchEvent::Type::Delete;
        else
            return protocolError(u"unknown watch event type \"%1\""_s.arg(type.left(20)));
        if (!e.value(u"kv"_s).isObject())
            return protocolError(u"watch event without a key-value"_s);
        auto kv = parseKeyValue(e.value(u"kv"_s).toObject());
        if (!kv)
            return kv.error();
        event.kv = *kv;
        m.events.append(std::move(event));
    }
    return m;
}

} // namespace lbdeck::etcdv3
