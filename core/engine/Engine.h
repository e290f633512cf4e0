// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Coalescer.h"
#include "ConfigRenderer.h"
#include "Deployer.h"
#include "EngineConfig.h"
#include "ReloadLedger.h"
#include "Validation.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include "core/util/Backoff.h"

#include <memory>
#include <optional>
#include <vector>

namespace lbdeck {

class DeployWorker;
class EtcdKv;
class DestinationLock;
class EtcdLiveness;
class NginxReloadWatch;
class PrefixMirror;

// The reconciler (what confd did in the seed): watch etcd -> validate -> render -> unchanged? stop
// -> stage -> check -> install -> reload -> confirm -> remember as last known good. Changes are
// coalesced; a config that fails its check is never installed; the valid set shrinking below
// minBackends keeps the last good config and raises an alert instead of emptying the upstream.
class Engine : public QObject
{
    Q_OBJECT
public:
    enum class Mode
    {
        Run,  // watch and apply until stopped
        Once, // apply the current state once, then finish (--onetime)
        Noop  // render once, print the diff against what is installed, change nothing (--noop)
    };
    enum ExitCode
    {
        ExitOk = 0,
        ExitDeployFailed = 1,
        ExitConfig = 2,
        ExitEtcd = 3,
        ExitNoBackends = 4
    };

    explicit Engine(EngineConfig config, QObject* parent = nullptr);
    ~Engine() override;

    void setPassword(const QString& password) { m_password = password; }
    // Use this client instead of making one (an engine inside the GUI shares its session's). Not owned.
    void setEtcd(EtcdKv* etcd);
    // Milliseconds since an arbitrary start; tests substitute their own.
    void setClock(std::function<qint64()> now) { m_now = std::move(now); }

    Result<void> start(Mode mode = Mode::Run);
    // Finishes the step in progress (a deploy is never cut short), then emits finished().
    void shutdown();
    // SIGHUP: a new config for the same engine; the ledger and last good configs stay.
    Result<void> reconfigure(EngineConfig config);

    const EngineConfig& config() const { return m_config; }
    const ReloadLedger& ledger() const { return m_ledger; }
    // A reconfigure() came while a deploy ran: it applies when that one is done.
    bool hasQueuedConfig() const { return m_queuedConfig.has_value(); }
    QByteArray currentConfig(int target = 0) const;
    QString currentHash(int target = 0) const;
    const QList<ValidatedSource>& validated() const { return m_validated; }
    // The values in the configs nginx runs now (every target's last good one), sorted.
    QStringList servedValues() const;
    QStringList recentErrors() const;
    // Loaded, nothing waiting, nothing running: what is in etcd now is what was last applied.
    bool isIdle() const;
    QJsonObject statusJson() const;
    QByteArray metricsText() const;
    // Noop mode's output: the diff the next apply would make.
    const QString& noopDiff() const { return m_noopDiff; }
    // The last config rendered for the first target, applied or not.
    const QByteArray& lastRendered() const { return m_lastRendered; }

Q_SIGNALS:
    void entryRecorded(const lbdeck::LedgerEntry& entry);
    void alert(const QString& message);
    void errorOccurred(const QString& message);
    void statusChanged();
    void finished(int exitCode);
    // A deploy (install and reload of a new render) begins.
    void deployStarted();

private:
    struct Target
    {
        std::unique_ptr<ConfigRenderer> renderer;
        std::unique_ptr<Deployer> deployer;
        QByteArray lastGoodText;
        QString lastGoodHash;
        QStringList lastGoodValues;
        QDateTime lastGoodSince;
    };

    Result<void> buildTargets();
    // An exclusive lock on every local file the targets write (Run and Once: Noop writes nothing).
    Result<void> lockTargets();
    // After an install or reload failed: the same render again, later (nothing in etcd changes it).
    void scheduleRetry();
    void connectSources();
    void startSources();
    // Probes etcd (EtcdLiveness, the GUI's model): stale after 3 misses, and then the next endpoint.
    void watchLiveness();
    void onSourceChanged();
    void armTimer();
    void runNow();
    void finishRun(int exitCode);
    void recordError(const QString& message);
    void reportRejections(const QList<Rejection>& fresh);
    qint64 now() const { return m_now(); }
    bool sourcesLoaded() const;
    // The local nginx whose reloads the engine watches for ones it did not make; empty: none.
    QString watchedPidFile() const;
    void ownReloadsDone(const std::vector<DeployReport>& reports);

    EngineConfig m_config;
    Mode m_mode = Mode::Run;
    QString m_password;
    QPointer<EtcdKv> m_etcd;
    EtcdKv* m_ownEtcd = nullptr;        // Owned (child) when the engine made it.
    EtcdLiveness* m_liveness = nullptr; // Owned (child): probes m_etcd.
    std::vector<std::unique_ptr<DestinationLock>> m_locks;
    QTimer m_retry;
    util::Backoff m_retryBackoff{std::chrono::seconds(1), std::chrono::seconds(30)};
    std::optional<EngineConfig> m_queuedConfig; // a SIGHUP's, while a deploy ran
    std::vector<PrefixMirror*> m_mirrors;       // Owned (children).
    std::vector<Target> m_targets;
    DeployWorker* m_worker = nullptr;          // Owned (child).
    NginxReloadWatch* m_reloadWatch = nullptr; // Owned (child), in Run mode with a local nginx.
    Coalescer m_coalescer;
    QTimer m_timer;
    ReloadLedger m_ledger;
    QList<ValidatedSource> m_validated;
    QList<QPair<QDateTime, QString>> m_errors;
    QString m_noopDiff;
    QByteArray m_lastRendered;
    bool m_onceAnswered = false; // --onetime/--noop/render: finished() was emitted
    bool m_stopping = false;
    qint64 m_oldestUnapplied = -1;
    qint64 m_lastRenderUs = 0;
    qint64 m_renderCount = 0;
    qint64 m_unchangedCount = 0;
    QHash<QString, qint64> m_outcomes;
    QElapsedTimer m_monotonic;
    std::function<qint64()> m_now;
    QTimer m_onceTimeout;
};

} // namespace lbdeck
