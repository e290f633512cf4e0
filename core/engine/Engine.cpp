// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Engine.h"

#include "core/engine/template/GoString.h"

#include "DeployWorker.h"
#include "DestinationLock.h"
#include "DockerDeployer.h"
#include "LocalDeployer.h"
#include "NginxReloadWatch.h"
#include "core/etcd/EtcdConnect.h"
#include "core/etcd/EtcdLiveness.h"
#include "core/etcd/PrefixMirror.h"
#include "core/util/LineDiff.h"
#include "core/util/Logging.h"

#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString hashOfInstalled(const QByteArray& text, bool builtin)
{
    if (text.isEmpty())
        return QString();
    if (builtin) {
        static const QRegularExpression marker(uR"(\(config ([0-9a-f]{16})\))"_s);
        const QRegularExpressionMatch m = marker.match(QString::fromUtf8(text.left(400)));
        return m.hasMatch() ? m.captured(1) : QString();
    }
    return ConfigRenderer::configHash(text);
}

QStringList acceptedValues(const QList<ValidatedSource>& sources)
{
    QStringList values;
    for (const ValidatedSource& s : sources)
        values += s.values.toStringList(); // sorted already
    if (sources.size() > 1) {
        values.sort();
        values.removeDuplicates();
    }
    return values;
}

} // namespace

Engine::Engine(EngineConfig config, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_coalescer({m_config.quietMs, m_config.maxWaitMs})
    , m_ledger(m_config.ledgerSize)
{
    m_monotonic.start();
    m_now = [this] { return m_monotonic.elapsed(); };
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_coalescer.due(now()))
            runNow();
        else
            armTimer();
    });
    m_retry.setSingleShot(true);
    // Through the coalescer, as any change: it knows whether a deploy runs.
    connect(&m_retry, &QTimer::timeout, this, &Engine::onSourceChanged);
    m_onceTimeout.setSingleShot(true);
    connect(&m_onceTimeout, &QTimer::timeout, this, [this] {
        if (m_onceAnswered)
            return;
        m_onceAnswered = true;
        recordError(u"etcd did not answer in time; nothing was changed"_s);
        Q_EMIT finished(ExitEtcd);
    });
}

Engine::~Engine()
{
    delete m_worker; // waits for a deploy in progress: never leave a half-done step behind
    m_worker = nullptr;
}

void Engine::setEtcd(EtcdKv* etcd)
{
    m_etcd = etcd;
}

