// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerClient.h"

#include "DockerCodec.h"
#include "DockerEventStream.h"
#include "DockerLogs.h"
#include "DockerStatsStream.h"
#include "DockerStreamDemux.h"
#include "core/http/HttpClient.h"
#include "core/util/Logging.h"

#include <QJsonDocument>
#include <QTimer>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

// How long exec() waits for the daemon to record an exit code after the output ended.
constexpr int ExecPollAttempts = 40;
constexpr int ExecPollIntervalMs = 25;

QByteArray enc(const QString& text)
{
    return QUrl::toPercentEncoding(text);
}

// A request that did not get an answer: say where, and what to check.
Error transportError(Error error, const QString& where)
{
    error.where = where;
    if (error.code == ErrorCode::Network)
        error.message += u" — is dockerd running there, and may this user open its socket?"_s;
    return error;
}

QString containerSubject(const QString& container)
{
    return u"container %1"_s.arg(container);
}

QString execSubject(const QString& execId)
{
    return u"exec %1"_s.arg(execId.left(12));
}

// A bad argument is reported like any other failure: later, never from inside the call.
template<typename T>
bool rejectEmpty(const QString& value, const QString& what, const QString& where, QObject* context,
                 const Callback<T>& callback)
{
    if (!value.trimmed().isEmpty())
        return false;
    QMetaObject::invokeMethod(
        context,
        [callback, what, where] {
            callback(makeError(ErrorCode::InvalidArgument, u"no %1 given"_s.arg(what), where));
        },
        Qt::QueuedConnection);
    return true;
}

} // namespace

DockerClient::DockerClient(const HttpEndpoint& endpoint, QObject* parent)
    : QObject(parent)
    , m_name(u"docker at %1"_s.arg(endpoint.toString()))
    , m_http(new HttpClient(endpoint, this))
{}

DockerClient::~DockerClient()
{
    // Requests still running end with "canceled" while this object is still whole; streams hear
    // of it too, and find the client gone (QPointer) when they would reconnect.
    delete m_http;
    m_http = nullptr;
}

const HttpEndpoint& DockerClient::endpoint() const
{
    return m_http->endpoint();
}

QString DockerClient::whereFor(const QString& subject) const
{
    return subject.isEmpty() ? describe() : u"%1, %2"_s.arg(describe(), subject);
}

QByteArray DockerClient::target(const QByteArray& path, const QByteArray& query, bool versioned) const
{
    QByteArray t = versioned ? "/v" + m_apiVersion.toLatin1() + path : path;
    if (!query.isEmpty())
        t += '?' + query;
    return t;
}

void DockerClient::whenReady(QObject* context, std::function<void(const Result<void>&)> then)
{
    if (!m_apiVersion.isEmpty() && !m_negotiating) {
        then({});
        return;
    }
    QPointer<QObject> guard(context);
    m_waiting.append([guard, then = std::move(then)](const Result<void>& r) {
        if (guard)
            then(r);
    });
    if (!m_negotiating)
        startNegotiation();
}

void DockerClient::startNegotiation()
{
    m_negotiating = true;
    HttpRequest request;
    request.target = "/version"; // unversioned: the daemon answers in its newest version
    request.timeout = m_timeout;
    const QString where = whereFor({});
    m_http->send(request, this, [this, where](const Result<HttpResponse>& r) {
        if (!r) {
            finishNegotiation(transportError(r.error(), where));
            return;
        }
        if (r->status != 200) {
            finishNegotiation(docker::decodeError(r->body, r->status, where));
            return;
        }
        Result<DockerVersion> v = docker::parseVersion(r->body);
        Result<QString> chosen = v ? docker::negotiatedVersion(v->apiVersion) : Result<QString>(v.error());
        if (!chosen) {
            Error e = chosen.error();
            e.where = where;
            chosen = e;
        }
        finishNegotiation(chosen);
    });
}

void DockerClient::finishNegotiation(const Result<QString>& version)
{
    m_negotiating = false;
    Result<void> outcome;
    if (version) {
        m_apiVersion = *version;
        qCDebug(lcDocker) << describe() << "speaks API" << m_apiVersion;
    } else {
        // The next call tries again: the daemon may just be starting.
        m_apiVersion.clear();
        outcome = version.error();
        qCWarning(lcDocker) << "API version negotiation failed:" << version.error().toString();
    }
    const auto waiting = std::exchange(m_waiting, {});
    for (const auto& waiter : waiting)
        waiter(outcome);
}

