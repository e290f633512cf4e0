// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdConnect.h"

#include "EtcdTransport.h"
#include "EtcdV2Client.h"
#include "EtcdV3Client.h"
#include "EtcdV3Codec.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

EtcdKv* makeEtcdClient(const EtcdConfig& config, EtcdApi api, const QString& password, QObject* parent)
{
    if (api == EtcdApi::V2) {
        auto* c = new EtcdV2Client(config, parent);
        c->setPassword(password);
        return c;
    }
    auto* c = new EtcdV3Client(config, parent);
    c->setPassword(password);
    return c;
}

Result<EtcdApi> apiFromVersion(const QByteArray& body)
{
    auto o = etcdv3::parseObject(body);
    if (!o)
        return o.error();
    const QString version = o->value(u"etcdserver"_s).toString();
    if (version.isEmpty())
        return makeError(ErrorCode::Protocol, u"the /version answer does not name an etcd server version"_s);
    return version.startsWith(u"2."_s) ? EtcdApi::V2 : EtcdApi::V3;
}

void connectEtcd(const EtcdConfig& config, const QString& password, QObject* context,
                 Callback<EtcdKv*> callback, QObject* clientParent)
{
    if (config.api != EtcdApi::Auto) {
        EtcdKv* kv = makeEtcdClient(config, config.api, password, clientParent);
        QMetaObject::invokeMethod(
            context, [callback, kv] { callback(kv); }, Qt::QueuedConnection);
        return;
    }
    auto* probe = new EtcdTransport(config, context);
    HttpRequest request;
    request.target = "/version";
    request.timeout = config.timeout;
    QPointer<QObject> parent(clientParent);
    probe->send(request, u"version"_s, probe,
                [probe, config, password, parent, callback](const Result<HttpResponse>& r) {
                    probe->deleteLater();
                    if (!r) {
                        callback(r.error());
                        return;
                    }
                    Result<EtcdApi> api =
                        r->status == 200
                            ? apiFromVersion(r->body)
                            : Result<EtcdApi>(makeError(ErrorCode::Http, u"HTTP status %1"_s.arg(r->status)));
                    if (!api) {
                        Error e = api.error();
                        e.where = probe->whereFor(u"version"_s);
                        callback(e);
                        return;
                    }
                    callback(makeEtcdClient(config, *api, password, parent));
                });
}

} // namespace lbdeck
