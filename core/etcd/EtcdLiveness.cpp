// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EtcdLiveness.h"

#include "EtcdKv.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {
// A key nobody writes: the read is cheap and its answer small.
constexpr const char* ProbeKey = "/lbdeck-liveness-probe/";
} // namespace

EtcdLiveness::EtcdLiveness(EtcdKv* kv, Options options, QObject* parent)
    : QObject(parent)
    , m_kv(kv)
    , m_options(options)
{
    m_timer.setInterval(options.interval);
    connect(&m_timer, &QTimer::timeout, this, &EtcdLiveness::probe);
}

void EtcdLiveness::start()
{
    m_timer.start();
    probe();
}

void EtcdLiveness::stop()
{
    m_timer.stop();
    delete m_inFlight;
    m_inFlight = nullptr;
}

QString EtcdLiveness::describe() const
{
    if (!m_stale)
        return QString();
    return u"etcd stale since %1 (%2 probes missed: %3)"_s
        .arg(m_staleSince.toLocalTime().toString(u"HH:mm:ss"_s))
        .arg(m_missed)
        .arg(m_lastError);
}

void EtcdLiveness::probe()
{
    if (m_inFlight)
        return; // the previous probe's timeout has not passed yet; it counts then
    if (!m_kv) {
        answered(m_generation, false, u"no etcd client"_s);
        return;
    }
    const quint64 generation = ++m_generation;
    m_inFlight = new QObject(this);
    QObject* ctx = m_inFlight;
    QTimer::singleShot(m_options.timeout, ctx, [this, generation] {
        answered(generation, false, u"no answer within %1 ms"_s.arg(m_options.timeout.count()));
        // A whole timeout went by: the next probe goes now, not at the next tick (which the one in
        // flight made it skip), so that 3 misses take 3 timeouts.
        if (m_timer.isActive() && m_options.timeout >= m_options.interval) {
            m_timer.start();
            probe();
        }
    });
    m_kv->getPrefix(ProbeKey, ctx, [this, generation](const Result<KvSnapshot>& r) {
        answered(generation, r.ok(), r ? QString() : r.error().message);
    });
}

void EtcdLiveness::answered(quint64 generation, bool ok, const QString& error)
{
    if (generation != m_generation)
        return;
    ++m_generation; // one answer per probe: the timeout or the reply, whichever came first
    if (m_inFlight) {
        m_inFlight->deleteLater();
        m_inFlight = nullptr;
    }
    if (ok) {
        ++m_answered;
        m_missed = 0;
        m_lastError.clear();
        if (m_stale) {
            m_stale = false;
            m_staleSince = {};
            Q_EMIT staleChanged(false);
        }
        return;
    }
    if (m_missed++ == 0)
        m_firstMiss = QDateTime::currentDateTimeUtc();
    m_lastError = error;
    if (!m_stale && m_missed >= m_options.misses) {
        m_stale = true;
        m_staleSince = m_firstMiss;
        Q_EMIT staleChanged(true);
    }
    if (m_stale && m_options.failover && m_kv && m_missed % m_options.misses == 0) {
        const QString from = m_kv->describe();
        if (m_kv->moveToNextEndpoint()) {
            ++m_failovers;
            Q_EMIT failedOver(from, m_kv->describe());
        }
    }
}

} // namespace lbdeck