Result<void> Engine::buildTargets()
{
    std::vector<Target> targets;
    if (!m_config.confdir.isEmpty()) {
        Result<QList<ConfdResource>> resources = ConfdResource::loadDirectory(m_config.confdir);
        if (!resources)
            return resources.error();
        QList<EngineSource> sources;
        for (const ConfdResource& r : *resources) {
            Result<ConfigRenderer> renderer = ConfigRenderer::confd(r);
            if (!renderer)
                return renderer.error();
            LocalDeployer::Options o;
            o.dest = r.dest;
            o.attributes = FileAttributes{r.uid, r.gid, r.mode};
            o.checkCmd = r.checkCmd;
            o.reloadCmd = r.reloadCmd;
            // [nginx] pid_file beside a confdir: when a resource's reload_cmd reloads that nginx, the
            // new workers get the built-in path's quick handover (LocalDeployer::handOver).
            if (!r.reloadCmd.isEmpty()) {
                o.pidFile = m_config.nginx.pidFile;
                o.confirmTimeout = std::chrono::milliseconds(m_config.confirmTimeoutMs);
            }
            o.checkTimeout = std::chrono::milliseconds(m_config.checkTimeoutMs);
            o.reloadTimeout = std::chrono::milliseconds(m_config.reloadTimeoutMs);
            Target t;
            t.renderer = std::make_unique<ConfigRenderer>(std::move(*renderer));
            t.deployer = std::make_unique<LocalDeployer>(o);
            targets.push_back(std::move(t));
            for (const QString& key : r.etcdKeys()) {
                const QByteArray prefix = tmpl::toGoBytes(key);
                auto it = std::find_if(sources.begin(), sources.end(),
                                       [&](const EngineSource& s) { return s.prefix == prefix; });
                if (it == sources.end()) {
                    // confd's semantics: every value as etcd holds it. A [[source]] with the same
                    // prefix may ask for validation instead.
                    EngineSource src{prefix, SourceKind::Verbatim, {}};
                    if (m_config.sourcesDeclared) {
                        for (const EngineSource& configured : std::as_const(m_config.sources)) {
                            if (configured.prefix == prefix || configured.prefix == prefix + '/')
                                src.kind = configured.kind;
                            else if (configured.kind == SourceKind::Backends &&
                                     configured.prefix.startsWith(prefix))
                                src.backendPrefixes << configured.prefix;
                        }
                    }
                    it = sources.insert(sources.end(), src);
                }
                for (const QString& guarded : r.etcdBackendKeys()) {
                    const QByteArray g = tmpl::toGoBytes(guarded);
                    if (g.startsWith(prefix) && !it->backendPrefixes.contains(g))
                        it->backendPrefixes << g;
                }
            }
        }
        m_config.sources = sources;
    } else {
        Result<ConfigRenderer> renderer = ConfigRenderer::builtin(m_config.nginx, m_config.emptyUpstreamDown);
        if (!renderer)
            return renderer.error();
        Target t;
        t.renderer = std::make_unique<ConfigRenderer>(std::move(*renderer));
        const NginxTarget& n = m_config.nginx;
        if (!n.container.isEmpty()) {
            // nginx in a container: the file goes in and the HUP goes out through the Docker API.
            Result<HttpEndpoint> docker = HttpEndpoint::parse(n.docker);
            if (!docker)
                return docker.error();
            DockerDeployer::Options o;
            o.docker = *docker;
            o.container = n.container;
            o.confPath = n.dest;
            o.nginxBinary = n.binary;
            o.timeout = std::chrono::milliseconds(m_config.checkTimeoutMs);
            o.confirmTimeout = std::chrono::milliseconds(qMax<qint64>(m_config.confirmTimeoutMs, 1000));
            t.deployer = std::make_unique<DockerDeployer>(o);
        } else {
            LocalDeployer::Options o;
            o.dest = n.dest;
            o.nginxBinary = n.binary;
            o.nginxPrefix = n.prefix;
            o.pidFile = n.pidFile;
            o.statusListen = n.statusListen;
            o.errorLog = n.errorLog;
            o.checkTimeout = std::chrono::milliseconds(m_config.checkTimeoutMs);
            o.reloadTimeout = std::chrono::milliseconds(m_config.reloadTimeoutMs);
            o.confirmTimeout = std::chrono::milliseconds(m_config.confirmTimeoutMs);
            t.deployer = std::make_unique<LocalDeployer>(o);
        }
        targets.push_back(std::move(t));
    }
    // What is installed now is the starting point: an unchanged render after a restart is no reload.
    for (Target& t : targets) {
        t.lastGoodText = t.deployer->currentConfig();
        t.lastGoodHash = hashOfInstalled(t.lastGoodText, t.renderer->isBuiltin());
        t.lastGoodSince = QDateTime::currentDateTimeUtc();
    }
    m_targets = std::move(targets);
    return {};
}

Result<void> Engine::start(Mode mode)
{
    m_mode = mode;
    if (Result<void> built = buildTargets(); !built)
        return built;
    if (Result<void> locked = lockTargets(); !locked)
        return locked;
    if (!m_worker)
        m_worker = new DeployWorker(this);
    if (mode != Mode::Run)
        m_onceTimeout.start(int(qMax<qint64>(2 * m_config.etcd.timeout.count(), 3000)));
    if (mode == Mode::Run && !m_reloadWatch && !watchedPidFile().isEmpty()) {
        m_reloadWatch = new NginxReloadWatch(watchedPidFile(), this);
        connect(m_reloadWatch, &NginxReloadWatch::outsideReload, this, &Engine::statusChanged);
        m_reloadWatch->start();
    }
    connectSources();
    return {};
}

