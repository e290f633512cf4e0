// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DrainWatch.h"

#include "EngineLink.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace lbdeck {

DrainWatch::DrainWatch(EngineLink* engine, QString address, Options options, QObject* parent)
    : QObject(parent)
    , m_engine(engine)
    , m_address(std::move(address))
    , m_options(options)
{
    connect(&m_timer, &QTimer::timeout, this, &DrainWatch::check);
}

DrainWatch::~DrainWatch()
{
    if (m_holding && m_engine)
        m_engine->holdTraffic(false);
}

void DrainWatch::start()
{
    if (!m_engine)
        return finish(Outcome::Unavailable, u"no engine"_s);
    m_engine->holdTraffic(true);
    m_holding = true;
    m_clock.start();
    m_quietFor.start();
    m_timer.start(m_options.interval);
    connect(m_engine, &EngineLink::trafficUpdated, this, &DrainWatch::check);
    m_engine->refresh();
}

void DrainWatch::check()
{
    if (m_done)
        return;
    if (!m_engine)
        return finish(Outcome::Unavailable, u"the engine went away"_s);
    const QJsonObject traffic = m_engine->traffic();
    if (!m_engine->trafficError().isEmpty())
        return finish(Outcome::Unavailable, m_engine->trafficError());
    if (traffic.isEmpty()) {
        if (m_clock.elapsed() > m_options.deadline.count())
            return finish(Outcome::Unavailable, u"the engine sent no traffic counts"_s);
        m_engine->refresh();
        return;
    }
    const QJsonObject capture = traffic.value(u"capture"_s).toObject();
    if (!capture.value(u"running"_s).toBool())
        return finish(Outcome::Unavailable, capture.value(u"error"_s).toString());
    QJsonObject row;
    for (const QJsonValue& v : traffic.value(u"upstreams"_s).toArray())
        if (v.toObject().value(u"address"_s).toString() == m_address)
            row = v.toObject();
    const qint64 open = row.value(u"open"_s).toInteger();
    const qint64 packets = row.value(u"to"_s).toObject().value(u"packets"_s).toInteger() +
                           row.value(u"from"_s).toObject().value(u"packets"_s).toInteger();
    if (packets != m_lastPackets) {
        m_lastPackets = packets;
        m_quietFor.restart();
    }
    if (open != m_lastOpen) {
        m_lastOpen = open;
        if (open > 0)
            Q_EMIT progress(open == 1 ? u"1 connection still open to %1"_s.arg(m_address)
                                      : u"%1 connections still open to %2"_s.arg(open).arg(m_address));
    }
    if (open == 0 && m_quietFor.elapsed() >= m_options.quiet.count())
        return finish(Outcome::Quiet,
                      u"no traffic to %1 for %2 s"_s.arg(m_address).arg(m_options.quiet.count() / 1000.0));
    if (m_clock.elapsed() > m_options.deadline.count())
        return finish(
            Outcome::Deadline,
            u"%1 connections still open to %2 after %3 s; stopping anyway"_s.arg(open).arg(m_address).arg(
                m_options.deadline.count() / 1000));
    m_engine->refresh();
}

void DrainWatch::finish(Outcome outcome, const QString& detail)
{
    if (m_done)
        return;
    m_done = true;
    m_timer.stop();
    if (m_holding && m_engine)
        m_engine->holdTraffic(false);
    m_holding = false;
    Q_EMIT finished(outcome, detail);
}

} // namespace lbdeck
