// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConfdOptions.h"

#include "GoFlags.h"

#include <QFile>
#include <QFileInfo>

#include <toml++/toml.h>

using namespace Qt::StringLiterals;
using Type = lbdeck::confd::GoFlags::Type;

namespace lbdeck::confd {

namespace {

// confd's flags for what lbdeck does not have: parsed as confd parses them, refused when set.
const QStringList& unsupportedFlags()
{
    static const QStringList names{u"srv-domain"_s, u"srv-record"_s, u"auth-token"_s, u"auth-type"_s,
                                   u"app-id"_s,     u"user-id"_s,    u"role-id"_s,    u"secret-id"_s,
                                   u"path"_s,       u"table"_s,      u"separator"_s,  u"client-insecure"_s};
    return names;
}

void defineFlags(GoFlags& f)
{
    f.add(u"backend"_s, Type::String, u"backend to use"_s, u"etcd"_s);
    f.add(u"basic-auth"_s, Type::Bool, u"Use Basic Auth to authenticate (only used with -backend=etcd)"_s);
    f.add(u"client-ca-keys"_s, Type::String, u"client ca keys"_s);
    f.add(u"client-cert"_s, Type::String, u"the client cert"_s);
    f.add(u"client-key"_s, Type::String, u"the client key"_s);
    f.add(u"confdir"_s, Type::String, u"confd conf directory"_s, u"/etc/confd"_s);
    f.add(u"config-file"_s, Type::String, u"the confd config file"_s, u"/etc/confd/confd.toml"_s);
    f.add(u"file"_s, Type::List, u"the YAML file to watch for changes (only used with -backend=file)"_s);
    f.add(u"filter"_s, Type::String, u"files filter (only used with -backend=file)"_s, u"*"_s);
    f.add(u"interval"_s, Type::Int, u"backend polling interval"_s, u"600"_s);
    f.add(u"keep-stage-file"_s, Type::Bool, u"keep staged files"_s);
    f.add(u"log-level"_s, Type::String, u"level which confd should log messages"_s);
    f.add(u"node"_s, Type::List, u"list of backend nodes"_s);
    f.add(u"noop"_s, Type::Bool, u"only show pending changes"_s);
    f.add(u"onetime"_s, Type::Bool, u"run once and exit"_s);
    f.add(u"prefix"_s, Type::String, u"key path prefix"_s);
    f.add(u"scheme"_s, Type::String,
          u"the backend URI scheme for nodes retrieved from DNS SRV records (http or https)"_s, u"http"_s);
    f.add(u"sync-only"_s, Type::Bool, u"sync without check_cmd and reload_cmd"_s);
    f.add(u"username"_s, Type::String, u"the username to authenticate as (only used with etcd backends)"_s);
    f.add(u"password"_s, Type::String, u"the password to authenticate with (only used with etcd backends)"_s);
    f.add(u"version"_s, Type::Bool, u"print version and exit"_s);
    f.add(u"watch"_s, Type::Bool, u"enable watch support"_s);
    for (const QString& name : unsupportedFlags())
        f.add(name, name == u"client-insecure"_s ? Type::Bool : Type::String, u"not supported by lbdeck"_s);
}

// Why lbdeck refuses a confd flag, for the ones it parses but does not run.
QString unsupportedReason(const QString& flag)
{
    if (flag == u"srv-domain"_s || flag == u"srv-record"_s)
        return u"lbdeck does not look etcd nodes up in DNS SRV records; name them with -node"_s;
    if (flag == u"client-insecure"_s)
        return u"lbdeck always verifies the etcd server's certificate; give its CA with -client-ca-keys"_s;
    return u"it belongs to a confd backend lbdeck does not have (vault, dynamodb, redis, consul); lbdeck "
           u"reads "
           u"etcd (etcdv3, etcd, etcdv2), file and env"_s;
}

Error configError(const QString& message, const QString& where = {})
{
    return makeError(ErrorCode::Validation, message, where);
}

Result<BackendKind> backendKind(const QString& name)
{
    if (name == u"etcd"_s || name == u"etcdv3"_s)
        return BackendKind::EtcdV3;
    if (name == u"etcdv2"_s)
        return BackendKind::EtcdV2;
    if (name == u"file"_s)
        return BackendKind::File;
    if (name == u"env"_s)
        return BackendKind::Env;
    static const QStringList confdOnly{u"consul"_s, u"dynamodb"_s,    u"rancher"_s,
                                       u"redis"_s,  u"vault"_s,       u"zookeeper"_s,
                                       u"ssm"_s,    u"stackengine"_s, u"metad"_s};
    if (confdOnly.contains(name))
        return configError(u"-backend %1: lbdeck does not support this confd backend; it reads etcd "
                           u"(etcdv3, etcd, etcdv2), file and env"_s.arg(name));
    return configError(u"Invalid backend"_s + (name.isEmpty() ? QString() : u": "_s + name));
}

// confd.toml as confd decodes it into its Config (BurntSushi/toml, tags as in confd's source).
Result<void> readConfigFile(ConfdOptions& o)
{
    QFile f(o.configFile);
    if (!QFileInfo::exists(o.configFile))
        return {}; // confd: "Skipping confd config file."
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"open %1: %2"_s.arg(o.configFile, f.errorString()));
    const QByteArray text = f.readAll();
    toml::table doc;
    try {
        doc =
            toml::parse(std::string_view(text.constData(), size_t(text.size())), o.configFile.toStdString());
    } catch (const toml::parse_error& e) {
        return configError(u"%1: %2"_s.arg(
            o.configFile, QString::fromUtf8(e.description().data(), qsizetype(e.description().size()))));
    }
    auto str = [&](const char* key, QString& out) {
        if (const auto v = doc[key].value<std::string>())
            out = QString::fromStdString(*v);
    };
    auto flag = [&](const char* key, bool& out) {
        if (const auto v = doc[key].value<bool>())
            out = *v;
    };
    auto list = [&](const char* key, QStringList& out) {
        if (const toml::array* a = doc[key].as_array()) {
            out.clear();
            for (const toml::node& n : *a) {
                if (const auto s = n.value<std::string>())
                    out << QString::fromStdString(*s);
            }
        } else if (const auto s = doc[key].value<std::string>()) {
            out = {QString::fromStdString(*s)};
        }
    };
    str("backend", o.backendName);
    str("confdir", o.confdir);
    list("nodes", o.nodes);
    str("prefix", o.prefix);
    list("file", o.files);
    str("filter", o.filter);
    if (const auto v = doc["interval"].value<int64_t>())
        o.interval = int(*v);
    flag("noop", o.noop);
    flag("sync-only", o.syncOnly);
    flag("watch", o.watch);
    str("log-level", o.logLevel);
    flag("basic_auth", o.basicAuth);
    str("username", o.username);
    str("password", o.password);
    str("client_cert", o.clientCert);
    str("client_key", o.clientKey);
    str("client_cakeys", o.clientCaKeys);
    str("scheme", o.scheme);
    for (const char* key : {"srv_domain", "srv_record", "auth_token", "auth_type", "app_id", "user_id",
                            "role_id", "secret_id", "table", "separator"}) {
        if (doc.contains(key))
            return configError(u"%1: %2 is not supported: %3"_s.arg(
                o.configFile, QString::fromLatin1(key), unsupportedReason(QString::fromLatin1(key))));
    }
    return {};
}

} // namespace

