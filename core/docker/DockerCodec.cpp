// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerCodec.h"

#include "DockerJsonFields.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>
#include <optional>

using namespace Qt::StringLiterals;

namespace lbdeck::docker {

namespace {

QByteArray compact(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<quint16> portNumber(const QString& text, bool allowZero)
{
    bool ok = false;
    const uint port = text.toUInt(&ok);
    if (text.isEmpty() && allowZero)
        return quint16(0);
    if (!ok || port > 65535 || (port == 0 && !allowZero))
        return protocolError(u"\"%1\" is not a port number"_s.arg(text.left(40)));
    return quint16(port);
}

// {"80/tcp": [{"HostIp": "127.0.1.20", "HostPort": "8001"}], "443/tcp": null}
Result<QList<PortBinding>> parsePortMap(const QJsonObject& map)
{
    QList<PortBinding> out;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QStringList key = it.key().split(u'/');
        if (key.size() > 2)
            return protocolError(u"\"%1\" is not a port/protocol"_s.arg(it.key().left(40)));
        Result<quint16> containerPort = portNumber(key.first(), false);
        if (!containerPort)
            return containerPort.error();
        if (it.value().isNull())
            continue; // exposed, not published
        if (!it.value().isArray())
            return protocolError(u"bindings of \"%1\" are not an array"_s.arg(it.key().left(40)));
        for (const QJsonValue& b : it.value().toArray()) {
            if (!b.isObject())
                return protocolError(u"a binding of \"%1\" is not an object"_s.arg(it.key().left(40)));
            Result<QString> ip = optString(b.toObject(), u"HostIp"_s);
            Result<QString> hostPort = optString(b.toObject(), u"HostPort"_s);
            if (std::optional<Error> e = firstError(ip, hostPort))
                return *e;
            Result<quint16> port = portNumber(*hostPort, true);
            if (!port)
                return port.error();
            out.append(PortBinding{*ip, *port, *containerPort, key.size() == 2 ? key[1] : u"tcp"_s});
        }
    }
    return out;
}

// Runs parse over every element of a JSON array of objects.
template<typename T, typename Parse>
Result<QList<T>> parseObjects(const QByteArray& body, Parse parse)
{
    Result<QJsonArray> array = parseArray(body);
    if (!array)
        return array.error();
    QList<T> out;
    out.reserve(array->size());
    for (const QJsonValue& v : std::as_const(*array)) {
        if (!v.isObject())
            return protocolError(u"an element of the list is not an object"_s);
        Result<T> item = parse(v.toObject());
        if (!item)
            return item.error();
        out.append(std::move(item).value());
    }
    return out;
}

Result<ContainerSummary> parseSummary(const QJsonObject& o)
{
    ContainerSummary c;
    Result<QString> id = reqString(o, u"Id"_s);
    Result<QStringList> names = optStringList(o, u"Names"_s);
    Result<QString> image = optString(o, u"Image"_s);
    Result<QString> state = optString(o, u"State"_s);
    Result<QString> status = optString(o, u"Status"_s);
    Result<QMap<QString, QString>> labels = optLabels(o, u"Labels"_s);
    Result<qint64> created = optCount(o, u"Created"_s);
    if (std::optional<Error> e = firstError(id, names, image, state, status, labels, created))
        return *e;
    c.id = *id;
    for (const QString& n : std::as_const(*names))
        c.names.append(n.startsWith(u'/') ? n.mid(1) : n);
    c.image = *image;
    c.state = *state;
    c.status = *status;
    c.labels = *labels;
    c.created = QDateTime::fromSecsSinceEpoch(*created, Qt::UTC);
    const QJsonValue ports = o.value(u"Ports"_s);
    if (!ports.isUndefined() && !ports.isNull() && !ports.isArray())
        return protocolError(u"\"Ports\" is not an array"_s);
    for (const QJsonValue& p : ports.toArray()) {
        if (!p.isObject())
            return protocolError(u"a port is not an object"_s);
        const QJsonObject po = p.toObject();
        Result<qint64> priv = optCount(po, u"PrivatePort"_s);
        Result<qint64> pub = optCount(po, u"PublicPort"_s);
        Result<QString> ip = optString(po, u"IP"_s);
        Result<QString> type = optString(po, u"Type"_s);
        if (!priv || !pub || !ip || !type || *priv > 65535 || *pub > 65535)
            return protocolError(u"a port entry is malformed"_s);
        if (*pub == 0)
            continue; // exposed, not published
        c.ports.append(PortBinding{*ip, quint16(*pub), quint16(*priv), type->isEmpty() ? u"tcp"_s : *type});
    }
    return c;
}

Result<ImageSummary> parseImage(const QJsonObject& o)
{
    Result<QString> id = reqString(o, u"Id"_s);
    Result<QStringList> tags = optStringList(o, u"RepoTags"_s);
    Result<qint64> size = optCount(o, u"Size"_s);
    Result<qint64> created = optCount(o, u"Created"_s);
    if (std::optional<Error> e = firstError(id, tags, size, created))
        return *e;
    return ImageSummary{*id, *tags, *size, QDateTime::fromSecsSinceEpoch(*created, Qt::UTC)};
}

} // namespace

Result<std::pair<int, int>> parseApiVersion(const QString& text)
{
    static const QRegularExpression re(u"^(\\d{1,4})\\.(\\d{1,4})$"_s);
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return protocolError(u"\"%1\" is not an API version"_s.arg(text.left(40)));
    return std::pair<int, int>{m.captured(1).toInt(), m.captured(2).toInt()};
}

Result<QString> negotiatedVersion(const QString& serverApiVersion)
{
    Result<std::pair<int, int>> server = parseApiVersion(serverApiVersion);
    if (!server)
        return server.error();
    const std::pair<int, int> ours{MaxApiMajor, MaxApiMinor};
    const std::pair<int, int> v = std::min(*server, ours);
    return u"%1.%2"_s.arg(v.first).arg(v.second);
}

Error decodeError(const QByteArray& body, int httpStatus, const QString& where)
{
    QString message;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject())
        message = doc.object().value(u"message"_s).toString().trimmed();
    if (message.isEmpty()) {
        const QString snippet = QString::fromUtf8(body.left(200)).trimmed();
        message = snippet.isEmpty() ? u"HTTP status %1"_s.arg(httpStatus)
                                    : u"HTTP status %1: %2"_s.arg(httpStatus).arg(snippet);
    }
    ErrorCode code = ErrorCode::Http;
    switch (httpStatus) {
    case 404:
        code = ErrorCode::NotFound;
        break;
    case 409:
        code = ErrorCode::Conflict;
        break;
    case 401:
    case 403:
        code = ErrorCode::PermissionDenied;
        break;
    default:
        break;
    }
    return makeError(code, message, where, httpStatus);
}

