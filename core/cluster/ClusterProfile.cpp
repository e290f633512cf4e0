// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ClusterProfile.h"

#include <QJsonArray>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString apiName(EtcdApi api)
{
    switch (api) {
    case EtcdApi::V3:
        return u"v3"_s;
    case EtcdApi::V2:
        return u"v2"_s;
    case EtcdApi::Auto:
        break;
    }
    return u"auto"_s;
}

EtcdApi apiFromName(const QString& name)
{
    if (name == u"v3"_s)
        return EtcdApi::V3;
    if (name == u"v2"_s)
        return EtcdApi::V2;
    return EtcdApi::Auto;
}

QString engineName(BalancerProfile::Engine engine)
{
    return engine == BalancerProfile::Engine::Embedded ? u"embedded"_s : u"remote"_s;
}

QJsonObject balancerJson(const BalancerProfile& lb)
{
    QJsonObject o{{u"name"_s, lb.name},
                  {u"engine"_s, engineName(lb.engine)},
                  {u"engineStatusUrl"_s, lb.engineStatusUrl},
                  {u"engineConfigFile"_s, lb.engineConfigFile},
                  {u"nginxUrl"_s, lb.nginxUrl}};
    if (!lb.engineSsh.isEmpty())
        o.insert(u"engineSsh"_s, lb.engineSsh);
    return o;
}

BalancerProfile balancerFromJson(const QJsonObject& lb)
{
    BalancerProfile b;
    b.name = lb.value(u"name"_s).toString();
    b.engine = lb.value(u"engine"_s).toString() == u"embedded"_s ? BalancerProfile::Engine::Embedded
                                                                 : BalancerProfile::Engine::Remote;
    b.engineStatusUrl = lb.value(u"engineStatusUrl"_s).toString();
    b.engineSsh = lb.value(u"engineSsh"_s).toString();
    b.engineConfigFile = lb.value(u"engineConfigFile"_s).toString();
    b.nginxUrl = lb.value(u"nginxUrl"_s).toString();
    return b;
}

// Version 1's one load balancer had no name: the node marked "no backends" when there is exactly
// one (the seed's node A), else the host nginx listens on.
QString migratedBalancerName(const ClusterProfile& p)
{
    QStringList lbNodes;
    for (const NodeProfile& n : p.nodes) {
        if (n.noBackends)
            lbNodes << n.name;
    }
    if (lbNodes.size() == 1)
        return lbNodes.first();
    const QString host = QUrl(p.balancers.first().nginxUrl).host();
    return host.isEmpty() ? u"load balancer"_s : host;
}

} // namespace

BalancerProfile& ClusterProfile::balancer()
{
    if (balancers.isEmpty())
        balancers.append(BalancerProfile{});
    return balancers.first();
}

const BalancerProfile& ClusterProfile::balancer() const
{
    static const BalancerProfile none;
    return balancers.isEmpty() ? none : balancers.first();
}

int ClusterProfile::formatVersionOf(const QJsonObject& json)
{
    return json.value(u"formatVersion"_s).toInt(1);
}

QJsonObject ClusterProfile::toJson() const
{
    QJsonArray nodeArray;
    for (const NodeProfile& n : nodes) {
        QJsonObject node{{u"name"_s, n.name},
                         {u"publishAddress"_s, n.publishAddress},
                         {u"dockerEndpoint"_s, n.dockerEndpoint}};
        if (n.noBackends)
            node.insert(u"noBackends"_s, true);
        if (n.cordoned)
            node.insert(u"cordoned"_s, true);
        nodeArray.append(node);
    }
    QJsonArray lbArray;
    for (const BalancerProfile& lb : balancers)
        lbArray.append(balancerJson(lb));
    return QJsonObject{
        {u"formatVersion"_s, FormatVersion},
        {u"name"_s, name},
        {u"etcd"_s, QJsonObject{{u"endpoints"_s, QJsonArray::fromStringList(etcd.endpoints)},
                                {u"api"_s, apiName(etcd.api)},
                                {u"caFile"_s, etcd.tls.caFile},
                                {u"certFile"_s, etcd.tls.certFile},
                                {u"keyFile"_s, etcd.tls.keyFile},
                                {u"user"_s, etcd.user},
                                {u"timeoutMs"_s, qint64(etcd.timeout.count())}}},
        {u"prefix"_s, QString::fromUtf8(prefix)},
        {u"sshConfigFile"_s, sshConfigFile},
        {u"nodes"_s, nodeArray},
        {u"backends"_s, QJsonObject{{u"image"_s, backends.image},
                                    {u"containerPort"_s, backends.containerPort},
                                    {u"namePattern"_s, backends.namePattern}}},
        {u"balancers"_s, lbArray},
    };
}

ClusterProfile ClusterProfile::fromJson(const QJsonObject& o)
{
    ClusterProfile p;
    p.name = o.value(u"name"_s).toString(p.name);
    const QJsonObject e = o.value(u"etcd"_s).toObject();
    for (const QJsonValue& v : e.value(u"endpoints"_s).toArray())
        p.etcd.endpoints << v.toString();
    p.etcd.api = apiFromName(e.value(u"api"_s).toString());
    p.etcd.tls.caFile = e.value(u"caFile"_s).toString();
    p.etcd.tls.certFile = e.value(u"certFile"_s).toString();
    p.etcd.tls.keyFile = e.value(u"keyFile"_s).toString();
    p.etcd.user = e.value(u"user"_s).toString();
    p.etcd.timeout = std::chrono::milliseconds(e.value(u"timeoutMs"_s).toInteger(5000));
    p.prefix = o.value(u"prefix"_s).toString(u"/test/"_s).toUtf8();
    p.sshConfigFile = o.value(u"sshConfigFile"_s).toString();
    for (const QJsonValue& v : o.value(u"nodes"_s).toArray()) {
        const QJsonObject n = v.toObject();
        NodeProfile node;
        node.name = n.value(u"name"_s).toString();
        node.publishAddress = n.value(u"publishAddress"_s).toString();
        node.dockerEndpoint = n.value(u"dockerEndpoint"_s).toString();
        node.noBackends = n.value(u"noBackends"_s).toBool();
        node.cordoned = n.value(u"cordoned"_s).toBool();
        p.nodes.append(node);
    }
    const QJsonObject b = o.value(u"backends"_s).toObject();
    p.backends.image = b.value(u"image"_s).toString(p.backends.image);
    p.backends.containerPort = b.value(u"containerPort"_s).toInt(p.backends.containerPort);
    p.backends.namePattern = b.value(u"namePattern"_s).toString(p.backends.namePattern);
    p.balancers.clear();
    if (o.contains(u"balancers"_s)) {
        for (const QJsonValue& v : o.value(u"balancers"_s).toArray())
            p.balancers.append(balancerFromJson(v.toObject()));
    }
    if (p.balancers.isEmpty()) { // version 1: one "balancer" object, without a name
        p.balancers.append(balancerFromJson(o.value(u"balancer"_s).toObject()));
        if (p.balancers.first().name.isEmpty())
            p.balancers.first().name = migratedBalancerName(p);
    }
    return p;
}

bool ClusterProfile::operator==(const ClusterProfile& other) const
{
    return toJson() == other.toJson();
}

} // namespace lbdeck