Result<ConfdOptions> ConfdOptions::fromArguments(const QStringList& args)
{
    GoFlags flags;
    defineFlags(flags);
    ConfdOptions o;
    o.usage = flags.usage();
    if (Result<void> parsed = flags.parse(args); !parsed) {
        if (flags.helpRequested()) {
            o.help = true;
            return o;
        }
        return parsed.error();
    }
    for (const QString& n : unsupportedFlags()) {
        if (flags.isSet(n))
            return configError(u"-%1 is not supported: %2"_s.arg(n, unsupportedReason(n)));
    }
    o.backendName = flags.stringValue(u"backend"_s);
    o.basicAuth = flags.boolValue(u"basic-auth"_s);
    o.clientCaKeys = flags.stringValue(u"client-ca-keys"_s);
    o.clientCert = flags.stringValue(u"client-cert"_s);
    o.clientKey = flags.stringValue(u"client-key"_s);
    o.confdir = flags.stringValue(u"confdir"_s);
    o.configFile = flags.stringValue(u"config-file"_s);
    o.files = flags.listValue(u"file"_s);
    o.filter = flags.stringValue(u"filter"_s);
    o.interval = int(flags.intValue(u"interval"_s));
    o.keepStageFile = flags.boolValue(u"keep-stage-file"_s);
    o.logLevel = flags.stringValue(u"log-level"_s);
    o.nodes = flags.listValue(u"node"_s);
    o.noop = flags.boolValue(u"noop"_s);
    o.onetime = flags.boolValue(u"onetime"_s);
    o.prefix = flags.stringValue(u"prefix"_s);
    o.scheme = flags.stringValue(u"scheme"_s);
    o.syncOnly = flags.boolValue(u"sync-only"_s);
    o.username = flags.stringValue(u"username"_s);
    o.password = flags.stringValue(u"password"_s);
    o.printVersion = flags.boolValue(u"version"_s);
    o.watch = flags.boolValue(u"watch"_s);
    if (o.printVersion)
        return o;
    if (Result<void> read = readConfigFile(o); !read)
        return read.error();
    // confd's processEnv: the TLS files from the environment when no flag or file named them.
    auto fromEnv = [](const char* var, QString& out) {
        if (out.isEmpty())
            out = qEnvironmentVariable(var);
    };
    fromEnv("CONFD_CLIENT_CAKEYS", o.clientCaKeys);
    fromEnv("CONFD_CLIENT_CERT", o.clientCert);
    fromEnv("CONFD_CLIENT_KEY", o.clientKey);
    Result<BackendKind> kind = backendKind(o.backendName);
    if (!kind)
        return kind.error();
    o.backend = *kind;
    if (o.nodes.isEmpty() && (o.backend == BackendKind::EtcdV3 || o.backend == BackendKind::EtcdV2)) {
        const QString peers = qEnvironmentVariable("ETCDCTL_PEERS");
        o.nodes =
            peers.isEmpty() ? QStringList{u"http://127.0.0.1:2379"_s} : peers.split(u',', Qt::SkipEmptyParts);
    }
    if (o.backend == BackendKind::File && o.files.isEmpty())
        return configError(u"-backend file needs at least one -file (a YAML file or a directory of them)"_s);
    if (o.interval < 1 && !o.onetime && !o.watch)
        return configError(u"-interval must be at least 1 second"_s);
    if (!o.logLevel.isEmpty() &&
        !QStringList{u"debug"_s, u"info"_s, u"warn"_s, u"warning"_s, u"error"_s, u"fatal"_s, u"panic"_s}
             .contains(o.logLevel))
        return configError(u"not a valid logrus Level: \"%1\""_s.arg(o.logLevel));
    return o;
}

} // namespace lbdeck::confd
