// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdBackend.h"

#include "core/etcd/EtcdConnect.h"
#include "core/etcd/EtcdKv.h"

namespace lbdeck::confd {

EtcdBackend::EtcdBackend(const EtcdConfig& config, EtcdApi api, const QString& password, QObject* parent)
    : Backend(parent)
    , m_config(config)
    , m_etcd(makeEtcdClient(config, api, password, this))
{}

EtcdBackend::~EtcdBackend() = default;

void EtcdBackend::getValues(const QList<QByteArray>& keys, QObject* context, Callback<KeyValues> callback)
{
    if (keys.isEmpty()) {
        // Nothing to read, but the lifetime rule holds: the answer comes from the event loop.
        QMetaObject::invokeMethod(
            context, [callback] { callback(KeyValues()); }, Qt::QueuedConnection);
        return;
    }
    readNext(keys, 0, {}, context, std::move(callback));
}

void EtcdBackend::readNext(const QList<QByteArray>& keys, qsizetype index, KeyValues values,
                           QPointer<QObject> context, Callback<KeyValues> callback)
{
    m_etcd->getPrefix(keys[index], this,
                      [this, keys, index, values = std::move(values), context,
                       callback = std::move(callback)](const Result<KvSnapshot>& snap) mutable {
                          if (!context)
                              return;
                          if (!snap) {
                              callback(snap.error());
                              return;
                          }
                          for (const KeyValue& kv : snap->kvs)
                              values.insert(kv.key, kv.value);
                          m_lastRevision = qMax(m_lastRevision, snap->revision);
                          if (index + 1 < keys.size()) {
                              readNext(keys, index + 1, std::move(values), context, std::move(callback));
                              return;
                          }
                          callback(values);
                      });
}

Result<void> EtcdBackend::watch(const QList<QByteArray>& keys)
{
    for (const QByteArray& key : keys)
        watchKey(key, m_lastRevision > 0 ? m_lastRevision + 1 : 0);
    return {};
}

void EtcdBackend::watchKey(const QByteArray& key, qint64 fromRevision)
{
    EtcdWatch* w = m_etcd->watchPrefix(key, fromRevision, this);
    connect(w, &EtcdWatch::eventsReceived, this, [this] { Q_EMIT changed(); });
    // The history is gone (compaction) and the watch has stopped: watch again from now, and read
    // everything again, which is what catches up.
    connect(w, &EtcdWatch::historyLost, this, [this, w, key] {
        w->deleteLater();
        watchKey(key, 0);
        Q_EMIT changed();
    });
    connect(w, &EtcdWatch::connectionChanged, this, [this](bool connected, const QString& error) {
        if (!connected && !error.isEmpty())
            Q_EMIT watchFailed(error);
        else if (connected)
            Q_EMIT changed(); // resumed: whatever happened while away is read again
    });
}

QString EtcdBackend::sources() const
{
    return m_config.endpoints.join(QStringLiteral(", "));
}

} // namespace lbdeck::confd
