// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QMap>
#include <QStringList>

namespace lbdeck {

// What Export… writes: the nginx.conf exactly as the engine rendered it, or a bundle that lets
// someone rebuild it without lbdeck — nginx.conf, a confd template resource with its template, and
// the etcd keys at that revision.
namespace configexport {

Result<void> writeConfig(const QString& path, const QByteArray& config);

struct Bundle
{
    QByteArray config;                 // the rendered nginx.conf
    QByteArray prefix = "/test/";      // the etcd prefix the backends live under
    QMap<QByteArray, QByteArray> keys; // every key under the prefix, with its value
    qint64 revision = 0;
};
// Returns the files written, relative to directory.
Result<QStringList> writeBundle(const QString& directory, const Bundle& bundle);
// The seed's confd template for a prefix: upstream backend from getvs, proxy_pass to it.
QByteArray confdTemplate(const QByteArray& prefix);

} // namespace configexport
} // namespace lbdeck
