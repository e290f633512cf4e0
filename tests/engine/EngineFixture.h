// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/engine/EngineConfig.h"
#include "tests/testbed/EtcdServer.h"
#include "tests/testbed/NginxServer.h"

#include <QMap>

namespace lbdeck::test {

// The seed's cluster on loopback: etcd, two backends answering "backend 8001" / "backend 8002" on
// the seed's addresses (127.0.1.3:8001, 127.0.1.2:8002), and a load-balancer nginx whose config the
// engine owns.
struct EngineFixture
{
    testbed::EtcdServer etcd;
    testbed::NginxServer backends;
    testbed::NginxServer balancer;
    quint16 statusPort = 0;

    // "" or what failed.
    QString start();
    // An engine config for the balancer: built-in template, pid file, temp dir, loopback listeners.
    EngineConfig engineConfig() const;
    // The balancer's config as the golden file spells it, placeholders filled in.
    QByteArray golden(const QString& goldenFile, qint64 revision, const QString& hash) const;
    // n requests through the balancer: which backend answered, how often; "error" counts failures.
    QMap<QByteArray, int> spread(int n) const;
    static QString dataDir();
};

} // namespace lbdeck::test
