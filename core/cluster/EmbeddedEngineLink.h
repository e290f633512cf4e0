// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EngineLink.h"

#include <QPointer>

namespace lbdeck {

class Engine;

// The engine running inside the app (a profile can choose it instead of a remote lbdeck-engine).
class EmbeddedEngineLink : public EngineLink
{
    Q_OBJECT
public:
    explicit EmbeddedEngineLink(Engine* engine, QObject* parent = nullptr); // Not owned.
    QString describe() const override;
    void refresh() override;

protected:
    void trafficWantedChanged() override;

private:
    QPointer<Engine> m_engine;
};

} // namespace lbdeck
