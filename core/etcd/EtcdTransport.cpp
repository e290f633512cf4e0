// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdTransport.h"

#include "core/http/HttpClient.h"
#include "core/util/Logging.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

EtcdTransport::EtcdTransport(const EtcdConfig& config, QObject* parent)
    : QObject(parent)
    , m_config(config)
{
    for (const QString& url : config.endpoints) {
        Result<HttpEndpoint> ep = HttpEndpoint::parse(url, config.tls);
        if (!ep) {
            // Reported on use: an unusable endpoint that fails every request says why.
            qCWarning(lcEtcd) << ep.error().toString();
            m_clients.append(new HttpClient(HttpEndpoint::unixSocket(u"/nonexistent/"_s + url), this));
            continue;
        }
        m_clients.append(new HttpClient(*ep, this));
    }
    if (m_clients.isEmpty())
        m_clients.append(new HttpClient(HttpEndpoint::tcp(u"127.0.0.1"_s, 2379), this));
}

void EtcdTransport::setKeyPassphrase(const QByteArray& passphrase)
{
    for (HttpClient* client : std::as_const(m_clients))
        client->setKeyPassphrase(passphrase);
}

QString EtcdTransport::currentEndpoint() const
{
    return current()->endpoint().toString();
}

QString EtcdTransport::whereFor(const QString& subject) const
{
    if (subject.isEmpty())
        return u"etcd at %1"_s.arg(currentEndpoint());
    return u"etcd at %1, %2"_s.arg(currentEndpoint(), subject);
}

void EtcdTransport::failover(int fromIndex)
{
    if (m_clients.size() < 2 || m_current != fromIndex)
        return;
    m_current = (fromIndex + 1) % int(m_clients.size());
    qCInfo(lcEtcd) << "switching to etcd endpoint" << currentEndpoint();
    Q_EMIT endpointChanged(currentEndpoint());
}

bool EtcdTransport::moveToNext()
{
    if (m_clients.size() < 2)
        return false;
    failover(m_current);
    return true;
}

void EtcdTransport::send(const HttpRequest& request, const QString& subject, QObject* context,
                         Callback<HttpResponse> callback, bool idempotent)
{
    attempt(request, subject, context, std::move(callback), idempotent, 0);
}

void EtcdTransport::attempt(const HttpRequest& request, const QString& subject, QObject* context,
                            Callback<HttpResponse> callback, bool idempotent, int tried)
{
    const int index = m_current;
    HttpClient* client = m_clients.at(index);
    QPointer<QObject> guard(context);
    client->send(
        request, context,
        [this, request, subject, guard, callback, idempotent, tried, index](const Result<HttpResponse>& r) {
            const int endpoints = int(m_clients.size());
            bool moveOn = false;
            if (!r) {
                const ErrorCode code = r.error().code;
                moveOn = code == ErrorCode::Network || (code == ErrorCode::Timeout && idempotent);
            } else {
                moveOn = r->status == 503;
            }
            if (moveOn && tried + 1 < endpoints && guard) {
                failover(index);
                attempt(request, subject, guard, callback, idempotent, tried + 1);
                return;
            }
            if (r) {
                callback(r);
                return;
            }
            Error e = r.error();
            e.where = u"etcd at %1%2"_s.arg(m_clients.at(index)->endpoint().toString(),
                                            subject.isEmpty() ? QString() : u", "_s + subject);
            if (e.code == ErrorCode::Network)
                e.message += u" — is etcd running and listening there?"_s;
            callback(e);
        });
}

} // namespace lbdeck
