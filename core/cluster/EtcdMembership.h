// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/etcd/EtcdTypes.h"

#include <QObject>
#include <QTimer>

namespace lbdeck {

class EtcdKv;

// Which nodes are etcd members (in the seed every CoreOS node was one): the member list, re-read
// every interval, matched against a node's address by the hosts of the members' peer and client
// URLs.
class EtcdMembership : public QObject
{
    Q_OBJECT
public:
    explicit EtcdMembership(EtcdKv* kv, QObject* parent = nullptr); // kv not owned
    void start(std::chrono::milliseconds interval = std::chrono::seconds(15));
    void refresh();

    bool isKnown() const { return m_known; } // a member list has been read at least once
    const QList<EtcdMember>& members() const { return m_members; }
    const QString& error() const { return m_error; }
    // The name of the member at this host or IP ("" when none); an unnamed member gives its id.
    QString memberAt(const QString& host) const;

Q_SIGNALS:
    void changed();

private:
    EtcdKv* m_kv;
    QTimer m_timer;
    QList<EtcdMember> m_members;
    QString m_error;
    bool m_known = false;
    bool m_pending = false;
};

} // namespace lbdeck