Result<QJsonObject> parseObject(const QByteArray& body)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError)
        return protocolError(u"invalid JSON (%1 at offset %2)"_s.arg(pe.errorString()).arg(pe.offset));
    if (!doc.isObject())
        return protocolError(u"expected a JSON object"_s);
    return doc.object();
}

Result<DockerVersion> parseVersion(const QByteArray& body)
{
    Result<QJsonObject> o = parseObject(body);
    if (!o)
        return o.error();
    Result<QString> api = reqString(*o, u"ApiVersion"_s);
    if (!api)
        return api.error();
    if (Result<std::pair<int, int>> v = parseApiVersion(*api); !v)
        return v.error();
    DockerVersion v;
    v.apiVersion = *api;
    v.version = o->value(u"Version"_s).toString();
    v.minApiVersion = o->value(u"MinAPIVersion"_s).toString();
    v.os = o->value(u"Os"_s).toString();
    v.arch = o->value(u"Arch"_s).toString();
    v.kernel = o->value(u"KernelVersion"_s).toString();
    return v;
}

Result<QList<ContainerSummary>> parseContainerList(const QByteArray& body)
{
    return parseObjects<ContainerSummary>(body, parseSummary);
}

Result<ContainerInfo> parseContainerInspect(const QByteArray& body)
{
    Result<QJsonObject> parsed = parseObject(body);
    if (!parsed)
        return parsed.error();
    const QJsonObject& o = *parsed;
    ContainerInfo c;
    Result<QString> id = reqString(o, u"Id"_s);
    if (!id)
        return id.error();
    c.id = *id;
    const QString name = o.value(u"Name"_s).toString();
    c.name = name.startsWith(u'/') ? name.mid(1) : name;
    c.imageId = o.value(u"Image"_s).toString();
    if (!o.value(u"State"_s).isObject() || !o.value(u"Config"_s).isObject())
        return protocolError(u"\"State\" or \"Config\" is missing"_s);
    const QJsonObject state = o.value(u"State"_s).toObject();
    Result<QString> status = optString(state, u"Status"_s);
    Result<bool> running = optBool(state, u"Running"_s);
    Result<QString> started = optString(state, u"StartedAt"_s);
    const QJsonValue exitCode = state.value(u"ExitCode"_s);
    if (!status || !running || !started || !(exitCode.isDouble() || exitCode.isUndefined()))
        return protocolError(u"\"State\" is malformed"_s);
    c.state = ContainerState{*status, *running, exitCode.toInt(), parseTime(*started)};

    const QJsonObject config = o.value(u"Config"_s).toObject();
    Result<QString> image = optString(config, u"Image"_s);
    Result<QStringList> env = optStringList(config, u"Env"_s);
    Result<QMap<QString, QString>> labels = optLabels(config, u"Labels"_s);
    Result<bool> tty = optBool(config, u"Tty"_s);
    if (std::optional<Error> e = firstError(image, env, labels, tty))
        return *e;
    c.image = *image;
    c.env = *env;
    c.labels = *labels;
    c.tty = *tty;

    Result<QJsonObject> network = optObject(o, u"NetworkSettings"_s);
    Result<QJsonObject> host = optObject(o, u"HostConfig"_s);
    if (std::optional<Error> e = firstError(network, host))
        return *e;
    Result<QJsonObject> published = optObject(*network, u"Ports"_s);
    Result<QJsonObject> configured = optObject(*host, u"PortBindings"_s);
    if (std::optional<Error> e = firstError(published, configured))
        return *e;
    Result<QList<PortBinding>> ports = parsePortMap(*published);
    if (!ports)
        return ports.error();
    // A stopped container publishes nothing; the operator still wants to see where it would listen.
    if (ports->isEmpty() && !c.state.running)
        ports = parsePortMap(*configured);
    if (!ports)
        return ports.error();
    c.ports = *ports;
    return c;
}

