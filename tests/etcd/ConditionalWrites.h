// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/etcd/EtcdKv.h"
#include "tests/support/Await.h"

#include <QTest>

namespace lbdeck::test {

// putIf/removeIf against a real etcd, the same for both APIs: a create-only write never
// overwrites, a write or delete on a stale revision never lands, and the refusal says what the
// key holds.
inline void checkConditionalWrites(EtcdKv& kv, const QByteArray& key)
{
    auto putIf = [&](const QByteArray& v, qint64 rev) {
        return await<qint64>([&](QObject* c, Callback<qint64> cb) { kv.putIf(key, v, rev, c, cb); });
    };
    auto removeIf = [&](qint64 rev) {
        return await<qint64>([&](QObject* c, Callback<qint64> cb) { kv.removeIf(key, rev, c, cb); });
    };
    auto current = [&]() -> std::optional<KeyValue> {
        auto snap = await<KvSnapshot>([&](QObject* c, Callback<KvSnapshot> cb) { kv.getPrefix(key, c, cb); });
        if (snap) {
            for (const KeyValue& k : snap->kvs) {
                if (k.key == key)
                    return k;
            }
        }
        return std::nullopt;
    };

    const Result<qint64> created = putIf("127.0.1.3:8001", 0);
    QVERIFY2(created.ok(), why(created).constData());
    const std::optional<KeyValue> first = current();
    QVERIFY(first);
    QCOMPARE(first->value, QByteArray("127.0.1.3:8001"));
    QCOMPARE(first->modRevision, *created);

    // Create-only again: refused, names the holder, changes nothing.
    const Result<qint64> again = putIf("127.0.1.2:8001", 0);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, ErrorCode::Conflict);
    QVERIFY2(again.error().message.contains(QString::fromUtf8(key)), qPrintable(again.error().message));
    QCOMPARE(current()->value, QByteArray("127.0.1.3:8001"));
    QCOMPARE(current()->modRevision, first->modRevision);

    // A write on the current revision lands; one on the old revision does not.
    const Result<qint64> moved = putIf("127.0.1.4:8001", first->modRevision);
    QVERIFY2(moved.ok(), why(moved).constData());
    const Result<qint64> stale = putIf("127.0.1.9:8001", first->modRevision);
    QVERIFY(!stale.ok());
    QCOMPARE(stale.error().code, ErrorCode::Conflict);
    QCOMPARE(current()->value, QByteArray("127.0.1.4:8001"));

    // Delete on a stale revision: refused, the key stays. On the current one: gone.
    const Result<qint64> staleDelete = removeIf(first->modRevision);
    QVERIFY(!staleDelete.ok());
    QCOMPARE(staleDelete.error().code, ErrorCode::Conflict);
    QVERIFY(current());
    const Result<qint64> removed = removeIf(current()->modRevision);
    QVERIFY2(removed.ok(), why(removed).constData());
    QVERIFY(!current());
    // Deleting what is gone says so.
    const Result<qint64> gone = removeIf(*moved);
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().code, ErrorCode::NotFound);
}

} // namespace lbdeck::test
