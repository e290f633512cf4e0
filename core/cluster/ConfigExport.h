// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ConfdTemplate.h"
#include "core/util/Result.h"

#include <QByteArray>
#include <QMap>
#include <QStringList>

namespace lbdeck {

// What Export… writes: the nginx.conf exactly as the engine rendered it, or a bundle that lets
// someone rebuild it without lbdeck — nginx.conf, a confd template resource that renders it (the
// engine's own template, with the engine's values), the etcd keys at that revision, and a README
// that says which lines only the engine can write (its hash and revision marks).
namespace configexport {

Result<void> writeConfig(const QString& path, const QByteArray& config);

struct Bundle
{
    QByteArray config;                 // the rendered nginx.conf
    QByteArray prefix = "/test/";      // the etcd prefix the backends live under
    QMap<QByteArray, QByteArray> keys; // every key under the prefix, with its value
    qint64 revision = 0;
    EngineTemplate engine; // the template the engine rendered config with
    // The confd resource's dest and commands ({{.src}}: the staged file); an empty command is left out.
    QString dest = QStringLiteral("/etc/nginx/nginx.conf");
    QString checkCmd = QStringLiteral("/usr/sbin/nginx -t -c {{.src}}");
    QString reloadCmd = QStringLiteral("/usr/sbin/nginx -s reload");

    // The engine's template, and its nginx.conf's path as dest, from its status (GET /status).
    void setEngineStatus(const QJsonObject& status);
};
// Returns the files written, relative to directory. Fails, writing nothing, when the engine's
// template cannot be handed to confd (an engine that does not show it, several prefixes merged).
Result<QStringList> writeBundle(const QString& directory, const Bundle& bundle);

} // namespace configexport
} // namespace lbdeck