Result<QList<ImageSummary>> parseImageList(const QByteArray& body)
{
    return parseObjects<ImageSummary>(body, parseImage);
}

Result<QString> parseCreatedId(const QByteArray& body)
{
    Result<QJsonObject> o = parseObject(body);
    if (!o)
        return o.error();
    return reqString(*o, u"Id"_s);
}

Result<ExecState> parseExecInspect(const QByteArray& body)
{
    Result<QJsonObject> o = parseObject(body);
    if (!o)
        return o.error();
    Result<bool> running = optBool(*o, u"Running"_s);
    if (!running)
        return running.error();
    const QJsonValue code = o->value(u"ExitCode"_s);
    if (!code.isNull() && !code.isUndefined() && !code.isDouble())
        return protocolError(u"\"ExitCode\" is not a number"_s);
    ExecState s;
    s.running = *running;
    s.exitCode = code.isDouble() ? code.toInt() : -1;
    s.containerId = o->value(u"ContainerID"_s).toString();
    return s;
}

Result<StatsSample> parseStats(const QJsonObject& stats)
{
    StatsSample s;
    Result<QString> read = optString(stats, u"read"_s);
    Result<QJsonObject> cpu = optObject(stats, u"cpu_stats"_s);
    Result<QJsonObject> precpu = optObject(stats, u"precpu_stats"_s);
    Result<QJsonObject> memory = optObject(stats, u"memory_stats"_s);
    Result<QJsonObject> networks = optObject(stats, u"networks"_s);
    if (!read || !cpu || !precpu || !memory || !networks)
        return protocolError(u"a stats sample is malformed"_s);
    if (!stats.contains(u"cpu_stats"_s) || !stats.contains(u"memory_stats"_s))
        return protocolError(u"a stats sample has no \"cpu_stats\" or \"memory_stats\""_s);
    s.read = parseTime(*read);

    Result<QJsonObject> usage = optObject(*cpu, u"cpu_usage"_s);
    Result<QJsonObject> preUsage = optObject(*precpu, u"cpu_usage"_s);
    if (!usage || !preUsage)
        return protocolError(u"\"cpu_usage\" is malformed"_s);
    Result<qint64> total = optCount(*usage, u"total_usage"_s);
    Result<qint64> preTotal = optCount(*preUsage, u"total_usage"_s);
    Result<qint64> system = optCount(*cpu, u"system_cpu_usage"_s);
    Result<qint64> preSystem = optCount(*precpu, u"system_cpu_usage"_s);
    Result<qint64> online = optCount(*cpu, u"online_cpus"_s);
    if (!total || !preTotal || !system || !preSystem || !online || *online > 65536)
        return protocolError(u"CPU counters are malformed"_s);
    s.onlineCpus = int(*online);
    if (s.onlineCpus == 0) // older kernels: count the per-CPU entries, as the docker CLI does
        s.onlineCpus = int(usage->value(u"percpu_usage"_s).toArray().size());
    const double cpuDelta = double(*total) - double(*preTotal);
    const double systemDelta = double(*system) - double(*preSystem);
    if (*preTotal > 0 && cpuDelta > 0 && systemDelta > 0)
        s.cpuPercent = cpuDelta / systemDelta * qMax(1, s.onlineCpus) * 100.0;

    Result<qint64> memUsage = optCount(*memory, u"usage"_s);
    Result<qint64> memLimit = optCount(*memory, u"limit"_s);
    Result<QJsonObject> memStats = optObject(*memory, u"stats"_s);
    if (!memUsage || !memLimit || !memStats)
        return protocolError(u"memory counters are malformed"_s);
    // Like `docker stats`: the page cache is not the container's memory (cgroup v1 and v2 names).
    qint64 cache = 0;
    for (const QString& key : {u"total_inactive_file"_s, u"inactive_file"_s}) {
        if (Result<qint64> v = optCount(*memStats, key); v && *v > 0) {
            cache = *v;
            break;
        }
    }
    s.memoryUsage = cache < *memUsage ? *memUsage - cache : *memUsage;
    s.memoryLimit = *memLimit;

    for (auto it = networks->begin(); it != networks->end(); ++it) {
        if (!it.value().isObject())
            return protocolError(u"network \"%1\" is not an object"_s.arg(it.key().left(40)));
        Result<qint64> rx = optCount(it.value().toObject(), u"rx_bytes"_s);
        Result<qint64> tx = optCount(it.value().toObject(), u"tx_bytes"_s);
        if (!rx || !tx)
            return protocolError(u"counters of network \"%1\" are malformed"_s.arg(it.key().left(40)));
        s.networkRxBytes += *rx;
        s.networkTxBytes += *tx;
    }
    return s;
}

