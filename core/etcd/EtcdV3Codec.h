// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EtcdTypes.h"
#include "core/util/Result.h"

#include <QByteArray>
#include <QJsonObject>

#include <optional>

// Pure encoding and decoding of etcd's v3 JSON gateway messages: keys and values in base64,
// 64-bit numbers as strings. Server bodies are untrusted; every decoder returns an error for
// malformed input instead of guessing.
namespace lbdeck::etcdv3 {

struct RangeOptions
{
    QByteArray rangeEnd;
    qint64 limit = 0;
    qint64 revision = 0;
    bool keysOnly = false;
    bool countOnly = false;
};

QByteArray rangeBody(const QByteArray& key, const RangeOptions& options = {});
QByteArray putBody(const QByteArray& key, const QByteArray& value, qint64 lease = 0);
QByteArray deleteBody(const QByteArray& key, const QByteArray& rangeEnd = {});
// Compare-and-swap: put newValue if the key holds expected, or (no expected) if it does not exist.
QByteArray casBody(const QByteArray& key, const std::optional<QByteArray>& expected,
                   const QByteArray& newValue, qint64 lease = 0);
// Put key = value (on lease, when not 0) only while `guard` does not exist; on failure the
// response holds the guard (TxnResult::current).
QByteArray putUnlessBody(const QByteArray& key, const QByteArray& value, qint64 lease,
                         const QByteArray& guard);
// The same on the key's mod revision (0: the key must not exist), then a put or a delete.
QByteArray putIfBody(const QByteArray& key, const QByteArray& value, qint64 expectedModRevision);
QByteArray removeIfBody(const QByteArray& key, qint64 expectedModRevision);
QByteArray watchCreateBody(const QByteArray& key, const QByteArray& rangeEnd, qint64 startRevision,
                           bool progressNotify, bool prevKv = false);

// A failed call's body: {"error": "...", "message": "...", "code": N}. Maps gRPC codes to ours.
Error decodeError(const QByteArray& body, int httpStatus, const QString& where);

Result<QJsonObject> parseObject(const QByteArray& body);
Result<qint64> parseInt(const QJsonValue& value, const char* field);
Result<QByteArray> parseBytes(const QJsonValue& value, const char* field);
Result<KeyValue> parseKeyValue(const QJsonObject& kv);
Result<qint64> parseHeaderRevision(const QJsonObject& object);

Result<KvSnapshot> parseRange(const QByteArray& body);
Result<qint64> parsePut(const QByteArray& body);    // the new revision
Result<qint64> parseDelete(const QByteArray& body); // keys deleted
struct TxnResult
{
    bool succeeded = false;
    qint64 revision = 0;
    std::optional<KeyValue> current; // on failure: what the key holds now (absent: no such key)
};
Result<TxnResult> parseCas(const QByteArray& body);
Result<LeaseInfo> parseLease(const QByteArray& body); // grant, keepalive ({"result":{..}}), time-to-live
Result<QList<EtcdMember>> parseMembers(const QByteArray& body);
Result<EtcdStatus> parseStatus(const QByteArray& body);
Result<QByteArray> parseAuthToken(const QByteArray& body);

struct WatchMessage
{
    qint64 watchId = 0;
    qint64 headerRevision = 0;
    bool created = false;
    bool canceled = false;
    qint64 compactRevision = 0;
    QString cancelReason;
    QList<WatchEvent> events;
    bool isProgressNotify() const { return !created && !canceled && events.isEmpty(); }
};
// One line of the /v3/watch stream: {"result": {...}} or {"error": {...}}.
Result<WatchMessage> parseWatchMessage(const QByteArray& line);

} // namespace lbdeck::etcdv3