void Engine::ownReloadsDone(const std::vector<DeployReport>& reports)
{
    if (!m_reloadWatch)
        return;
    const bool hup =
        std::any_of(reports.cbegin(), reports.cend(), [](const DeployReport& r) { return r.hupAtMs != 0; });
    m_reloadWatch->ownReloadDone(hup ? std::chrono::seconds(2) : std::chrono::seconds(0));
}

QString Engine::watchedPidFile() const
{
    const bool localNginx = m_config.confdir.isEmpty() && m_config.nginx.container.isEmpty();
    return localNginx ? m_config.nginx.pidFile : QString();
}

// Reaches etcd (once per endpoint set) and starts watching; targets are built already.
void Engine::connectSources()
{
    if (m_etcd) {
        startSources();
        return;
    }
    connectEtcd(
        m_config.etcd, m_password, this,
        [this](const Result<EtcdKv*>& kv) {
            if (!kv) {
                recordError(kv.error().toString());
                if (m_mode == Mode::Run && !m_stopping) // keep trying: etcd may come up after us
                    QTimer::singleShot(1000, this, [this] {
                        if (!m_stopping)
                            connectSources();
                    });
                return;
            }
            m_ownEtcd = *kv;
            m_etcd = *kv;
            startSources();
        },
        this);
}

void Engine::startSources()
{
    for (PrefixMirror* m : m_mirrors)
        delete m;
    m_mirrors.clear();
    m_validated.clear();
    for (qsizetype index = 0; index < m_config.sources.size(); ++index) {
        const EngineSource& source = m_config.sources.at(index);
        ValidatedSource empty;
        empty.prefix = source.prefix;
        m_validated.append(empty);
        auto* mirror = new PrefixMirror(m_etcd, source.prefix, this);
        connect(mirror, &PrefixMirror::changed, this,
                [this, index](const QList<KvChange>& changes, qint64 revision) {
                    const QList<Rejection> fresh =
                        applyChanges(m_validated[index], m_config.sources.at(index), changes, revision);
                    reportRejections(fresh);
                    onSourceChanged();
                });
        connect(mirror, &PrefixMirror::resynced, this, &Engine::onSourceChanged);
        connect(mirror, &PrefixMirror::stateChanged, this,
                [this, mirror](PrefixMirror::State state, const QString& error) {
                    if (state == PrefixMirror::State::Reconnecting && !error.isEmpty())
                        recordError(u"source %1: %2 (nothing is written until etcd answers again)"_s.arg(
                            QString::fromUtf8(mirror->prefix()), error));
                    Q_EMIT statusChanged();
                });
        m_mirrors.push_back(mirror);
        mirror->start();
    }
    watchLiveness();
}

void Engine::watchLiveness()
{
    if (m_liveness || !m_etcd || m_mode != Mode::Run)
        return;
    EtcdLiveness::Options options;
    options.failover = m_etcd == m_ownEtcd; // a client shared with the GUI's session is the session's to move
    m_liveness = new EtcdLiveness(m_etcd, options, this);
    connect(m_liveness, &EtcdLiveness::staleChanged, this, [this](bool stale) {
        if (stale)
            recordError(m_liveness->describe() + u": nginx keeps the last config it was given"_s);
        else
            qCInfo(lcEngine) << "etcd answers again at" << m_etcd->describe();
        Q_EMIT statusChanged();
    });
    // While stale it moves its own client on (every 3 misses); the mirrors follow the client.
    connect(m_liveness, &EtcdLiveness::failedOver, this, [this](const QString& from, const QString& to) {
        recordError(u"%1 does not answer: moved to %2; the watches resume where they were"_s.arg(from, to));
        Q_EMIT statusChanged();
    });
    m_liveness->start();
}

bool Engine::sourcesLoaded() const
{
    return !m_mirrors.empty() && std::all_of(m_mirrors.cbegin(), m_mirrors.cend(),
                                             [](const PrefixMirror* m) { return m->isLoaded(); });
}

void Engine::onSourceChanged()
{
    if (m_stopping || !sourcesLoaded())
        return;
    if (m_oldestUnapplied < 0)
        m_oldestUnapplied = now();
    if (m_coalescer.change(now()))
        runNow();
    else
        armTimer();
}

