// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "DockerTypes.h"
#include "core/http/HttpEndpoint.h"
#include "core/http/HttpMessage.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <chrono>

namespace lbdeck {

class DockerEventStream;
class DockerLogStream;
class DockerStatsStream;
class HttpClient;

// The Docker Engine API on one endpoint (unix socket, TCP/TLS, or the unix socket an SSH tunnel
// ends on). Every call is asynchronous and calls back once, on context's thread, unless context
// is destroyed first: then the request is aborted and nothing calls back. The API version is
// negotiated on first use (min of the daemon's and 1.41) and calls made meanwhile wait for it.
// Errors keep Docker's HTTP status in Error::status and its own message in the text; `where`
// names the endpoint and the object: "docker at unix:///run/docker.sock, container apache-8001".
class DockerClient : public QObject
{
    Q_OBJECT
public:
    explicit DockerClient(const HttpEndpoint& endpoint, QObject* parent = nullptr);
    ~DockerClient() override;

    const HttpEndpoint& endpoint() const;
    HttpClient* http() const { return m_http; }
    QString describe() const { return m_name; } // "docker at unix:///run/docker.sock"
    // Empty until negotiated, then "1.41" (or the daemon's, when older).
    QString apiVersion() const { return m_apiVersion; }
    // For every plain request (default 30 s); stop() waits its grace period on top.
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    std::chrono::milliseconds timeout() const { return m_timeout; }

    // GET /version again and pick the API version; succeeds with it ("1.41").
    void negotiate(QObject* context, Callback<QString> callback);
    // GET /_ping, unversioned: a liveness probe that does not depend on negotiation.
    void ping(QObject* context, Callback<void> callback);
    void version(QObject* context, Callback<DockerVersion> callback);
    void info(QObject* context, Callback<QJsonObject> callback);

    // labelFilters as Docker writes them: "key" or "key=value"; all: stopped containers too.
    void listContainers(bool all, const QStringList& labelFilters, QObject* context,
                        Callback<QList<ContainerSummary>> callback);
    void inspectContainer(const QString& container, QObject* context, Callback<ContainerInfo> callback);
    // The same, all of it, as Docker sent it (the Inspect view shows it read-only).
    void inspectContainerJson(const QString& container, QObject* context, Callback<QJsonObject> callback);
    // Succeeds with the new container's id.
    void createContainer(const QString& name, const ContainerSpec& spec, QObject* context,
                         Callback<QString> callback);
    // Starting a running container (and stopping a stopped one) succeeds: the state asked for holds.
    void startContainer(const QString& container, QObject* context, Callback<void> callback);
    // SIGTERM, then SIGKILL after timeoutSeconds (the seed's `docker stop -t 3`).
    void stopContainer(const QString& container, int timeoutSeconds, QObject* context,
                       Callback<void> callback);
    // The signal is required: the API's default is SIGKILL, never what a reload ("HUP") wants.
    void killContainer(const QString& container, const QString& signal, QObject* context,
                       Callback<void> callback);
    void removeContainer(const QString& container, bool force, bool volumes, QObject* context,
                         Callback<void> callback);
    // stdout and stderr, the last tail lines (tail < 0: all).
    void containerLogs(const QString& container, int tail, QObject* context, Callback<StreamOutput> callback);

    void listImages(QObject* context, Callback<QList<ImageSummary>> callback);

    // Exec without a TTY or stdin, stdout and stderr attached. createExec succeeds with the exec id;
    // startExec runs it to the end (within timeout()) and returns its output; inspectExec has its
    // exit code.
    void createExec(const QString& container, const QStringList& cmd, QObject* context,
                    Callback<QString> callback);
    void startExec(const QString& execId, QObject* context, Callback<StreamOutput> callback);
    void inspectExec(const QString& execId, QObject* context, Callback<ExecState> callback);
    // The three in a row. A non-zero exit code is a result, not an error.
    void exec(const QString& container, const QStringList& cmd, QObject* context,
              Callback<ExecResult> callback);

    // Unpacks a tar archive (docker::makeTar) into an existing directory of the container.
    void putArchive(const QString& container, const QString& directory, const QByteArray& tar,
                    QObject* context, Callback<void> callback);

    // GET /events as a stream of JSON objects, a child of parent. filters as Docker's:
    // {"type": ["container"], "container": ["apache-8001"]}. since: replay from then (optional).
    DockerEventStream* events(const QMap<QString, QStringList>& filters, QObject* parent,
                              const QDateTime& since = {});
    // GET /containers/{id}/stats?stream=true, one sample a second, a child of parent.
    DockerStatsStream* stats(const QString& container, QObject* parent);
    // GET /containers/{id}/logs?follow=1, the last tail lines first, a child of parent, started.
    DockerLogStream* followLogs(const QString& container, int tail, QObject* parent);

private:
    friend class DockerJsonStream;
    friend class DockerLogStream;
    struct Call
    {
        Call(QByteArray m, QByteArray p, QString s = {})
            : method(std::move(m))
            , path(std::move(p))
            , subject(std::move(s))
        {}
        Call& withQuery(QByteArray q)
        {
            query = std::move(q);
            return *this;
        }
        Call& withBody(QByteArray b, QByteArray type)
        {
            body = std::move(b);
            contentType = std::move(type);
            return *this;
        }
        Call& withTimeout(std::chrono::milliseconds t)
        {
            timeout = t;
            return *this;
        }
        Call& unversioned()
        {
            versioned = false;
            return *this;
        }

        QByteArray method;
        QByteArray path; // unversioned, segments already percent-encoded
        QString subject; // "container apache-8001"; empty: the daemon itself
        QByteArray query;
        QByteArray body;
        QByteArray contentType;
        std::chrono::milliseconds timeout{0}; // 0: the client's
        bool versioned = true;
    };
    // Negotiates when needed, then sends; any HTTP status is a success here.
    void send(Call call, QObject* context, Callback<HttpResponse> callback);
    // Like send(), but a status outside ok is Docker's error; succeeds with the body.
    void expect(Call call, QList<int> ok, QObject* context, Callback<QByteArray> callback);
    void expectNothing(Call call, QList<int> ok, QObject* context, Callback<void> callback);
    void whenReady(QObject* context, std::function<void(const Result<void>&)> then);
    void startNegotiation();
    void finishNegotiation(const Result<QString>& version);
    void pollExec(const QString& execId, StreamOutput output, int attempt, QObject* context,
                  Callback<ExecResult> callback);
    QByteArray target(const QByteArray& path, const QByteArray& query, bool versioned = true) const;
    QString whereFor(const QString& subject) const;

    QString m_name;     // "docker at unix:///run/docker.sock"; outlives m_http in the destructor
    HttpClient* m_http; // Owned (child).
    std::chrono::milliseconds m_timeout{30000};
    QString m_apiVersion;
    bool m_negotiating = false;
    QList<std::function<void(const Result<void>&)>> m_waiting;
};

} // namespace lbdeck
