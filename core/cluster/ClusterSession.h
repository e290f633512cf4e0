// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/etcd/EtcdKv.h"
#include "core/etcd/PrefixMirror.h"

#include <QObject>
#include <QPointer>

namespace lbdeck {

// One open cluster: the etcd client (v3 or v2, chosen by the profile or detected) and the live
// mirror of the backend prefix that every view reads. The views never talk to etcd themselves.
class ClusterSession : public QObject
{
    Q_OBJECT
public:
    ClusterSession(const EtcdConfig& etcd, QByteArray prefix, QObject* parent = nullptr);

    // Connects (detecting the API if the config says Auto) and starts mirroring the prefix.
    void open(const QString& password = {});
    EtcdKv* etcd() const { return m_kv; }
    PrefixMirror* backends() const { return m_mirror; }
    const QByteArray& prefix() const { return m_prefix; }
    const EtcdConfig& etcdConfig() const { return m_config; }

Q_SIGNALS:
    void opened();
    void failed(const lbdeck::Error& error);
    // Something an operator should see in the event log.
    void logMessage(const QString& text, bool isError);

private:
    EtcdConfig m_config;
    QByteArray m_prefix;
    EtcdKv* m_kv = nullptr;           // Owned (child).
    PrefixMirror* m_mirror = nullptr; // Owned (child).
};

} // namespace lbdeck
