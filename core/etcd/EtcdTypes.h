// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/http/HttpEndpoint.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>

namespace lbdeck {

struct KeyValue
{
    QByteArray key;
    QByteArray value;
    qint64 createRevision = 0;
    qint64 modRevision = 0;
    qint64 version = 0;
    qint64 lease = 0;
    bool operator==(const KeyValue&) const = default;
};

struct KvSnapshot
{
    QList<KeyValue> kvs;
    qint64 revision = 0; // the store's revision (v2: etcd index) the snapshot was read at
    bool more = false;   // a limit cut the result short
    qint64 count = 0;
};

struct WatchEvent
{
    enum class Type
    {
        Put,
        Delete
    };
    Type type = Type::Put;
    KeyValue kv; // for a delete: the key and the revision of the delete
    bool operator==(const WatchEvent&) const = default;
};

struct EtcdMember
{
    quint64 id = 0;
    QString name;
    QStringList peerUrls;
    QStringList clientUrls;
    bool isLearner = false;
    bool operator==(const EtcdMember&) const = default;
};

struct EtcdStatus
{
    QString version;
    qint64 dbSize = 0;
    quint64 leader = 0;
    quint64 memberId = 0;
    qint64 raftIndex = 0;
    qint64 raftTerm = 0;
    qint64 revision = 0;
};

struct LeaseInfo
{
    qint64 id = 0;
    qint64 ttl = 0;        // seconds left; -1 once expired or revoked
    qint64 grantedTtl = 0; // seconds granted
};

enum class EtcdApi
{
    Auto,
    V3,
    V2
};

// How to reach an etcd cluster. The password is not here: it comes from the keychain.
struct EtcdConfig
{
    QStringList endpoints; // http://127.0.0.1:2379, https://...
    EtcdApi api = EtcdApi::Auto;
    TlsFiles tls;
    QString user;
    std::chrono::milliseconds timeout{5000};
};

// The smallest key greater than every key with this prefix (etcd's "range_end" for a prefix).
QByteArray prefixRangeEnd(const QByteArray& prefix);

} // namespace lbdeck
