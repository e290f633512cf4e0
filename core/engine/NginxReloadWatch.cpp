// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NginxReloadWatch.h"

#include "NginxProcesses.h"
#include "core/util/Logging.h"

#include <QJsonArray>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QJsonArray pidArray(const QList<qint64>& pids)
{
    QJsonArray a;
    for (qint64 p : pids)
        a.append(p);
    return a;
}

} // namespace

NginxReloadWatch::NginxReloadWatch(QString pidFile, QObject* parent)
    : QObject(parent)
    , m_pidFile(std::move(pidFile))
{
    connect(&m_timer, &QTimer::timeout, this, &NginxReloadWatch::look);
}

void NginxReloadWatch::start(std::chrono::milliseconds interval)
{
    m_master = nginxprocs::masterPid(m_pidFile);
    m_generation = nginxprocs::acceptingWorkers(m_master);
    m_timer.start(interval);
}

void NginxReloadWatch::setPidFile(const QString& pidFile)
{
    if (pidFile == m_pidFile)
        return;
    m_pidFile = pidFile;
    m_master = nginxprocs::masterPid(m_pidFile);
    m_generation = nginxprocs::acceptingWorkers(m_master);
}

void NginxReloadWatch::ownReloadDone(std::chrono::milliseconds grace)
{
    m_own = false;
    m_graceUntilMs = QDateTime::currentMSecsSinceEpoch() + grace.count();
    m_master = nginxprocs::masterPid(m_pidFile);
    m_generation = nginxprocs::acceptingWorkers(m_master);
}

void NginxReloadWatch::look()
{
    const qint64 master = nginxprocs::masterPid(m_pidFile);
    const QList<qint64> workers = nginxprocs::acceptingWorkers(master);
    const bool quiet = m_own || QDateTime::currentMSecsSinceEpoch() < m_graceUntilMs;
    if (quiet || master == 0 || m_master == 0 || m_generation.isEmpty()) {
        // The engine's own reload, nginx not running, or just (re)appeared: what runs now is
        // the baseline.
        m_master = master;
        m_generation = workers;
        return;
    }
    if (workers.isEmpty() && master == m_master)
        return; // between two generations: the old ones stopped accepting, the new not yet
    QList<qint64> survivors;
    for (qint64 p : std::as_const(m_generation)) {
        if (workers.contains(p))
            survivors << p;
    }
    const bool restarted = master != m_master;
    if (!survivors.isEmpty() && !restarted) {
        // Still the same generation (a reload in progress starts the new workers first; a worker
        // that died was replaced): wait until none of it accepts any more.
        m_generation = survivors;
        return;
    }
    m_master = master;
    m_generation = workers;
    ++m_outsideReloads;
    m_lastAt = QDateTime::currentDateTimeUtc();
    m_lastRestart = restarted;
    m_lastWorkers = workers;
    qCInfo(lcEngine).noquote()
        << (restarted ? u"nginx restarted (master %1) by something other than the engine"_s.arg(master)
                      : u"nginx reloaded by something other than the engine"_s);
    Q_EMIT outsideReload(restarted, workers);
}

QJsonObject NginxReloadWatch::toJson() const
{
    QJsonObject o{
        {u"masterPid"_s, m_master},
        {u"workers"_s, pidArray(m_generation)},
        {u"outsideReloads"_s, m_outsideReloads},
    };
    if (m_lastAt.isValid())
        o.insert(u"lastOutsideReload"_s, QJsonObject{{u"at"_s, m_lastAt.toString(Qt::ISODateWithMs)},
                                                     {u"restart"_s, m_lastRestart},
                                                     {u"workers"_s, pidArray(m_lastWorkers)}});
    return o;
}

} // namespace lbdeck
