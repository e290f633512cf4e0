// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EmbeddedEngineLink.h"

#include "core/engine/Engine.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

EmbeddedEngineLink::EmbeddedEngineLink(Engine* engine, QObject* parent)
    : EngineLink(parent)
    , m_engine(engine)
{
    connect(engine, &Engine::statusChanged, this, &EmbeddedEngineLink::refresh);
    connect(engine, &Engine::entryRecorded, this, &EmbeddedEngineLink::refresh);
    QMetaObject::invokeMethod(this, &EmbeddedEngineLink::refresh, Qt::QueuedConnection);
}

QString EmbeddedEngineLink::describe() const
{
    return u"engine inside lbdeck"_s;
}

void EmbeddedEngineLink::refresh()
{
    if (!m_engine) {
        setUnreachable(u"the engine stopped"_s);
        return;
    }
    setConfig(m_engine->currentConfig());
    setRendered(m_engine->lastRendered());
    setStatus(m_engine->statusJson());
}

void EmbeddedEngineLink::trafficWantedChanged()
{
    // Capture needs privileges a desktop app must not hold; lbdeck-engine on the load balancer has them.
    if (isTrafficWanted())
        setTrafficError(u"the engine inside the app does not count traffic: run lbdeck-engine on the load "
                        u"balancer and point the profile's engine at it"_s);
}

} // namespace lbdeck