void Engine::armTimer()
{
    const std::optional<qint64> deadline = m_coalescer.deadline();
    if (!deadline) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(qMax<qint64>(0, *deadline - now())));
}

void Engine::runNow()
{
    if (m_onceAnswered)
        return;
    if (!sourcesLoaded()) {
        // Sources being re-read (a reconfigure, a new connection): nothing to render from yet;
        // the read itself triggers the run once it is complete.
        m_coalescer.runFinished(now());
        return;
    }
    m_onceTimeout.stop();
    m_oldestUnapplied = -1;
    qint64 revision = 0;
    for (const PrefixMirror* m : m_mirrors)
        revision = qMax(revision, m->revision());
    const QList<ValidatedSource>& validated = m_validated;
    const QStringList values = acceptedValues(validated);

    struct Pending
    {
        size_t target;
        RenderedConfig config;
        qint64 renderUs;
    };
    auto pending = std::make_shared<std::vector<Pending>>();
    std::vector<DeployWorker::Job> jobs;
    int exitCode = ExitOk;
    for (size_t i = 0; i < m_targets.size(); ++i) {
        Target& t = m_targets[i];
        QElapsedTimer clock;
        clock.start();
        Result<RenderedConfig> rendered = t.renderer->render(validated, revision);
        m_lastRenderUs = clock.nsecsElapsed() / 1000;
        ++m_renderCount;
        if (!rendered) {
            if (rendered.error().code == ErrorCode::Validation) {
                const QString msg = u"%1: %2 — keeping the last good config (%3)"_s.arg(
                    t.deployer->describe(), rendered.error().message,
                    t.lastGoodHash.isEmpty() ? u"none yet"_s : t.lastGoodHash);
                Q_EMIT alert(msg);
                recordError(msg);
                exitCode = ExitNoBackends;
            } else {
                recordError(
                    u"%1: %2 — nothing was changed"_s.arg(t.renderer->name(), rendered.error().toString()));
                exitCode = ExitDeployFailed;
            }
            continue;
        }
        if (i == 0)
            m_lastRendered = rendered->text;
        if (t.renderer->isBuiltin() && !m_config.emptyUpstreamDown &&
            rendered->backends < m_config.minBackends) {
            const QString msg =
                u"%1: only %2 valid backend(s), fewer than min_backends = %3 — keeping the last good config"_s
                    .arg(t.deployer->describe())
                    .arg(rendered->backends)
                    .arg(m_config.minBackends);
            Q_EMIT alert(msg);
            recordError(msg);
            exitCode = ExitNoBackends;
            continue;
        }
        if (rendered->hash == t.lastGoodHash) {
            ++m_unchangedCount;
            continue;
        }
        if (m_mode == Mode::Noop) {
            m_noopDiff += unifiedDiff(t.lastGoodText, rendered->text, t.deployer->describe(), u"new"_s);
            continue;
        }
        jobs.push_back({t.deployer.get(), *rendered, t.lastGoodText});
        pending->push_back({i, *rendered, m_lastRenderUs});
    }
    if (jobs.empty()) {
        finishRun(exitCode);
        return;
    }
    if (m_reloadWatch)
        m_reloadWatch->ownReloadStarted();
    m_worker->run(std::move(jobs), this,
                  [this, pending, values, exitCode](std::vector<DeployReport> reports) {
                      ownReloadsDone(reports);
                      int code = exitCode;
                      bool retry = false;
                      for (size_t j = 0; j < reports.size(); ++j) {
                          Target& t = m_targets[(*pending)[j].target];
                          const RenderedConfig& c = (*pending)[j].config;
                          LedgerEntry e;
                          e.at = QDateTime::currentDateTimeUtc();
                          e.revision = c.revision;
                          e.hash = c.hash;
                          e.report = reports[j];
                          e.renderUs = (*pending)[j].renderUs;
                          e.diff = unifiedDiff(t.lastGoodText, c.text, t.deployer->describe(), u"new"_s);
                          // Both lists are sorted: one merge pass, not a search per value (1,000s of
                          // backends).
                          std::set_difference(values.cbegin(), values.cend(), t.lastGoodValues.cbegin(),
                                              t.lastGoodValues.cend(), std::back_inserter(e.added));
                          std::set_difference(t.lastGoodValues.cbegin(), t.lastGoodValues.cend(),
                                              values.cbegin(), values.cend(), std::back_inserter(e.removed));
                          ++m_outcomes[outcomeName(e.report.outcome)];
                          if (e.report.ok()) {
                              t.lastGoodText = c.text;
                              t.lastGoodHash = c.hash;
                              t.lastGoodValues = values;
                              t.lastGoodSince = e.at;
                              qCInfo(lcEngine).noquote()
                                  << u"applied config %1 (revision %2) to %3: +%4 -%5"_s.arg(c.hash)
                                         .arg(c.revision)
                                         .arg(t.deployer->describe())
                                         .arg(e.added.size())
                                         .arg(e.removed.size());
                          } else {
                              recordError(e.report.message);
                              code = ExitDeployFailed;
                              // A check that refused this render refuses it again; a write or a
                              // reload that failed may work next time.
                              retry = retry || e.report.outcome != DeployReport::Outcome::CheckFailed;
                          }
                          Q_EMIT entryRecorded(m_ledger.append(std::move(e)));
                      }
                      if (retry)
                          scheduleRetry();
                      else
                          m_retryBackoff.reset();
                      finishRun(code);
                  });
    Q_EMIT deployStarted(); // the worker is busy now: a reconfigure meanwhile waits for it
}

