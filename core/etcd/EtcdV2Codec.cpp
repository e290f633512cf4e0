// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdV2Codec.h"

#include "EtcdV3Codec.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck::etcdv2 {

namespace {

Error protocolError(const QString& why)
{
    return makeError(ErrorCode::Protocol, u"malformed etcd v2 answer: %1"_s.arg(why));
}

constexpr int MaxDepth = 64;

Result<void> collect(const QJsonObject& node, QList<KeyValue>& out, int depth)
{
    if (depth > MaxDepth)
        return protocolError(u"directory tree deeper than %1"_s.arg(MaxDepth));
    const QJsonValue key = node.value(u"key"_s);
    if (node.value(u"dir"_s).toBool()) {
        const QJsonValue nodes = node.value(u"nodes"_s);
        if (!nodes.isUndefined() && !nodes.isArray())
            return protocolError(u"\"nodes\" is not an array"_s);
        for (const QJsonValue& child : nodes.toArray()) {
            if (!child.isObject())
                return protocolError(u"node is not an object"_s);
            Result<void> r = collect(child.toObject(), out, depth + 1);
            if (!r)
                return r;
        }
        return {};
    }
    if (!key.isString() || key.toString().isEmpty())
        return protocolError(u"node without a key"_s);
    const QJsonValue value = node.value(u"value"_s);
    if (!value.isString() && !value.isUndefined())
        return protocolError(u"value of %1 is not a string"_s.arg(key.toString().left(100)));
    KeyValue kv;
    kv.key = key.toString().toUtf8();
    kv.value = value.toString().toUtf8();
    auto created = etcdv3::parseInt(node.value(u"createdIndex"_s), "createdIndex");
    auto modified = etcdv3::parseInt(node.value(u"modifiedIndex"_s), "modifiedIndex");
    if (!created)
        return created.error();
    if (!modified)
        return modified.error();
    kv.createRevision = *created;
    kv.modRevision = *modified;
    out.append(std::move(kv));
    return {};
}

} // namespace

std::optional<ApiError> parseApiError(const QByteArray& body)
{
    auto o = etcdv3::parseObject(body);
    if (!o || !o->contains(u"errorCode"_s))
        return std::nullopt;
    ApiError e;
    e.errorCode = o->value(u"errorCode"_s).toInt();
    e.message = o->value(u"message"_s).toString();
    e.cause = o->value(u"cause"_s).toString();
    e.index = etcdv3::parseInt(o->value(u"index"_s), "index").valueOr(0); // a bad index is no index
    return e;
}

Error toError(const ApiError& e, int httpStatus, const QString& where)
{
    ErrorCode code = ErrorCode::Http;
    switch (e.errorCode) {
    case 100:
        code = ErrorCode::NotFound;
        break;
    case 101:
    case 105:
        code = ErrorCode::Conflict;
        break; // compare failed, node exists
    case 110:
        code = ErrorCode::Unauthenticated;
        break;
    case 401:
        code = ErrorCode::Compacted;
        break; // event index cleared
    case 300:
    case 301:
        code = ErrorCode::Unavailable;
        break; // raft internal, leader elect
    default:
        if (e.errorCode >= 200 && e.errorCode < 300)
            code = ErrorCode::InvalidArgument;
        break;
    }
    QString message = e.message;
    if (!e.cause.isEmpty())
        message += u" (%1)"_s.arg(e.cause);
    return makeError(code, message, where, e.errorCode != 0 ? e.errorCode : httpStatus);
}

Error responseError(int httpStatus, const QByteArray& body, const QString& where)
{
    if (const auto apiError = parseApiError(body))
        return toError(*apiError, httpStatus, where);
    if (httpStatus == 401)
        return makeError(ErrorCode::Unauthenticated, u"the cluster requires a user and password"_s, where,
                         401);
    return makeError(ErrorCode::Http, u"HTTP status %1"_s.arg(httpStatus), where, httpStatus);
}

