// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "LocalDeployer.h"

#include "NginxProcesses.h"
#include "core/util/Logging.h"
#include "core/util/Subprocess.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QTcpSocket>

#include <QThread>
#include <future>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

using namespace Qt::StringLiterals;

namespace lbdeck {

QString outcomeName(DeployReport::Outcome outcome)
{
    switch (outcome) {
    case DeployReport::Outcome::Applied:
        return u"applied"_s;
    case DeployReport::Outcome::CheckFailed:
        return u"check failed"_s;
    case DeployReport::Outcome::InstallFailed:
        return u"install failed"_s;
    case DeployReport::Outcome::ReloadFailed:
        return u"reload failed"_s;
    }
    return QString();
}

LocalDeployer::LocalDeployer(Options options)
    : m_options(std::move(options))
{
    ConfigInstaller::removeStale(m_options.dest);
}

QByteArray LocalDeployer::currentConfig() const
{
    if (m_options.dest.isEmpty())
        return {};
    QFile f(m_options.dest);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

Result<void> LocalDeployer::check(const QString& stagedPath, QByteArray& output) const
{
    Result<ProcessOutcome> r = makeError(ErrorCode::Unknown, QString());
    QString what;
    if (!m_options.nginxBinary.isEmpty()) {
        QStringList argv{m_options.nginxBinary, u"-t"_s, u"-q"_s, u"-c"_s, stagedPath};
        if (!m_options.nginxPrefix.isEmpty())
            argv << u"-p"_s << m_options.nginxPrefix;
        what = u"nginx -t"_s;
        r = runProcess(argv, m_options.checkTimeout, DefaultMaxOutput, what);
    } else if (!m_options.checkCmd.isEmpty()) {
        what = u"check_cmd"_s;
        r = runCommandLine(expandCommand(m_options.checkCmd, stagedPath, m_options.dest),
                           m_options.checkTimeout, DefaultMaxOutput, what);
    } else {
        return {};
    }
    if (!r)
        return r.error();
    // nginx -t -q prints nothing when the config is good: the ledger says "ok" rather than nothing,
    // followed by any warnings. The staged file's name means nothing once it is gone.
    const QString said = QString::fromUtf8(r->output.trimmed()).replace(stagedPath, u"<candidate>"_s);
    output = r->ok() ? (said.isEmpty() ? QByteArray("ok") : "ok\n" + said.toUtf8()) : said.toUtf8();
    if (!r->ok()) {
        return makeError(
            ErrorCode::Validation,
            u"%1 refused the new config (exit %2): %3"_s.arg(what).arg(r->exitCode).arg(said.left(2000)));
    }
    return {};
}

Result<void> LocalDeployer::reload() const
{
    if (!m_options.reloadCmd.isEmpty()) {
        Result<ProcessOutcome> r =
            runCommandLine(expandCommand(m_options.reloadCmd, m_options.dest, m_options.dest),
                           m_options.reloadTimeout, DefaultMaxOutput, u"reload_cmd"_s);
        if (!r)
            return r.error();
        if (!r->ok())
            return makeError(ErrorCode::Process, u"reload_cmd failed (exit %1): %2"_s.arg(r->exitCode)
                                                     .arg(QString::fromUtf8(r->output.trimmed().left(2000))));
        return {};
    }
    if (m_options.pidFile.isEmpty())
        return {};
    QFile f(m_options.pidFile);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::NotFound,
                         u"nginx does not seem to run: cannot read its pid file %1 (%2)"_s.arg(
                             m_options.pidFile, f.errorString()));
    bool ok = false;
    const qint64 pid = f.readAll().trimmed().toLongLong(&ok);
    if (!ok || pid <= 1)
        return makeError(ErrorCode::Protocol,
                         u"the pid file %1 does not hold a PID"_s.arg(m_options.pidFile));
    if (::kill(pid_t(pid), SIGHUP) != 0)
        return makeError(ErrorCode::Process,
                         u"cannot send HUP to nginx (PID %1 from %2): %3"_s.arg(pid).arg(
                             m_options.pidFile, QString::fromLocal8Bit(std::strerror(errno))));
    return {};
}

QByteArray LocalDeployer::fetchRunningConfigId(const QString& statusListen, int timeoutMs)
{
    const QString host = statusListen.section(u':', 0, -2);
    const quint16 port = quint16(statusListen.section(u':', -1).toUInt());
    QTcpSocket socket;
    socket.connectToHost(host.isEmpty() ? u"127.0.0.1"_s : host, port);
    if (!socket.waitForConnected(timeoutMs))
        return {};
    socket.write("GET /lbdeck/config HTTP/1.0\r\nHost: lbdeck\r\n\r\n");
    QByteArray response;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        if (!socket.waitForReadyRead(int(qMax<qint64>(1, timeoutMs - clock.elapsed()))))
            break;
        response += socket.readAll();
    }
    response += socket.readAll();
    const qsizetype body = response.indexOf("\r\n\r\n");
    if (!response.startsWith("HTTP/1.1 200") || body < 0)
        return {};
    return response.mid(body + 4).trimmed();
}

