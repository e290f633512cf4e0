// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ServingBanner.h"

#include "core/cluster/EngineLink.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

ServingBanner::ServingBanner(QWidget* parent)
    : QLabel(parent)
{
    setObjectName(u"servingBanner"_s);
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setStyleSheet(u"QLabel { background: #b00020; color: white; padding: 4px; }"_s);
    hide();
}

void ServingBanner::setEngine(EngineLink* engine)
{
    if (m_engine)
        disconnect(m_engine, nullptr, this, nullptr);
    m_engine = engine;
    if (engine) {
        connect(engine, &EngineLink::updated, this, &ServingBanner::refresh);
        connect(engine, &EngineLink::reachabilityChanged, this, &ServingBanner::refresh);
    }
    refresh();
}

QString ServingBanner::text(const EngineLink* engine)
{
    if (!engine || !engine->isReachable() || engine->servedButUnregistered().isEmpty())
        return QString();
    const QStringList& stale = engine->servedButUnregistered();
    QString t =
        tr("nginx still serves %1, which etcd no longer registers: the engine kept the last good config.")
            .arg(stale.join(u", "_s));
    if (engine->acceptedValues().isEmpty())
        t += tr(" etcd registers no backend at all, so requests go to an address that was stopped (502).");
    const QString why = engine->lastEngineError();
    if (!why.isEmpty())
        t += tr(" Engine: %1").arg(why.section(u"  "_s, 1));
    return t;
}

void ServingBanner::refresh()
{
    const QString t = text(m_engine);
    setText(t);
    setToolTip(t);
    setVisible(!t.isEmpty());
}

} // namespace lbdeck