void Engine::scheduleRetry()
{
    if (m_mode != Mode::Run || m_stopping)
        return;
    const std::chrono::milliseconds delay = m_retryBackoff.next();
    qCWarning(lcEngine).noquote() << u"the deploy failed: trying again in %1 s (attempt %2)"_s
                                         .arg(double(delay.count()) / 1000.0)
                                         .arg(m_retryBackoff.attempts() + 1);
    m_retry.start(delay);
}

Result<void> Engine::lockTargets()
{
    if (m_mode == Mode::Noop)
        return {};
    QStringList files;
    for (const Target& t : m_targets) {
        const QString file = t.deployer->localFile();
        if (!file.isEmpty() && !files.contains(DestinationLock::normalized(file)))
            files << DestinationLock::normalized(file);
    }
    const auto heldIndex = [this](const QString& file) {
        for (size_t i = 0; i < m_locks.size(); ++i)
            if (m_locks[i] && m_locks[i]->destination() == file)
                return int(i);
        return -1;
    };
    // The new ones first: if one is refused, every lock held so far stays held.
    std::vector<std::unique_ptr<DestinationLock>> fresh;
    for (const QString& file : std::as_const(files)) {
        if (heldIndex(file) >= 0)
            continue; // kept across a reconfigure, not given up and taken again
        Result<std::unique_ptr<DestinationLock>> lock = DestinationLock::acquire(file);
        if (!lock)
            return lock.error();
        fresh.push_back(std::move(*lock));
    }
    std::vector<std::unique_ptr<DestinationLock>> locks;
    for (const QString& file : std::as_const(files))
        if (const int i = heldIndex(file); i >= 0)
            locks.push_back(std::move(m_locks[size_t(i)]));
    for (auto& l : fresh)
        locks.push_back(std::move(l));
    m_locks = std::move(locks);
    return {};
}

void Engine::finishRun(int exitCode)
{
    m_coalescer.runFinished(now());
    Q_EMIT statusChanged();
    if (m_queuedConfig && !m_stopping) {
        EngineConfig queued = std::move(*m_queuedConfig);
        m_queuedConfig.reset();
        if (Result<void> r = reconfigure(std::move(queued)); !r)
            recordError(
                u"the configuration re-read during a deploy was not applied: %1"_s.arg(r.error().toString()));
        else
            qCInfo(lcEngine) << "applied the configuration re-read during the deploy";
    }
    if (m_stopping) {
        Q_EMIT finished(ExitOk);
        return;
    }
    if (m_mode != Mode::Run) {
        // One answer per --onetime/--noop/render: a change that arrives after it is not rendered.
        if (!m_onceAnswered) {
            m_onceAnswered = true;
            m_timer.stop();
            Q_EMIT finished(exitCode);
        }
        return;
    }
    armTimer();
}

