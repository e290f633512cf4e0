// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The engine's state as the status endpoint shows it: JSON for people and the GUI, Prometheus
// text for monitoring.
#include "Engine.h"
#include "NginxProcesses.h"
#include "NginxReloadWatch.h"

#include "core/etcd/EtcdKv.h"
#include "core/etcd/EtcdLiveness.h"
#include "core/etcd/PrefixMirror.h"

#include <QJsonArray>
#include <QMetaEnum>

using namespace Qt::StringLiterals;

namespace lbdeck {

QJsonObject Engine::statusJson() const
{
    // A watch that stays open to a frozen member says nothing: the liveness probe says "Stale".
    const bool stale = m_liveness && m_liveness->isStale();
    QJsonArray sources;
    for (size_t i = 0; i < m_mirrors.size(); ++i) {
        const PrefixMirror* m = m_mirrors[i];
        sources.append(QJsonObject{
            {u"prefix"_s, QString::fromUtf8(m->prefix())},
            {u"revision"_s, QString::number(m->revision())},
            {u"state"_s, stale ? u"Stale"_s
                               : QString::fromLatin1(
                                     QMetaEnum::fromType<PrefixMirror::State>().valueToKey(int(m->state())))},
            {u"keys"_s, m->entries().size()},
            {u"lastError"_s, stale ? m_liveness->describe() : m->lastError()},
        });
    }
    QJsonArray accepted;
    QJsonArray rejected;
    QJsonArray warnings; // verbatim values that nginx could read as syntax: reported, not changed
    for (const ValidatedSource& s : m_validated) {
        for (const Rejection& r : s.warnings)
            warnings.append(QJsonObject{{u"key"_s, r.key}, {u"value"_s, r.value}, {u"reason"_s, r.reason}});
        for (auto it = s.accepted.cbegin(); it != s.accepted.cend(); ++it)
            accepted.append(QJsonObject{{u"key"_s, it.key()}, {u"value"_s, it.value()}});
        for (const Rejection& r : s.rejected)
            rejected.append(QJsonObject{{u"key"_s, r.key}, {u"value"_s, r.value}, {u"reason"_s, r.reason}});
    }
    QJsonArray targets;
    for (const Target& t : m_targets) {
        targets.append(QJsonObject{
            {u"dest"_s, t.deployer->describe()},
            {u"template"_s, t.renderer->name()},
            {u"hash"_s, t.lastGoodHash},
            {u"since"_s, t.lastGoodSince.toString(Qt::ISODateWithMs)},
            {u"values"_s, QJsonArray::fromStringList(t.lastGoodValues)},
        });
    }
    QStringList prefixes; // as render() names the sources
    for (const EngineSource& s : m_config.sources)
        prefixes << QString::fromUtf8(s.prefix);
    QJsonArray ledger;
    for (const LedgerEntry& e : m_ledger.tail(20))
        ledger.append(e.toJson(/*withDiff=*/true));
    QJsonObject o{
        {u"etcd"_s, m_etcd ? m_etcd->describe() : u"not connected"_s},
        {u"etcdLiveness"_s,
         QJsonObject{
             {u"stale"_s, stale},
             {u"staleSince"_s, stale ? m_liveness->staleSince().toString(Qt::ISODateWithMs) : QString()},
             {u"detail"_s, stale ? m_liveness->describe() : QString()},
             {u"probesAnswered"_s, m_liveness ? m_liveness->answered() : 0},
             {u"failovers"_s, m_liveness ? m_liveness->failovers() : 0}}},
        {u"sources"_s, sources},
        {u"backends"_s,
         QJsonObject{{u"accepted"_s, accepted}, {u"rejected"_s, rejected}, {u"warnings"_s, warnings}}},
        {u"targets"_s, targets},
        {u"config"_s,
         QJsonObject{{u"hash"_s, currentHash()},
                     {u"dest"_s, m_targets.empty() ? QString() : m_targets[0].deployer->describe()},
                     // What an exported bundle needs to hand confd the same template and values.
                     {u"template"_s, m_targets.empty() ? QJsonObject()
                                                       : m_targets[0].renderer->describeTemplate(prefixes)}}},
        {u"ledger"_s, ledger},
        {u"reloads"_s, m_ledger.total()},
        {u"renders"_s, m_renderCount},
        {u"errors"_s,
         QJsonArray::fromStringList(recentErrors().mid(qMax<qsizetype>(0, m_errors.size() - 20)))},
        {u"coalescing"_s,
         QJsonObject{{u"quietMs"_s, m_config.quietMs}, {u"maxWaitMs"_s, m_config.maxWaitMs}}},
    };
    if (!m_ledger.entries().isEmpty())
        o.insert(u"lastReload"_s, m_ledger.entries().last().toJson(false));
    QJsonObject nginx;
    if (m_reloadWatch) // reloads nobody asked the engine for
        nginx = m_reloadWatch->toJson();
    if (m_config.nginx.container.isEmpty() && !m_config.nginx.pidFile.isEmpty()) {
        // Old workers still finishing long connections: each reload leaves one generation behind,
        // for at most worker_shutdown_timeout.
        const QList<nginxprocs::WorkerGeneration> generations =
            nginxprocs::workerGenerations(nginxprocs::masterPid(m_config.nginx.pidFile));
        nginx.insert(u"workerGenerations"_s, nginxprocs::toJson(generations));
        nginx.insert(u"oldGenerations"_s, qMax<qsizetype>(0, generations.size() - 1));
        nginx.insert(u"oldestShuttingDownS"_s,
                     generations.size() > 1 ? qRound(generations.first().shuttingDownS * 10) / 10.0 : 0.0);
        nginx.insert(u"workerShutdownTimeoutS"_s, m_config.nginx.workerShutdownTimeoutS);
    }
    if (!nginx.isEmpty())
        o.insert(u"nginx"_s, nginx);
    return o;
}

QStringList Engine::servedValues() const
{
    QStringList out;
    for (const Target& t : m_targets)
        out += t.lastGoodValues;
    out.sort();
    out.removeDuplicates();
    return out;
}

QByteArray Engine::metricsText() const
{
    QByteArray out;
    auto metric = [&out](const char* name, const char* type, const char* help) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
    };
    metric("lbdeck_engine_reloads_total", "counter", "Attempts to put a new config live, by outcome.");
    for (const char* outcome : {"applied", "check failed", "install failed", "reload failed"}) {
        const QString key = QString::fromLatin1(outcome);
        out += "lbdeck_engine_reloads_total{outcome=\"" + key.toLatin1().replace(' ', '_') + "\"} " +
               QByteArray::number(m_outcomes.value(key)) + '\n';
    }
    metric("lbdeck_engine_renders_total", "counter", "Renders of the config, changed or not.");
    out += "lbdeck_engine_renders_total " + QByteArray::number(m_renderCount) + '\n';
    metric("lbdeck_engine_unchanged_total", "counter",
           "Renders that matched the running config (no reload).");
    out += "lbdeck_engine_unchanged_total " + QByteArray::number(m_unchangedCount) + '\n';
    metric("lbdeck_engine_render_seconds", "gauge", "Duration of the last render.");
    out += "lbdeck_engine_render_seconds " + QByteArray::number(double(m_lastRenderUs) / 1e6, 'f', 6) + '\n';
    qint64 acceptedCount = 0;
    qint64 rejectedCount = 0;
    qint64 warnedCount = 0;
    for (const ValidatedSource& s : m_validated) {
        acceptedCount += s.accepted.size();
        rejectedCount += s.rejected.size();
        warnedCount += s.warnings.size();
    }
    metric("lbdeck_engine_backends", "gauge", "Values under the watched prefixes, by verdict.");
    out += "lbdeck_engine_backends{state=\"accepted\"} " + QByteArray::number(acceptedCount) + '\n';
    out += "lbdeck_engine_backends{state=\"rejected\"} " + QByteArray::number(rejectedCount) + '\n';
    out += "lbdeck_engine_backends{state=\"warned\"} " + QByteArray::number(warnedCount) + '\n';
    metric("lbdeck_engine_watch_lag_seconds", "gauge", "Age of the oldest change from etcd not yet applied.");
    const qint64 lag = m_oldestUnapplied < 0 ? 0 : now() - m_oldestUnapplied;
    out += "lbdeck_engine_watch_lag_seconds " + QByteArray::number(double(lag) / 1000.0, 'f', 3) + '\n';
    metric("lbdeck_engine_etcd_revision", "gauge", "The etcd revision each source has seen.");
    for (const PrefixMirror* m : m_mirrors)
        out += "lbdeck_engine_etcd_revision{prefix=\"" + m->prefix() + "\"} " +
               QByteArray::number(m->revision()) + '\n';
    const bool stale = m_liveness && m_liveness->isStale();
    metric("lbdeck_engine_source_up", "gauge", "1 when the source's watch is live and etcd answers.");
    for (const PrefixMirror* m : m_mirrors)
        out += "lbdeck_engine_source_up{prefix=\"" + m->prefix() + "\"} " +
               (m->state() == PrefixMirror::State::Live && !stale ? "1" : "0") + '\n';
    metric("lbdeck_engine_etcd_stale", "gauge", "1 while etcd misses the liveness probes (3 in a row).");
    out += QByteArray("lbdeck_engine_etcd_stale ") + (stale ? "1" : "0") + '\n';
    metric("lbdeck_engine_etcd_failovers_total", "counter", "Moves to the next etcd endpoint after misses.");
    out += "lbdeck_engine_etcd_failovers_total " +
           QByteArray::number(m_liveness ? m_liveness->failovers() : 0) + '\n';
    return out;
}

} // namespace lbdeck
