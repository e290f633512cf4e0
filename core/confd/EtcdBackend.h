// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Backend.h"
#include "core/etcd/EtcdTypes.h"

#include <QPointer>

namespace lbdeck {
class EtcdKv;
}

namespace lbdeck::confd {

// confd's etcd backends over lbdeck's etcd clients: v3 (confd's "etcd"/"etcdv3": every key under a
// byte prefix) or v2 (a recursive read of each key's directory).
class EtcdBackend : public Backend
{
    Q_OBJECT
public:
    EtcdBackend(const EtcdConfig& config, EtcdApi api, const QString& password, QObject* parent = nullptr);
    ~EtcdBackend() override;

    void getValues(const QList<QByteArray>& keys, QObject* context, Callback<KeyValues> callback) override;
    Result<void> watch(const QList<QByteArray>& keys) override;
    QString sources() const override;

private:
    void watchKey(const QByteArray& key, qint64 fromRevision);
    void readNext(const QList<QByteArray>& keys, qsizetype index, KeyValues values, QPointer<QObject> context,
                  Callback<KeyValues> callback);

    EtcdConfig m_config;
    EtcdKv* m_etcd = nullptr; // Owned (child).
    qint64 m_lastRevision = 0;
};

} // namespace lbdeck::confd
