// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerDeployer.h"

#include "core/docker/DockerStreamDemux.h"
#include "core/docker/DockerTar.h"
#include "core/http/BlockingHttp.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <QUrl>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck {

DockerDeployer::DockerDeployer(Options options)
    : m_options(std::move(options))
    , m_base("/v1.41")
{}

QString DockerDeployer::describe() const
{
    return u"container %1:%2"_s.arg(m_options.container, m_options.confPath);
}

Result<QByteArray> DockerDeployer::call(const QByteArray& method, const QByteArray& target,
                                        const QByteArray& body, const QByteArray& contentType) const
{
    HttpRequest req;
    req.method = method;
    req.target = m_base + target;
    req.body = body;
    req.timeout = m_options.timeout;
    if (!contentType.isEmpty())
        req.headers.add("Content-Type", contentType);
    Result<HttpResponse> r = blockingHttp(m_options.docker, req);
    if (!r)
        return r.error();
    if (r->status >= 300) {
        const QString message = QJsonDocument::fromJson(r->body).object().value(u"message"_s).toString();
        return makeError(
            r->status == 404 ? ErrorCode::NotFound : ErrorCode::Http,
            message.isEmpty() ? u"HTTP status %1"_s.arg(r->status) : message,
            u"docker at %1, container %2"_s.arg(m_options.docker.toString(), m_options.container), r->status);
    }
    return r->body;
}

Result<void> DockerDeployer::upload(const QString& fileName, const QByteArray& content) const
{
    Result<QByteArray> tar = docker::makeTar(fileName, content, 0644);
    if (!tar)
        return tar.error();
    const QByteArray dir = QUrl::toPercentEncoding(QFileInfo(m_options.confPath).path());
    Result<QByteArray> r =
        call("PUT", "/containers/" + QUrl::toPercentEncoding(m_options.container) + "/archive?path=" + dir,
             *tar, "application/x-tar");
    return toVoid(r);
}

Result<QPair<int, QByteArray>> DockerDeployer::exec(const QStringList& cmd) const
{
    const QByteArray create = QJsonDocument(QJsonObject{{u"Cmd"_s, QJsonArray::fromStringList(cmd)},
                                                        {u"AttachStdout"_s, true},
                                                        {u"AttachStderr"_s, true}})
                                  .toJson(QJsonDocument::Compact);
    Result<QByteArray> created =
        call("POST", "/containers/" + QUrl::toPercentEncoding(m_options.container) + "/exec", create,
             "application/json");
    if (!created)
        return created.error();
    const QByteArray id = QJsonDocument::fromJson(*created).object().value(u"Id"_s).toString().toLatin1();
    if (id.isEmpty())
        return makeError(ErrorCode::Protocol, u"exec create answered without an Id"_s);
    Result<QByteArray> stream =
        call("POST", "/exec/" + id + "/start", R"({"Detach":false,"Tty":false})", "application/json");
    if (!stream)
        return stream.error();
    Result<StreamOutput> output = docker::demultiplex(*stream);
    Result<QByteArray> state = call("GET", "/exec/" + id + "/json");
    if (!state)
        return state.error();
    const int exitCode = QJsonDocument::fromJson(*state).object().value(u"ExitCode"_s).toInt(-1);
    const QByteArray text = output ? output->stdOut + output->stdErr : *stream;
    return QPair<int, QByteArray>{exitCode, text};
}

Result<QList<qint64>> DockerDeployer::workerPids() const
{
    Result<QByteArray> top =
        call("GET", "/containers/" + QUrl::toPercentEncoding(m_options.container) + "/top?ps_args=-ef");
    if (!top)
        return top.error();
    const QJsonObject o = QJsonDocument::fromJson(*top).object();
    const QJsonArray titles = o.value(u"Titles"_s).toArray();
    int pidColumn = -1;
    int cmdColumn = -1;
    for (int i = 0; i < titles.size(); ++i) {
        if (titles[i].toString() == u"PID"_s)
            pidColumn = i;
        if (titles[i].toString() == u"CMD"_s || titles[i].toString() == u"COMMAND"_s)
            cmdColumn = i;
    }
    QList<qint64> pids;
    for (const QJsonValue& row : o.value(u"Processes"_s).toArray()) {
        const QJsonArray cells = row.toArray();
        const QString cmd = cells.at(cmdColumn).toString();
        if (cmd.contains(u"worker process"_s) && !cmd.contains(u"shutting down"_s))
            pids << cells.at(pidColumn).toString().toLongLong();
    }
    return pids;
}

Result<QString> DockerDeployer::startedAt() const
{
    Result<QByteArray> info =
        call("GET", "/containers/" + QUrl::toPercentEncoding(m_options.container) + "/json");
    if (!info)
        return info.error();
    return QJsonDocument::fromJson(*info)
        .object()
        .value(u"State"_s)
        .toObject()
        .value(u"StartedAt"_s)
        .toString();
}

