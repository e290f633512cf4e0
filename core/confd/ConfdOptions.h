// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QString>
#include <QStringList>

namespace lbdeck::confd {

enum class BackendKind
{
    EtcdV3, // -backend etcdv3, and etcd (its alias at confd's HEAD)
    EtcdV2, // lbdeck's own extension: legacy v2 keyspaces such as the seed's
    File,
    Env
};

// confd's settings: its flags, over its confd.toml (which, as in confd, wins over the flags), over
// its defaults. Only what lbdeck runs; a confd flag for a backend or feature lbdeck does not have
// is an error that names it.
struct ConfdOptions
{
    BackendKind backend = BackendKind::EtcdV3;
    QString backendName = QStringLiteral("etcd"); // as given, for confd's "Backend set to" line
    QStringList nodes;
    QString confdir = QStringLiteral("/etc/confd");
    QString configFile = QStringLiteral("/etc/confd/confd.toml");
    QString prefix;
    QStringList files; // -file, for -backend file
    QString filter = QStringLiteral("*");
    bool onetime = false;
    bool watch = false;
    int interval = 600; // seconds, without -watch
    bool noop = false;
    bool syncOnly = false;
    bool keepStageFile = false;
    QString logLevel; // empty: info
    bool basicAuth = false;
    QString username;
    QString password; // never logged
    QString clientCert;
    QString clientKey;
    QString clientCaKeys;
    QString scheme = QStringLiteral("http");
    bool printVersion = false;
    bool help = false;
    QString usage; // the flags' help text (-h)

    QString configDir() const { return confdir + QStringLiteral("/conf.d"); }
    QString templateDir() const { return confdir + QStringLiteral("/templates"); }

    // Parses confd's command line (arguments after the program name) and reads confd.toml. A Go
    // flag error is returned as ErrorCode::InvalidArgument (confd exits 2), anything else (a bad
    // confd.toml, an unsupported flag) as another code (confd exits 1).
    static Result<ConfdOptions> fromArguments(const QStringList& args);
};

} // namespace lbdeck::confd
