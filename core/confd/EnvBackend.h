// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Backend.h"

namespace lbdeck::confd {

// confd's `-backend env` (backends/env/client.go): key "/database/host" reads every environment
// variable whose name starts with DATABASE_HOST (leading "/" dropped, "/" -> "_", upper case),
// each under "/" + its name in lower case with "_" -> "/" (DATABASE_HOST_PORT ->
// /database/host/port). The environment is read when the result is delivered. It never changes:
// watch() succeeds and changed() is never emitted, as in confd.
class EnvBackend : public Backend
{
    Q_OBJECT
public:
    using Backend::Backend;

    void getValues(const QList<QByteArray>& keys, QObject* context, Callback<KeyValues> callback) override;
    Result<void> watch(const QList<QByteArray>& keys) override;
    QString sources() const override;

    // The read itself, synchronous: what getValues() delivers.
    static KeyValues readValues(const QList<QByteArray>& keys);
};

} // namespace lbdeck::confd
