// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ClusterProfile.h"
#include "core/etcd/EtcdKv.h"
#include "core/etcd/PrefixMirror.h"

#include <QObject>
#include <QPointer>

namespace lbdeck {

class Engine;
class EngineLink;
class UpstreamProber;

// One open cluster: the etcd client (v3 or v2, as the profile says or as detected), the live
// mirror of the backend prefix that every view reads, and the link to the reconciliation engine.
// The views never talk to etcd or the engine themselves.
class ClusterSession : public QObject
{
    Q_OBJECT
public:
    explicit ClusterSession(const ClusterProfile& profile, QObject* parent = nullptr);
    ~ClusterSession() override;

    // Connects (detecting the API if the profile says auto) and starts mirroring the prefix.
    void open(const QString& etcdPassword = {});
    const ClusterProfile& profile() const { return m_profile; }
    EtcdKv* etcd() const { return m_kv; }
    PrefixMirror* backends() const { return m_mirror; }
    EngineLink* engine() const { return m_engineLink; }
    UpstreamProber* prober() const { return m_prober; }
    const QByteArray& prefix() const { return m_profile.prefix; }

Q_SIGNALS:
    void opened();
    void failed(const lbdeck::Error& error);
    // Something an operator should see in the event log.
    void logMessage(const QString& text, bool isError);

private:
    void connectEngine();

    ClusterProfile m_profile;
    EtcdKv* m_kv = nullptr;             // Owned (child).
    PrefixMirror* m_mirror = nullptr;   // Owned (child).
    Engine* m_embeddedEngine = nullptr; // Owned (child), when the profile runs the engine in the app.
    EngineLink* m_engineLink = nullptr; // Owned (child).
    UpstreamProber* m_prober = nullptr; // Owned (child).
};

} // namespace lbdeck
