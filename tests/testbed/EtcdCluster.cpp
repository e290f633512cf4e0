// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdCluster.h"

#include "tests/testbed/TestProcess.h"

using namespace Qt::StringLiterals;

namespace lbdeck::testbed {

EtcdCluster::EtcdCluster(int size)
{
    QList<quint16> taken;
    const auto fresh = [&taken] {
        quint16 p = freePort();
        while (taken.contains(p))
            p = freePort();
        taken << p;
        return p;
    };
    QStringList peers;
    std::vector<EtcdServer::Options> options(std::size_t(qMax(1, size)));
    for (std::size_t i = 0; i < options.size(); ++i) {
        EtcdServer::Options& o = options[i];
        o.name = u"member-%1"_s.arg(i);
        o.clientPort = fresh();
        o.peerPort = fresh();
        peers << u"%1=http://127.0.0.1:%2"_s.arg(o.name).arg(o.peerPort);
    }
    for (EtcdServer::Options& o : options) {
        o.initialCluster = peers.join(u',');
        m_members.push_back(std::make_unique<EtcdServer>(o));
    }
}

QString EtcdCluster::start()
{
    // All at once: a member answers /health only once a quorum runs.
    for (auto& m : m_members)
        if (QString err = m->launch(); !err.isEmpty())
            return err;
    for (auto& m : m_members)
        if (QString err = m->waitReady(); !err.isEmpty())
            return err;
    return QString();
}

void EtcdCluster::stop()
{
    for (auto& m : m_members)
        m->stop();
}

QStringList EtcdCluster::clientUrls() const
{
    QStringList out;
    for (const auto& m : m_members)
        out << m->clientUrl();
    return out;
}

} // namespace lbdeck::testbed
