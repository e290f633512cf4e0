// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EtcdTypes.h"
#include "core/util/Result.h"

#include <QByteArray>

// Pure decoding of etcd's v2 keys API (legacy clusters, like the seed's CoreOS etcd). Bodies are
// untrusted: malformed input is an error, never a guess.
namespace lbdeck::etcdv2 {

// The v2 error body: {"errorCode": 100, "message": "Key not found", "cause": "/x", "index": 7}.
struct ApiError
{
    int errorCode = 0;
    QString message;
    QString cause;
    qint64 index = 0;
};
std::optional<ApiError> parseApiError(const QByteArray& body);
Error toError(const ApiError& e, int httpStatus, const QString& where);
// The error for a non-success answer, from its v2 error body when it has one.
Error responseError(int httpStatus, const QByteArray& body, const QString& where);

// "/test/apache-8001" -> "/v2/keys/test/apache-8001" with each segment percent-encoded.
QByteArray keyPath(const QByteArray& key);

// A GET of a directory, recursive: the leaves (keys with values), flattened, in key order.
Result<QList<KeyValue>> parseNodeTree(const QByteArray& body);
// One event from ?wait=true. A directory delete/expire comes as a Delete of the directory key.
Result<WatchEvent> parseWatchEvent(const QByteArray& body);
Result<QList<EtcdMember>> parseMembers(const QByteArray& body);
Result<qint64> parseIndex(const QByteArray& body); // the node's modifiedIndex after a set/delete

} // namespace lbdeck::etcdv2
