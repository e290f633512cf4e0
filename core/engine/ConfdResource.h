// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <sys/types.h>

namespace lbdeck {

// One confd template resource (conf.d/NAME.toml), read as confd reads it:
//   [template]
//   src = "nginx.tmpl"            # under <confdir>/templates
//   dest = "/etc/nginx/nginx.conf"
//   keys = ["/test"]
//   prefix = "/lb"                # optional, prepended to every key
//   uid = 0  gid = 0  mode = "0644"
//   check_cmd = "/usr/sbin/nginx -t -c {{.src}}"
//   reload_cmd = "/usr/sbin/nginx -s reload"
struct ConfdResource
{
    QString name; // the .toml file it came from
    QString src;  // absolute path of the template
    QString dest;
    QStringList keys; // as written, without the prefix
    // lbdeck's own key, which confd ignores: the keys (relative, like keys) whose values must be
    // backend addresses (host:port). Only these are validated; every other value is used verbatim.
    QStringList backendKeys;
    QString prefix;
    std::optional<uid_t> uid;
    std::optional<gid_t> gid;
    std::optional<mode_t> mode;
    QString checkCmd;
    QString reloadCmd;

    // Keys as they are looked up in etcd: prefix + key, normalized ("/lb" + "/test" = "/lb/test").
    QStringList etcdKeys() const;
    QStringList etcdBackendKeys() const; // the same for backendKeys

    static Result<ConfdResource> parse(const QByteArray& toml, const QString& fileName,
                                       const QString& confdir);
    // Every conf.d/*.toml under confdir, in file name order; the first bad one is an error.
    static Result<QList<ConfdResource>> loadDirectory(const QString& confdir);
};

// The "{{.src}}" and "{{.dest}}" in check_cmd / reload_cmd, replaced as confd does.
QString expandCommand(const QString& command, const QString& src, const QString& dest);

} // namespace lbdeck