// "nginx runs this config" is read from nginx: a new worker answers with the new hash, and every
// worker of the old generation has stopped accepting, so no new connection can meet the old config.
//
// nginx's master starts the new workers, then sleeps 100 ms before it tells the old ones to quit;
// meanwhile both generations accept connections. Once the new generation is up — which only
// happens when the master loaded the new config — the old workers are sent the same graceful
// QUIT the master would send, so the handover takes a few ms instead of 100. Requests in flight
// on the old workers finish normally.
bool LocalDeployer::handOver(qint64 master, const QList<qint64>& oldWorkers,
                             std::chrono::milliseconds timeout) const
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeout.count()) {
        const QList<qint64> accepting = nginxprocs::acceptingWorkers(master);
        const qsizetype fresh = std::count_if(accepting.cbegin(), accepting.cend(),
                                              [&](qint64 p) { return !oldWorkers.contains(p); });
        if (fresh >= oldWorkers.size()) {
            for (qint64 p : oldWorkers) {
                if (accepting.contains(p))
                    ::kill(pid_t(p), SIGQUIT);
            }
            return true;
        }
        QThread::usleep(250);
    }
    return false;
}

bool LocalDeployer::waitForHash(const QString& hash, const QList<qint64>& oldWorkers) const
{
    QElapsedTimer clock;
    clock.start();
    const QByteArray want = hash.toLatin1();
    const qint64 master = nginxprocs::masterPid(m_options.pidFile);
    bool hashSeen = false;
    bool handedOver = oldWorkers.isEmpty();
    while (clock.elapsed() < m_options.confirmTimeout.count()) {
        const QList<qint64> accepting = nginxprocs::acceptingWorkers(master);
        const bool oldAccepting = std::any_of(oldWorkers.cbegin(), oldWorkers.cend(),
                                              [&](qint64 p) { return accepting.contains(p); });
        if (!handedOver) {
            const qsizetype fresh = std::count_if(accepting.cbegin(), accepting.cend(),
                                                  [&](qint64 p) { return !oldWorkers.contains(p); });
            if (fresh >= oldWorkers.size()) {
                for (qint64 p : oldWorkers) {
                    if (accepting.contains(p))
                        ::kill(pid_t(p), SIGQUIT);
                }
                handedOver = true;
            }
        }
        if (!hashSeen && !oldAccepting)
            hashSeen = fetchRunningConfigId(m_options.statusListen).startsWith(want);
        if (hashSeen)
            return true;
        QThread::usleep(250);
    }
    return false;
}

void LocalDeployer::restore(const QByteArray& previous) const
{
    if (previous.isEmpty())
        return;
    Result<StagedFile> staged = ConfigInstaller::stage(m_options.dest, previous, m_options.attributes);
    if (staged)
        (void)ConfigInstaller::install(*staged);
}

QString LocalDeployer::errorLogTail() const
{
    QFile f(m_options.errorLog);
    if (m_options.errorLog.isEmpty() || !f.open(QIODevice::ReadOnly))
        return QString();
    if (f.size() > 4096)
        f.seek(f.size() - 4096);
    QList<QByteArray> lines = f.readAll().trimmed().split('\n');
    return QString::fromUtf8(lines.last());
}

