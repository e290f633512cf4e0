// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/etcd/EtcdTypes.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace lbdeck {

// A machine that runs backends (the seed's node B and C).
struct NodeProfile
{
    QString name;           // shown in the UI, used in container labels
    QString publishAddress; // the IP backends publish on (the seed's COREOS_PRIVATE_IPV4)
    QString dockerEndpoint; // unix:///var/run/docker.sock, ssh://user@host, tcp://host:2376
    // Placement constraints (the seed's fleet MachineOf=/Conflicts= rules have their home here):
    bool noBackends = false; // never runs backends (the load balancer)
    bool cordoned = false;   // takes no new backend; the ones it runs stay
    bool operator==(const NodeProfile&) const = default;
};

// How new backends are started: the seed's apache@PORT units, as settings.
struct BackendDefaults
{
    QString image = QStringLiteral("lbdeck/backend:test");
    int containerPort = 80;
    QString namePattern = QStringLiteral("apache-%1"); // %1: the published port
    bool operator==(const BackendDefaults&) const = default;
};

// A load-balancer node (the seed's node A): where nginx runs and how its engine is reached.
struct BalancerProfile
{
    enum class Engine
    {
        Remote,
        Embedded
    };
    QString name; // "core-a": how the views name it; unique in the profile
    Engine engine = Engine::Remote;
    QString engineStatusUrl;  // http://127.0.0.1:9913, as seen from the load balancer when engineSsh is set
    QString engineSsh;        // ssh://user@host[:port]: the status URL is reached through this tunnel
    QString engineConfigFile; // Embedded: lbdeck-engine's TOML
    QString nginxUrl;         // where traffic goes in, for health checks: http://127.0.0.1:80
    bool operator==(const BalancerProfile&) const = default;
};

// Everything lbdeck needs to open one cluster. Never holds a secret: passwords and passphrases
// live in the keychain, looked up by profile name.
struct ClusterProfile
{
    QString name = QStringLiteral("local");
    EtcdConfig etcd;
    QByteArray prefix = "/test/";
    QList<NodeProfile> nodes;
    BackendDefaults backends;
    // Every load balancer, each with its engine (at most one embedded). Never empty: the first is
    // the primary, whose config the Config view shows and through which health checks go.
    QList<BalancerProfile> balancers{BalancerProfile{}};
    // An OpenSSH client config (-F) for this cluster's ssh:// nodes; empty: the user's ~/.ssh/config.
    QString sshConfigFile;

    BalancerProfile& balancer();
    const BalancerProfile& balancer() const;

    // Version 1 had one "balancer" object; fromJson() reads it as the only load balancer.
    static constexpr int FormatVersion = 2;
    QJsonObject toJson() const;
    static ClusterProfile fromJson(const QJsonObject& json);
    // The "formatVersion" a stored profile says it has (1 when it says nothing).
    static int formatVersionOf(const QJsonObject& json);
    bool operator==(const ClusterProfile& other) const;
};

} // namespace lbdeck
