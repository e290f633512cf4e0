// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdMembership.h"

#include "core/etcd/EtcdKv.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace lbdeck {

EtcdMembership::EtcdMembership(EtcdKv* kv, QObject* parent)
    : QObject(parent)
    , m_kv(kv)
{
    connect(&m_timer, &QTimer::timeout, this, &EtcdMembership::refresh);
}

void EtcdMembership::start(std::chrono::milliseconds interval)
{
    m_timer.start(interval);
    refresh();
}

void EtcdMembership::refresh()
{
    if (m_pending)
        return;
    m_pending = true;
    m_kv->members(this, [this](const Result<QList<EtcdMember>>& members) {
        m_pending = false;
        if (!members) {
            const QString error = members.error().toString();
            if (error != m_error) {
                m_error = error;
                Q_EMIT changed();
            }
            return;
        }
        if (m_known && m_error.isEmpty() && *members == m_members)
            return;
        m_members = *members;
        m_error.clear();
        m_known = true;
        Q_EMIT changed();
    });
}

QString EtcdMembership::memberAt(const QString& host) const
{
    if (host.isEmpty())
        return {};
    for (const EtcdMember& m : m_members) {
        for (const QStringList* urls : {&m.peerUrls, &m.clientUrls}) {
            for (const QString& u : *urls) {
                if (QUrl(u).host() == host)
                    return m.name.isEmpty() ? QString::number(m.id, 16) : m.name;
            }
        }
    }
    return {};
}

} // namespace lbdeck
