// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EngineLink.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace lbdeck {

QString EngineLink::configHash() const
{
    return m_status.value(u"config"_s).toObject().value(u"hash"_s).toString();
}

qint64 EngineLink::reloads() const
{
    return m_status.value(u"reloads"_s).toInteger();
}

QString EngineLink::lastEngineError() const
{
    const QJsonArray errors = m_status.value(u"errors"_s).toArray();
    return errors.isEmpty() ? QString() : errors.last().toString();
}

QStringList EngineLink::valueWarnings() const
{
    QStringList out;
    for (const QJsonValue& v : m_status.value(u"backends"_s).toObject().value(u"warnings"_s).toArray()) {
        const QJsonObject w = v.toObject();
        out << w.value(u"key"_s).toString() + u": "_s + w.value(u"reason"_s).toString();
    }
    return out;
}

void EngineLink::setStatus(QJsonObject status)
{
    m_status = std::move(status);
    m_live.clear();
    const QJsonArray targets = m_status.value(u"targets"_s).toArray();
    for (const QJsonValue& v : targets.first().toObject().value(u"values"_s).toArray())
        m_live << v.toString();
    m_accepted.clear();
    for (const QJsonValue& v : m_status.value(u"backends"_s).toObject().value(u"accepted"_s).toArray())
        m_accepted << v.toObject().value(u"value"_s).toString();
    m_accepted.sort();
    m_accepted.removeDuplicates();
    m_liveSet = QSet<QString>(m_live.cbegin(), m_live.cend());
    m_acceptedSet = QSet<QString>(m_accepted.cbegin(), m_accepted.cend());
    m_servedButUnregistered.clear();
    for (const QString& v : std::as_const(m_live)) {
        if (!m_acceptedSet.contains(v))
            m_servedButUnregistered << v;
    }
    if (!m_reachable) {
        m_reachable = true;
        m_unreachableSince = {};
        m_lastError.clear();
        Q_EMIT reachabilityChanged(true, QString());
    }
    Q_EMIT updated();
}

void EngineLink::setUnreachable(const QString& error)
{
    const bool changed = m_reachable || m_lastError != error;
    if (m_reachable || !m_unreachableSince.isValid())
        m_unreachableSince = QDateTime::currentDateTimeUtc();
    m_reachable = false;
    m_lastError = error;
    if (changed)
        Q_EMIT reachabilityChanged(false, error);
}

void EngineLink::setTrafficWanted(bool wanted)
{
    if (wanted == m_trafficWanted)
        return;
    m_trafficWanted = wanted;
    trafficWantedChanged();
}

void EngineLink::holdTraffic(bool hold)
{
    const bool before = isTrafficWanted();
    m_trafficHolds = std::max(0, m_trafficHolds + (hold ? 1 : -1));
    if (isTrafficWanted() != before)
        trafficWantedChanged();
}

void EngineLink::recordCapture(int, QObject* context, CaptureDone done)
{
    QMetaObject::invokeMethod(
        context,
        [done] {
            done(makeError(ErrorCode::Unavailable,
                           u"this engine does not record traffic (lbdeck-engine run does)"_s,
                           u"Export capture"_s),
                 0);
        },
        Qt::QueuedConnection);
}

void EngineLink::setTraffic(QJsonObject traffic)
{
    m_traffic = std::move(traffic);
    m_trafficError.clear();
    Q_EMIT trafficUpdated();
}

void EngineLink::setTrafficError(const QString& error)
{
    m_traffic = {};
    m_trafficError = error;
    Q_EMIT trafficUpdated();
}

} // namespace lbdeck