QByteArray DockerDeployer::currentConfig() const
{
    // GET /archive returns a tar; the running file is read back from it.
    Result<QByteArray> tar = call("GET", "/containers/" + QUrl::toPercentEncoding(m_options.container) +
                                             "/archive?path=" + QUrl::toPercentEncoding(m_options.confPath));
    if (!tar || tar->size() < 512)
        return {};
    const qint64 size = tar->mid(124, 12).trimmed().replace('\0', "").toLongLong(nullptr, 8);
    return tar->mid(512, size);
}

DeployReport DockerDeployer::deploy(const RenderedConfig& config, const QByteArray& previous)
{
    DeployReport report;
    QElapsedTimer clock;
    clock.start();
    const QString base = QFileInfo(m_options.confPath).fileName();
    const QString candidate = u".%1.lbdeck-candidate"_s.arg(base);
    const QString candidatePath = QFileInfo(m_options.confPath).path() + u'/' + candidate;
    if (Result<void> up = upload(candidate, config.text); !up) {
        report.outcome = DeployReport::Outcome::InstallFailed;
        report.message = u"uploading the candidate: %1"_s.arg(up.error().toString());
        return report;
    }
    report.stageUs = clock.nsecsElapsed() / 1000;
    clock.restart();
    Result<QPair<int, QByteArray>> checked =
        exec({m_options.nginxBinary, u"-t"_s, u"-q"_s, u"-c"_s, candidatePath});
    report.checkUs = clock.nsecsElapsed() / 1000;
    if (!checked) {
        report.outcome = DeployReport::Outcome::CheckFailed;
        report.message = u"nginx -t in %1: %2"_s.arg(m_options.container, checked.error().toString());
        return report;
    }
    // As the local target: "ok" (and any warnings) rather than nginx -q's silence.
    const QString said =
        QString::fromUtf8(checked->second.trimmed()).replace(candidatePath, u"<candidate>"_s);
    if (checked->first != 0) {
        report.checkOutput = said.toUtf8();
        report.outcome = DeployReport::Outcome::CheckFailed;
        report.message =
            u"nginx -t in container %1 refused the new config (exit %2): %3 — the running config stays"_s
                .arg(m_options.container)
                .arg(checked->first)
                .arg(said);
        return report;
    }
    report.checkOutput = said.isEmpty() ? QByteArray("ok") : "ok\n" + said.toUtf8();
    Result<QString> before = startedAt();
    Result<QList<qint64>> oldWorkers = workerPids();
    clock.restart();
    if (Result<void> up = upload(base, config.text); !up) {
        report.outcome = DeployReport::Outcome::InstallFailed;
        report.message = u"writing %1: %2"_s.arg(m_options.confPath, up.error().toString());
        return report;
    }
    report.installUs = clock.nsecsElapsed() / 1000;
    clock.restart();
    report.hupAtMs = QDateTime::currentMSecsSinceEpoch();
    Result<QByteArray> hup =
        call("POST", "/containers/" + QUrl::toPercentEncoding(m_options.container) + "/kill?signal=HUP");
    report.reloadUs = clock.nsecsElapsed() / 1000;
    if (!hup) {
        if (!previous.isEmpty())
            (void)upload(base, previous);
        report.outcome = DeployReport::Outcome::ReloadFailed;
        report.message = u"sending HUP: %1 — the previous file was put back"_s.arg(hup.error().toString());
        return report;
    }
    // Confirmed when the worker generation changed; a restarted container would not count.
    clock.restart();
    while (clock.elapsed() < m_options.confirmTimeout.count()) {
        Result<QList<qint64>> now = workerPids();
        if (now && oldWorkers && !now->isEmpty() &&
            std::none_of(now->cbegin(), now->cend(), [&](qint64 p) { return oldWorkers->contains(p); })) {
            report.confirmed = true;
            break;
        }
        QThread::msleep(20);
    }
    report.confirmUs = clock.nsecsElapsed() / 1000;
    Result<QString> after = startedAt();
    if (before && after && *before != *after) {
        report.outcome = DeployReport::Outcome::ReloadFailed;
        report.message = u"container %1 restarted during the reload (it should only have reloaded)"_s.arg(
            m_options.container);
        return report;
    }
    if (!report.confirmed) {
        if (!previous.isEmpty()) {
            (void)upload(base, previous);
            (void)call("POST",
                       "/containers/" + QUrl::toPercentEncoding(m_options.container) + "/kill?signal=HUP");
        }
        report.outcome = DeployReport::Outcome::ReloadFailed;
        report.message =
            u"nginx in %1 did not replace its workers within %2 ms — the previous file was put back"_s
                .arg(m_options.container)
                .arg(qint64(m_options.confirmTimeout.count()));
    }
    return report;
}

} // namespace lbdeck
