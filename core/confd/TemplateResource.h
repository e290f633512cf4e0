// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Backend.h"
#include "core/engine/ConfdResource.h"

#include <chrono>

namespace lbdeck::confd {

// What every template resource of one run shares (confd's template.Config).
struct ResourceSettings
{
    QString prefix; // -prefix: replaces each resource's own prefix, as in confd
    QString templateDir;
    bool noop = false;
    bool syncOnly = false;
    bool keepStageFile = false;
    std::chrono::milliseconds commandTimeout{std::chrono::minutes(5)};
};

// One conf.d/*.toml, processed as confd's TemplateResource.process(): the values under its keys
// become the template's store (prefix stripped), the output is staged next to dest, compared with
// dest (content, mode, owner), checked with check_cmd, renamed over dest and reloaded with
// reload_cmd. Every value reaches the template byte for byte, unless the resource declares a
// prefix as holding backend addresses (lbdeck_backends = [...], which confd ignores).
class TemplateResource
{
public:
    // confd's NewTemplateResource: errors read "Cannot process template resource PATH - ...".
    static Result<TemplateResource> load(const QString& tomlPath, const ResourceSettings& settings);

    // The keys to read from the backend: prefix joined with each key (confd's appendPrefix).
    QList<QByteArray> backendKeys() const;
    // Everything after confd's setVars: render, stage, sync. Logs as confd does.
    Result<void> apply(const KeyValues& values) const;
    const ConfdResource& resource() const { return m_resource; }
    const QString& prefix() const { return m_prefix; }

private:
    Result<mode_t> fileMode() const;
    Result<QByteArray> render(const KeyValues& values) const;
    Result<QString> stage(const QByteArray& text, mode_t mode) const;
    Result<void> sync(const QString& staged) const;
    Result<void> runCommand(const QString& command) const;

    ConfdResource m_resource;
    ResourceSettings m_settings;
    QString m_prefix; // "/" + prefix, as confd keeps it
    uid_t m_uid = 0;
    gid_t m_gid = 0;
};

// Go's path.Join(elem...), as confd joins keys.
QString goPathJoin(const QStringList& parts);

} // namespace lbdeck::confd
