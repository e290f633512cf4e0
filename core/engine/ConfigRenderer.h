// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ConfdResource.h"
#include "EngineConfig.h"
#include "Validation.h"
#include "core/engine/template/Template.h"

#include <QByteArray>

namespace lbdeck {

struct RenderedConfig
{
    QByteArray text;      // what goes to disk
    QByteArray canonical; // the same without the hash and revision: equal canonical = same config
    QString hash; // 16 hex digits of BLAKE2b-256 over canonical (several times faster than SHA-256 on a
                  // 10,000-backend file)
    qint64 revision = 0;
    int backends = 0; // values that made it into the config
};

// Turns validated keys into a config file: the built-in nginx template (with the seed's upstream,
// and a location that reports the config's hash) or a confd template resource. Parsed once.
class ConfigRenderer
{
public:
    static Result<ConfigRenderer> builtin(const NginxTarget& nginx, bool emptyUpstreamDown);
    static Result<ConfigRenderer> confd(const ConfdResource& resource);
    // The built-in template's text, as an operator starting their own would copy it.
    static QString builtinTemplateText();
    // How a config is named everywhere (ledger, status, nginx's own answer): see RenderedConfig::hash.
    static QString configHash(const QByteArray& canonical);

    Result<RenderedConfig> render(const QList<ValidatedSource>& sources, qint64 revision) const;
    bool isBuiltin() const { return m_builtin; }
    const QString& name() const { return m_name; }

private:
    ConfigRenderer(tmpl::Template tmpl, QString name)
        : m_template(std::move(tmpl))
        , m_name(std::move(name))
    {}

    tmpl::Template m_template;
    QString m_name;
    bool m_builtin = false;
    NginxTarget m_nginx;
    bool m_emptyDown = false;
    QString m_confdPrefix;
    QStringList m_confdKeys;
};

} // namespace lbdeck