QDateTime parseTime(const QString& text)
{
    // Go writes nanoseconds; Qt reads milliseconds at most.
    static const QRegularExpression fraction(u"(\\.\\d{1,3})\\d*"_s);
    QString t = text;
    t.replace(fraction, u"\\1"_s);
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid() || dt.date().year() <= 1)
        return {}; // Go's zero time: "0001-01-01T00:00:00Z" means never
    return dt.toUTC();
}

QByteArray containerCreateBody(const ContainerSpec& spec)
{
    QJsonObject o{{u"Image"_s, spec.image}};
    if (!spec.cmd.isEmpty())
        o.insert(u"Cmd"_s, QJsonArray::fromStringList(spec.cmd));
    if (!spec.env.isEmpty())
        o.insert(u"Env"_s, QJsonArray::fromStringList(spec.env));
    if (!spec.hostname.isEmpty())
        o.insert(u"Hostname"_s, spec.hostname);
    QJsonObject labels;
    for (auto it = spec.labels.begin(); it != spec.labels.end(); ++it)
        labels.insert(it.key(), it.value());
    o.insert(u"Labels"_s, labels);
    QJsonObject exposed;
    QJsonObject bindings;
    for (const PortBinding& p : spec.ports) {
        const QString key = u"%1/%2"_s.arg(p.containerPort).arg(p.protocol.isEmpty() ? u"tcp"_s : p.protocol);
        exposed.insert(key, QJsonObject());
        QJsonArray list = bindings.value(key).toArray();
        list.append(QJsonObject{{u"HostIp"_s, p.hostIp},
                                {u"HostPort"_s, p.hostPort ? QString::number(p.hostPort) : QString()}});
        bindings.insert(key, list);
    }
    if (!exposed.isEmpty())
        o.insert(u"ExposedPorts"_s, exposed);
    o.insert(u"HostConfig"_s, QJsonObject{{u"PortBindings"_s, bindings},
                                          {u"RestartPolicy"_s, QJsonObject{{u"Name"_s, u"no"_s}}}});
    return compact(o);
}

QByteArray execCreateBody(const QStringList& cmd)
{
    return compact(QJsonObject{{u"AttachStdin"_s, false},
                               {u"AttachStdout"_s, true},
                               {u"AttachStderr"_s, true},
                               {u"Tty"_s, false},
                               {u"Cmd"_s, QJsonArray::fromStringList(cmd)}});
}

QByteArray filtersJson(const QMap<QString, QStringList>& filters)
{
    QJsonObject o;
    for (auto it = filters.begin(); it != filters.end(); ++it)
        o.insert(it.key(), QJsonArray::fromStringList(it.value()));
    return compact(o);
}

} // namespace lbdeck::docker
