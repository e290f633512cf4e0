// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace lbdeck {

// A backend container left behind on a node that was unreachable when its backends were moved
// elsewhere: whatever that node's engine brings back under this name is stopped and never
// registered again. Kept in etcd, beside (never under) the backend prefix, so that every lbdeck
// that opens the cluster sees it, whichever machine it runs on, and so that the engine, which
// renders everything under the prefix, never takes it for a server.
struct FenceRecord
{
    QString node;      // the node that was lost
    QString container; // its container there, e.g. apache-8001
    QByteArray key;    // the backend key that was unregistered
    QString address;   // what that key said, e.g. 127.0.1.3:8001
    QString movedNode; // where the replacement runs
    QString movedName; // the replacement's container (and key) name
    QString movedAddress;
    QDateTime at;

    // "core-b:8003"
    QString movedTo() const;
    QByteArray toJson() const;
    static Result<FenceRecord> fromJson(const QByteArray& json);
    bool operator==(const FenceRecord&) const = default;
};

// Where the fence records of a backend prefix live: "/test/" -> "/lbdeck-fenced/test/". Refused
// when the backend prefix would cover it (a prefix of "/" or "/lbdeck…"): there a record would be
// rendered into nginx.conf.
Result<QByteArray> fencePrefix(const QByteArray& backendPrefix);
// fencePrefix + node + "/" + container.
Result<QByteArray> fenceKey(const QByteArray& backendPrefix, const QString& node, const QString& container);

} // namespace lbdeck
