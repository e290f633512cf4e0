// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "tests/testbed/EtcdServer.h"

#include <memory>
#include <vector>

namespace lbdeck::testbed {

// A real etcd cluster of `size` members on 127.0.0.1, each on free ports with its own data dir.
class EtcdCluster
{
public:
    explicit EtcdCluster(int size = 3);

    // Empty on success, else what failed.
    QString start();
    void stop();
    EtcdServer& member(int i) { return *m_members.at(std::size_t(i)); }
    int size() const { return int(m_members.size()); }
    // Every member's client URL, in order: the endpoints a client is given.
    QStringList clientUrls() const;

private:
    std::vector<std::unique_ptr<EtcdServer>> m_members;
};

} // namespace lbdeck::testbed