QByteArray keyPath(const QByteArray& key)
{
    QByteArray path = "/v2/keys";
    const QList<QByteArray> segments = key.split('/');
    for (const QByteArray& segment : segments) {
        if (segment.isEmpty())
            continue;
        path += '/' + segment.toPercentEncoding();
    }
    if (key.endsWith('/') && path != "/v2/keys")
        path += '/';
    return path;
}

Result<QList<KeyValue>> parseNodeTree(const QByteArray& body)
{
    auto o = etcdv3::parseObject(body);
    if (!o)
        return o.error();
    const QJsonValue node = o->value(u"node"_s);
    if (!node.isObject())
        return protocolError(u"answer without a node"_s);
    QList<KeyValue> out;
    Result<void> r = collect(node.toObject(), out, 0);
    if (!r)
        return r.error();
    std::sort(out.begin(), out.end(), [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
    return out;
}

Result<WatchEvent> parseWatchEvent(const QByteArray& body)
{
    auto o = etcdv3::parseObject(body);
    if (!o)
        return o.error();
    const QString action = o->value(u"action"_s).toString();
    const QJsonObject node = o->value(u"node"_s).toObject();
    if (action.isEmpty() || node.isEmpty())
        return protocolError(u"watch answer without an action and a node"_s);
    WatchEvent event;
    if (action == u"set"_s || action == u"create"_s || action == u"update"_s || action == u"compareAndSwap"_s)
        event.type = WatchEvent::Type::Put;
    else if (action == u"delete"_s || action == u"expire"_s || action == u"compareAndDelete"_s)
        event.type = WatchEvent::Type::Delete;
    else
        return protocolError(u"unknown action \"%1\""_s.arg(action.left(30)));
    const QString key = node.value(u"key"_s).toString();
    if (key.isEmpty())
        return protocolError(u"watch node without a key"_s);
    event.kv.key = key.toUtf8();
    event.kv.value = node.value(u"value"_s).toString().toUtf8();
    auto modified = etcdv3::parseInt(node.value(u"modifiedIndex"_s), "modifiedIndex");
    auto created = etcdv3::parseInt(node.value(u"createdIndex"_s), "createdIndex");
    if (!modified)
        return modified.error();
    if (!created)
        return created.error();
    if (*modified <= 0)
        return protocolError(u"watch node without a modifiedIndex"_s);
    event.kv.modRevision = *modified;
    event.kv.createRevision = *created;
    return event;
}

Result<QList<EtcdMember>> parseMembers(const QByteArray& body)
{
    auto o = etcdv3::parseObject(body);
    if (!o)
        return o.error();
    if (!o->value(u"members"_s).isArray())
        return protocolError(u"answer without members"_s);
    QList<EtcdMember> members;
    for (const QJsonValue& item : o->value(u"members"_s).toArray()) {
        const QJsonObject m = item.toObject();
        EtcdMember member;
        bool ok = false;
        member.id = m.value(u"id"_s).toString().toULongLong(&ok, 16);
        if (!ok)
            return protocolError(u"member id is not hexadecimal"_s);
        member.name = m.value(u"name"_s).toString();
        for (const QJsonValue& u : m.value(u"peerURLs"_s).toArray())
            member.peerUrls << u.toString();
        for (const QJsonValue& u : m.value(u"clientURLs"_s).toArray())
            member.clientUrls << u.toString();
        members.append(member);
    }
    return members;
}

Result<qint64> parseIndex(const QByteArray& body)
{
    auto o = etcdv3::parseObject(body);
    if (!o)
        return o.error();
    const QJsonObject node = o->value(u"node"_s).toObject();
    if (node.isEmpty())
        return protocolError(u"answer without a node"_s);
    return etcdv3::parseInt(node.value(u"modifiedIndex"_s), "modifiedIndex");
}

} // namespace lbdeck::etcdv2
