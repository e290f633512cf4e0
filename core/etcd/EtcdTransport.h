// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EtcdKv.h"
#include "core/http/HttpMessage.h"

#include <QList>
#include <QObject>

namespace lbdeck {

class HttpClient;

// The cluster's client endpoints, one HTTP client each, and which one is in use. A request that
// cannot reach its endpoint (or gets 503) moves on to the next one, each tried once; errors name
// the endpoint and what the request was about. Shared by the v3 and v2 clients.
class EtcdTransport : public QObject
{
    Q_OBJECT
public:
    EtcdTransport(const EtcdConfig& config, QObject* parent);

    void setKeyPassphrase(const QByteArray& passphrase);
    // Any HTTP status is a success here; only transport failures and 503 fail over.
    void send(const HttpRequest& request, const QString& subject, QObject* context,
              Callback<HttpResponse> callback, bool idempotent = true);

    HttpClient* current() const { return m_clients.at(m_current); }
    int currentIndex() const { return m_current; }
    QString currentEndpoint() const;
    QString whereFor(const QString& subject) const;
    void failover(int fromIndex);
    // failover() from the endpoint in use; false when there is no other one.
    bool moveToNext();
    const EtcdConfig& config() const { return m_config; }

Q_SIGNALS:
    void endpointChanged(const QString& endpoint);

private:
    void attempt(const HttpRequest& request, const QString& subject, QObject* context,
                 Callback<HttpResponse> callback, bool idempotent, int tried);

    EtcdConfig m_config;
    QList<HttpClient*> m_clients; // Owned (children).
    int m_current = 0;
};

} // namespace lbdeck