void DockerClient::send(Call call, QObject* context, Callback<HttpResponse> callback)
{
    QPointer<QObject> guard(context);
    auto go = [this, call, guard, callback](const Result<void>& ready) {
        if (!guard)
            return;
        if (!ready) {
            callback(ready.error());
            return;
        }
        HttpRequest request;
        request.method = call.method;
        request.target = target(call.path, call.query, call.versioned);
        request.body = call.body;
        if (!call.contentType.isEmpty())
            request.headers.add("Content-Type", call.contentType);
        request.timeout = call.timeout.count() > 0 ? call.timeout : m_timeout;
        // Captures no `this`: a client being destroyed cancels its requests, calling back from there.
        m_http->send(request, guard,
                     [callback, where = whereFor(call.subject)](const Result<HttpResponse>& r) {
                         if (r)
                             callback(r);
                         else
                             callback(transportError(r.error(), where));
                     });
    };
    if (call.versioned)
        whenReady(context, std::move(go));
    else
        go({});
}

void DockerClient::expect(Call call, QList<int> ok, QObject* context, Callback<QByteArray> callback)
{
    const QString where = whereFor(call.subject);
    send(std::move(call), context,
         [ok, where, callback = std::move(callback)](const Result<HttpResponse>& r) {
             if (!r)
                 callback(r.error());
             else if (!ok.contains(r->status))
                 callback(docker::decodeError(r->body, r->status, where));
             else
                 callback(r->body);
         });
}

void DockerClient::expectNothing(Call call, QList<int> ok, QObject* context, Callback<void> callback)
{
    expect(std::move(call), std::move(ok), context,
           [callback = std::move(callback)](const Result<QByteArray>& r) {
               if (!r)
                   callback(r.error());
               else
                   callback({});
           });
}

void DockerClient::negotiate(QObject* context, Callback<QString> callback)
{
    if (!m_negotiating)
        m_apiVersion.clear();
    whenReady(context, [this, callback = std::move(callback)](const Result<void>& r) {
        if (!r)
            callback(r.error());
        else
            callback(m_apiVersion);
    });
}

void DockerClient::ping(QObject* context, Callback<void> callback)
{
    // A frozen daemon must not look alive for the client's whole timeout.
    expectNothing(Call("GET", "/_ping").unversioned().withTimeout(std::chrono::seconds(5)), {200}, context,
                  std::move(callback));
}

void DockerClient::version(QObject* context, Callback<DockerVersion> callback)
{
    expect(Call("GET", "/version"), {200}, context,
           decodeWith<DockerVersion>(std::move(callback), docker::parseVersion, whereFor({})));
}

void DockerClient::info(QObject* context, Callback<QJsonObject> callback)
{
    expect(Call("GET", "/info"), {200}, context,
           decodeWith<QJsonObject>(std::move(callback), docker::parseObject, whereFor({})));
}

void DockerClient::listContainers(bool all, const QStringList& labelFilters, QObject* context,
                                  Callback<QList<ContainerSummary>> callback)
{
    QByteArray query = all ? "all=1" : "all=0";
    if (!labelFilters.isEmpty())
        query += "&filters=" + enc(QString::fromUtf8(docker::filtersJson({{u"label"_s, labelFilters}})));
    expect(
        Call("GET", "/containers/json").withQuery(query), {200}, context,
        decodeWith<QList<ContainerSummary>>(std::move(callback), docker::parseContainerList, whereFor({})));
}

void DockerClient::inspectContainer(const QString& container, QObject* context,
                                    Callback<ContainerInfo> callback)
{
    if (rejectEmpty(container, u"container"_s, describe(), context, callback))
        return;
    const QString subject = containerSubject(container);
    expect(Call("GET", "/containers/" + enc(container) + "/json", subject), {200}, context,
           decodeWith<ContainerInfo>(std::move(callback), docker::parseContainerInspect, whereFor(subject)));
}

void DockerClient::inspectContainerJson(const QString& container, QObject* context,
                                        Callback<QJsonObject> callback)
{
    if (rejectEmpty(container, u"container"_s, describe(), context, callback))
        return;
    const QString subject = containerSubject(container);
    expect(Call("GET", "/containers/" + enc(container) + "/json", subject), {200}, context,
           decodeWith<QJsonObject>(std::move(callback), docker::parseObject, whereFor(subject)));
}