void Engine::shutdown()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_timer.stop();
    for (PrefixMirror* m : m_mirrors)
        m->stop();
    if (!m_worker || !m_worker->isBusy())
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT finished(ExitOk); }, Qt::QueuedConnection);
    // else: finishRun() emits finished() once the deploy in progress is done.
}

Result<void> Engine::reconfigure(EngineConfig config)
{
    if (m_worker && m_worker->isBusy()) {
        // Not dropped: it applies as soon as the deploy in progress is done (finishRun).
        qCInfo(lcEngine) << "a deploy is in progress: the new configuration applies when it is done";
        m_queuedConfig = std::move(config);
        return {};
    }
    const bool sameEtcd = config.etcd.endpoints == m_config.etcd.endpoints &&
                          config.etcd.api == m_config.etcd.api && config.etcd.user == m_config.etcd.user &&
                          config.etcd.tls == m_config.etcd.tls;
    EngineConfig previous = m_config;
    std::vector<Target> previousTargets = std::move(m_targets);
    m_config = std::move(config);
    if (Result<void> built = buildTargets(); !built) {
        m_config = previous;
        m_targets = std::move(previousTargets);
        return built;
    }
    if (Result<void> locked = lockTargets(); !locked) {
        m_config = previous;
        m_targets = std::move(previousTargets);
        return locked;
    }
    // What was applied stays known across a reconfigure (the ledger's added/removed rely on it).
    for (Target& t : m_targets) {
        for (const Target& old : previousTargets) {
            if (old.deployer->describe() == t.deployer->describe() && old.lastGoodHash == t.lastGoodHash) {
                t.lastGoodValues = old.lastGoodValues;
                t.lastGoodSince = old.lastGoodSince;
            }
        }
    }
    m_coalescer.setPolicy({m_config.quietMs, m_config.maxWaitMs});
    m_ledger.setCapacity(m_config.ledgerSize);
    if (m_reloadWatch)
        m_reloadWatch->setPidFile(watchedPidFile());
    if (!sameEtcd && m_ownEtcd) {
        for (PrefixMirror* m : m_mirrors)
            delete m;
        m_mirrors.clear();
        delete std::exchange(m_liveness, nullptr);
        m_ownEtcd->deleteLater();
        m_ownEtcd = nullptr;
        m_etcd = nullptr;
    }
    connectSources();
    return {};
}

// Each refused value is reported once, with its key, when it shows up; a flood is summarized.
void Engine::reportRejections(const QList<Rejection>& fresh)
{
    constexpr int LoggedOneByOne = 10;
    for (int i = 0; i < fresh.size() && i < LoggedOneByOne; ++i)
        recordError(
            u"%1 = \"%2\" left out of the config: %3"_s.arg(fresh[i].key, fresh[i].value, fresh[i].reason));
    if (fresh.size() > LoggedOneByOne)
        recordError(u"%1 more values left out of the config; GET /status lists each with its reason"_s.arg(
            fresh.size() - LoggedOneByOne));
}

void Engine::recordError(const QString& message)
{
    qCWarning(lcEngine).noquote() << message;
    m_errors.append({QDateTime::currentDateTimeUtc(), message});
    while (m_errors.size() > 50)
        m_errors.removeFirst();
    Q_EMIT errorOccurred(message);
}

bool Engine::isIdle() const
{
    return sourcesLoaded() && !m_coalescer.isRunning() && !m_coalescer.hasPending() &&
           !(m_worker && m_worker->isBusy());
}

QStringList Engine::recentErrors() const
{
    QStringList out;
    for (const auto& [at, message] : m_errors)
        out << at.toString(Qt::ISODate) + u"  "_s + message;
    return out;
}

QByteArray Engine::currentConfig(int target) const
{
    return target >= 0 && size_t(target) < m_targets.size() ? m_targets[size_t(target)].lastGoodText
                                                            : QByteArray();
}

QString Engine::currentHash(int target) const
{
    return target >= 0 && size_t(target) < m_targets.size() ? m_targets[size_t(target)].lastGoodHash
                                                            : QString();
}

} // namespace lbdeck
