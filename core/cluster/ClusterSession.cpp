// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ClusterSession.h"

#include "core/etcd/EtcdConnect.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

ClusterSession::ClusterSession(const EtcdConfig& etcd, QByteArray prefix, QObject* parent)
    : QObject(parent)
    , m_config(etcd)
    , m_prefix(std::move(prefix))
{}

void ClusterSession::open(const QString& password)
{
    Q_EMIT logMessage(u"Connecting to etcd at %1"_s.arg(m_config.endpoints.join(u", "_s)), false);
    connectEtcd(
        m_config, password, this,
        [this](const Result<EtcdKv*>& kv) {
            if (!kv) {
                Q_EMIT logMessage(kv.error().toString(), true);
                Q_EMIT failed(kv.error());
                return;
            }
            m_kv = *kv;
            m_mirror = new PrefixMirror(m_kv, m_prefix, this);
            connect(m_mirror, &PrefixMirror::resynced, this, [this](const QString& reason, qint64 revision) {
                Q_EMIT logMessage(
                    u"Read %1 keys under %2 at revision %3 (%4)"_s.arg(m_mirror->entries().size())
                        .arg(QString::fromUtf8(m_prefix))
                        .arg(revision)
                        .arg(reason),
                    false);
            });
            connect(m_mirror, &PrefixMirror::stateChanged, this,
                    [this](PrefixMirror::State state, const QString& detail) {
                        if (state == PrefixMirror::State::Reconnecting && !detail.isEmpty())
                            Q_EMIT logMessage(u"etcd connection lost: %1 — retrying"_s.arg(detail), true);
                        else if (state == PrefixMirror::State::Live)
                            Q_EMIT logMessage(
                                u"Watching %1 on %2"_s.arg(QString::fromUtf8(m_prefix), m_kv->describe()),
                                false);
                    });
            m_mirror->start();
            Q_EMIT opened();
        },
        this);
}

} // namespace lbdeck