void DockerClient::createContainer(const QString& name, const ContainerSpec& spec, QObject* context,
                                   Callback<QString> callback)
{
    if (rejectEmpty(spec.image, u"image"_s, describe(), context, callback))
        return;
    const QString subject = name.isEmpty() ? u"new container"_s : containerSubject(name);
    Call call = Call("POST", "/containers/create", subject)
                    .withQuery(name.isEmpty() ? QByteArray() : "name=" + enc(name))
                    .withBody(docker::containerCreateBody(spec), "application/json");
    expect(std::move(call), {201, 200}, context,
           decodeWith<QString>(std::move(callback), docker::parseCreatedId, whereFor(subject)));
}

void DockerClient::startContainer(const QString& container, QObject* context, Callback<void> callback)
{
    if (rejectEmpty(container, u"container"_s, describe(), context, callback))
        return;
    // 304 "container already started": the state asked for holds, which is success.
    expectNothing(Call("POST", "/containers/" + enc(container) + "/start", containerSubject(container)),
                  {204, 304}, context, std::move(callback));
}

void DockerClient::stopContainer(const QString& container, int timeoutSeconds, QObject* context,
                                 Callback<void> callback)
{
    if (rejectEmpty(container, u"container"_s, describe(), context, callback))
        return;
    const int grace = qMax(0, timeoutSeconds);
    // The daemon answers after the grace period and the kill, so the request waits that long too.
    // 304 "container already stopped" is success, as for start.
    expectNothing(Call("POST", "/containers/" + enc(container) + "/stop", containerSubject(container))
                      .withQuery("t=" + QByteArray::number(grace))
                      .withTimeout(std::chrono::seconds(grace) + m_timeout),
                  {204, 304}, context, std::move(callback));
}

void DockerClient::killContainer(const QString& container, const QString& signal, QObject* context,
                                 Callback<void> callback)
{
    if (rejectEmpty(container, u"container"_s, describe(), context, callback) ||
        rejectEmpty(signal, u"signal"_s, describe(), context, callback))
        return;
    expectNothing(Call("POST", "/containers/" + enc(container) + "/kill", containerSubject(container))
                      .withQuery("signal=" + enc(signal)),
                  {204}, context, std::move(callback));
}

void DockerClient::removeContainer(const QString& container, bool force, bool volumes, QObject* context,
                                   Callback<void> callback)
{
    if (rejectEmpty(container, u"container"_s, describe(), context, callback))
        return;
    expectNothing(Call("DELETE", "/containers/" + enc(container), containerSubject(container))
                      .withQuery(QByteArray("force=") + (force ? "1" : "0") + "&v=" + (volumes ? "1" : "0")),
                  {204}, context, std::move(callback));
}

void DockerClient::containerLogs(const QString& container, int tail, QObject* context,
                                 Callback<StreamOutput> callback)
{
    if (rejectEmpty(container, u"container"_s, describe(), context, callback))
        return;
    // Whether the body is multiplexed depends on the container's TTY, which only inspect tells
    // (API 1.41 sends the same content type either way).
    QPointer<QObject> guard(context);
    inspectContainer(container, context,
                     [this, container, tail, guard, callback](const Result<ContainerInfo>& info) {
                         if (!info) {
                             callback(info.error());
                             return;
                         }
                         if (!guard)
                             return;
                         const QString subject = containerSubject(container);
                         const bool tty = info->tty;
                         const QByteArray lines = tail < 0 ? QByteArray("all") : QByteArray::number(tail);
                         expect(Call("GET", "/containers/" + enc(container) + "/logs", subject)
                                    .withQuery("stdout=1&stderr=1&tail=" + lines),
                                {200}, guard,
                                decodeWith<StreamOutput>(
                                    callback,
                                    [tty](const QByteArray& body) -> Result<StreamOutput> {
                                        if (tty)
                                            return StreamOutput{body, {}};
                                        return docker::demultiplex(body);
                                    },
                                    whereFor(subject)));
                     });
}

void DockerClient::listImages(QObject* context, Callback<QList<ImageSummary>> callback)
{
    expect(
        Call("GET", "/images/json"), {200}, context,
        decodeWith<QList<ImageSummary>>(std::move(callback), docker::parseImageList, whereFor(u"images"_s)));
}

