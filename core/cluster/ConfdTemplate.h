// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QStringList>

namespace lbdeck::configexport {

// The template the engine renders its config with, as its status endpoint shows it.
struct EngineTemplate
{
    QString name;           // "nginx.tmpl", or the operator's own template file
    QString text;           // Go text/template, as the engine parsed it
    bool builtin = false;   // the built-in target (values as dot) or a confd resource (a key store)
    QJsonObject parameters; // the built-in target's values besides .Backends, the marks among them
    QStringList prefixes;   // where its backends come from

    // From GET /status (Engine::statusJson()); empty when the engine does not say.
    static EngineTemplate fromStatus(const QJsonObject& status);
    bool isEmpty() const { return text.isEmpty(); }
    // The stand-ins the engine renders and then replaces with the config's hash and etcd revision.
    QString hashMark() const;
    QString revisionMark() const;
};

// A confd template that renders what the engine's template renders: the engine's text unchanged,
// handed through confd's map and getvs the values the engine hands it. The hash and revision
// stay as the marks (confd writes them as they are; lbdeck-engine's confd mode fills them in).
Result<QByteArray> confdTemplate(const EngineTemplate& engine);

// How a confd render of the template over keys compares with config, the engine's render.
struct TemplateCheck
{
    QList<int> markLines; // lines (from 1) of config that differ only by the hash and revision marks
    QString diff;         // every other difference, as a unified diff; empty: none
};
Result<TemplateCheck> checkTemplate(const EngineTemplate& engine, const QByteArray& confdTemplateText,
                                    const QMap<QByteArray, QByteArray>& keys, const QByteArray& config);

} // namespace lbdeck::configexport
