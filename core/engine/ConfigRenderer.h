// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ConfdResource.h"
#include "EngineConfig.h"
#include "Validation.h"
#include "core/engine/template/Template.h"

#include <QByteArray>
#include <QJsonObject>

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
    // What the built-in template is given besides .Backends (empty for a confd resource), for sources
    // named by their prefixes: the target's settings, and as .Hash and .Revision the stand-ins that
    // render() fills in last. The status endpoint shows them so that an exported bundle can hand
    // confd the same.
    QJsonObject parameters(const QStringList& prefixes) const;
    // The template as the status endpoint shows it: name, text, built-in or not, parameters.
    QJsonObject describeTemplate(const QStringList& prefixes) const;

private:
    ConfigRenderer(tmpl::Template tmpl, QString name, QString text)
        : m_template(std::move(tmpl))
        , m_name(std::move(name))
        , m_text(std::move(text))
    {}

    tmpl::Template m_template;
    QString m_name;
    QString m_text; // what m_template was parsed from
    bool m_builtin = false;
    NginxTarget m_nginx;
    bool m_emptyDown = false;
    QString m_confdPrefix;
    QStringList m_confdKeys;
};

} // namespace lbdeck
