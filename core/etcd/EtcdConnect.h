// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EtcdKv.h"

namespace lbdeck {

// Makes the client a profile asks for. With EtcdApi::Auto it asks the cluster first (GET /version):
// etcd 2.x speaks only v2; 3.x speaks v3 through its gateway. The password (from the keychain) is
// handed to the client, never stored.
void connectEtcd(const EtcdConfig& config, const QString& password, QObject* context,
                 Callback<EtcdKv*> callback, QObject* clientParent);

// Synchronous construction when the API is known (V2 or V3).
EtcdKv* makeEtcdClient(const EtcdConfig& config, EtcdApi api, const QString& password, QObject* parent);

// {"etcdserver":"3.4.23",...} -> V3; "2.3.8" -> V2.
Result<EtcdApi> apiFromVersion(const QByteArray& body);

} // namespace lbdeck
