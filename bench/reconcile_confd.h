// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QByteArray>
#include <QString>

namespace lbdeck::bench {

// The confd case of bench_reconcile: the built-in nginx config, written as a confd template resource.
struct ConfdDir
{
    QString dir;            // the confdir: conf.d/nginx.toml, templates/nginx.tmpl
    QString templateText;   // what templates/nginx.tmpl holds
    QByteArray statusValue; // the key whose value the status location returns
};

// Turns a config the built-in template rendered into a confd template that renders the same file for
// the same keys: the upstream block from getvs "/test/*" (the built-in's order: sorted values), and the
// status location answering "confd <value of statusKey>" instead of the hash and revision, which a
// confd template cannot know. Empty when builtinConfig does not look like the built-in's output.
QString confdTemplateFrom(const QByteArray& builtinConfig, const QString& statusKey);

// check_cmd and reload_cmd as a confd user writes them for nginx, with no shell syntax so that the
// engine execs them directly. reload_cmd is "nginx -s reload" (which reads the config to find the
// pid file), or with masterPid > 0 a plain "kill -HUP <pid>" like the built-in's own signal.
QString confdCheckCmd(const QString& nginxBinary, const QString& nginxPrefix);
QString confdReloadCmd(const QString& nginxBinary, const QString& nginxPrefix, const QString& dest,
                       qint64 masterPid);

// Writes the confd directory under parent. An error text, or empty.
QString writeConfdDir(const QString& parent, const QString& templateText, const QString& dest,
                      const QString& checkCmd, const QString& reloadCmd);

// The two configs with what only the built-in can say (its first line, its status answer) and the
// confd template's stand-ins blanked: equal when the confd template renders the built-in's file.
bool sameConfigExceptStatus(const QByteArray& builtin, const QByteArray& confd);

// The answer the confd config's status location gives while nginx runs the config rendered with
// value: what the bench waits for after a put.
QByteArray confdStatusAnswer(const QByteArray& value);

} // namespace lbdeck::bench