void DockerClient::createExec(const QString& container, const QStringList& cmd, QObject* context,
                              Callback<QString> callback)
{
    if (rejectEmpty(container, u"container"_s, describe(), context, callback) ||
        rejectEmpty(cmd.join(u' '), u"command"_s, describe(), context, callback))
        return;
    const QString subject = containerSubject(container);
    expect(Call("POST", "/containers/" + enc(container) + "/exec", subject)
               .withBody(docker::execCreateBody(cmd), "application/json"),
           {201, 200}, context,
           decodeWith<QString>(std::move(callback), docker::parseCreatedId, whereFor(subject)));
}

void DockerClient::startExec(const QString& execId, QObject* context, Callback<StreamOutput> callback)
{
    if (rejectEmpty(execId, u"exec id"_s, describe(), context, callback))
        return;
    // Not detached: the daemon answers 200 and then streams the output until the command ends and
    // it closes the connection (without "Upgrade" it takes the connection over as a plain body).
    const QString subject = execSubject(execId);
    expect(Call("POST", "/exec/" + enc(execId) + "/start", subject)
               .withBody(R"({"Detach":false,"Tty":false})", "application/json"),
           {200}, context,
           decodeWith<StreamOutput>(std::move(callback), docker::demultiplex, whereFor(subject)));
}

void DockerClient::inspectExec(const QString& execId, QObject* context, Callback<ExecState> callback)
{
    if (rejectEmpty(execId, u"exec id"_s, describe(), context, callback))
        return;
    const QString subject = execSubject(execId);
    expect(Call("GET", "/exec/" + enc(execId) + "/json", subject), {200}, context,
           decodeWith<ExecState>(std::move(callback), docker::parseExecInspect, whereFor(subject)));
}

void DockerClient::exec(const QString& container, const QStringList& cmd, QObject* context,
                        Callback<ExecResult> callback)
{
    QPointer<QObject> guard(context);
    createExec(container, cmd, context, [this, guard, callback](const Result<QString>& id) {
        if (!id) {
            callback(id.error());
            return;
        }
        if (!guard)
            return;
        startExec(*id, guard, [this, guard, callback, execId = *id](const Result<StreamOutput>& output) {
            if (!output) {
                callback(output.error());
                return;
            }
            if (guard)
                pollExec(execId, *output, 0, guard, callback);
        });
    });
}

void DockerClient::pollExec(const QString& execId, StreamOutput output, int attempt, QObject* context,
                            Callback<ExecResult> callback)
{
    QPointer<QObject> guard(context);
    inspectExec(execId, context, [=, this](const Result<ExecState>& state) {
        if (!state) {
            callback(state.error());
            return;
        }
        if (!state->running && state->exitCode >= 0) {
            callback(ExecResult{state->exitCode, output.stdOut, output.stdErr});
            return;
        }
        // The output can end a moment before the daemon records the exit code.
        if (attempt + 1 >= ExecPollAttempts) {
            callback(makeError(ErrorCode::Timeout, u"the command's output ended but it has no exit code"_s,
                               whereFor(execSubject(execId))));
            return;
        }
        QTimer::singleShot(ExecPollIntervalMs, guard, [=, this] {
            if (guard)
                pollExec(execId, output, attempt + 1, guard, callback);
        });
    });
}

void DockerClient::putArchive(const QString& container, const QString& directory, const QByteArray& tar,
                              QObject* context, Callback<void> callback)
{
    if (rejectEmpty(container, u"container"_s, describe(), context, callback) ||
        rejectEmpty(directory, u"directory"_s, describe(), context, callback))
        return;
    const QString subject = u"%1, directory %2"_s.arg(containerSubject(container), directory);
    expectNothing(Call("PUT", "/containers/" + enc(container) + "/archive", subject)
                      .withQuery("path=" + enc(directory))
                      .withBody(tar, "application/x-tar"),
                  {200}, context, std::move(callback));
}

DockerEventStream* DockerClient::events(const QMap<QString, QStringList>& filters, QObject* parent,
                                        const QDateTime& since)
{
    auto* stream = new DockerEventStream(this, filters, since, parent);
    stream->start();
    return stream;
}

DockerStatsStream* DockerClient::stats(const QString& container, QObject* parent)
{
    auto* stream = new DockerStatsStream(this, container, parent);
    stream->start();
    return stream;
}

DockerLogStream* DockerClient::followLogs(const QString& container, int tail, QObject* parent)
{
    auto* stream = new DockerLogStream(this, container, tail, parent);
    stream->start();
    return stream;
}

} // namespace lbdeck