DeployReport LocalDeployer::deploy(const RenderedConfig& config, const QByteArray& previous)
{
    DeployReport report;
    QElapsedTimer clock;
    clock.start();
    Result<StagedFile> staged = ConfigInstaller::stage(m_options.dest, config.text, m_options.attributes);
    report.stageUs = clock.nsecsElapsed() / 1000;
    if (!staged) {
        report.outcome = DeployReport::Outcome::InstallFailed;
        report.message = staged.error().toString();
        return report;
    }
    clock.restart();
    // The disk flush runs while nginx -t reads the same bytes from the page cache: neither waits
    // for the other.
    std::future<Result<void>> flushed =
        std::async(std::launch::async, [&staged] { return ConfigInstaller::syncData(*staged); });
    Result<void> checked = check(staged->path(), report.checkOutput);
    const Result<void> synced = flushed.get();
    report.checkUs = clock.nsecsElapsed() / 1000;
    if (checked && !synced) {
        report.outcome = DeployReport::Outcome::InstallFailed;
        report.message = synced.error().toString();
        return report;
    }
    if (!checked) {
        report.outcome = DeployReport::Outcome::CheckFailed;
        report.message =
            checked.error().toString() + u" — the running config stays; fix the template or the values"_s;
        return report; // the staged file goes with `staged`
    }
    clock.restart();
    Result<ConfigInstaller::Method> installed = ConfigInstaller::install(*staged, /*syncDirectory=*/false);
    report.installUs = clock.nsecsElapsed() / 1000;
    if (!installed) {
        report.outcome = DeployReport::Outcome::InstallFailed;
        report.message = installed.error().toString();
        return report;
    }
    report.inPlace = *installed == ConfigInstaller::Method::InPlace;
    clock.restart();
    const QList<qint64> oldWorkers = nginxprocs::acceptingWorkers(nginxprocs::masterPid(m_options.pidFile));
    report.hupAtMs = QDateTime::currentMSecsSinceEpoch();
    Result<void> reloaded = reload();
    report.reloadUs = clock.nsecsElapsed() / 1000;
    ConfigInstaller::syncDirectoryOf(m_options.dest); // the rename's durability; nginx already has the file
    if (!reloaded) {
        restore(previous);
        report.outcome = DeployReport::Outcome::ReloadFailed;
        report.message = reloaded.error().toString() + u" — the previous file was put back"_s;
        return report;
    }
    if (m_options.statusListen.isEmpty() && !oldWorkers.isEmpty() && m_options.confirmTimeout.count() > 0) {
        // A confd resource whose reload_cmd may reload the nginx of [nginx] pid_file: no config
        // hash to confirm, but the same quick handover once new workers come. A reload_cmd of
        // another service brings none: the wait is short then, not the confirm timeout.
        clock.restart();
        const bool namesNginx = m_options.reloadCmd.contains(u"nginx"_s);
        handOver(nginxprocs::masterPid(m_options.pidFile), oldWorkers,
                 namesNginx ? m_options.confirmTimeout : std::min(m_options.confirmTimeout, NoNginxHandOver));
        report.confirmUs = clock.nsecsElapsed() / 1000;
    }
    if (!m_options.statusListen.isEmpty() && m_options.confirmTimeout.count() > 0) {
        clock.restart();
        report.confirmed = waitForHash(config.hash, oldWorkers);
        report.confirmUs = clock.nsecsElapsed() / 1000;
        if (!report.confirmed) {
            // nginx -t passed but the reload did not take (a port in use, a missing file...):
            // the old workers still serve the old config, so the file goes back to match them.
            restore(previous);
            if (!previous.isEmpty())
                (void)reload();
            const QString log = errorLogTail();
            report.outcome = DeployReport::Outcome::ReloadFailed;
            report.message =
                u"nginx did not start serving config %1 within %2 ms%3 — the previous file was put back"_s
                    .arg(config.hash)
                    .arg(qint64(m_options.confirmTimeout.count()))
                    .arg(log.isEmpty() ? QString() : u"; its error log says: "_s + log);
            return report;
        }
    }
    return report;
}

} // namespace lbdeck
