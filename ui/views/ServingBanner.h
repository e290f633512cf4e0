// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QLabel>
#include <QPointer>

namespace lbdeck {

class EngineLink;

// A red line over a view while nginx serves something etcd no longer registers — the engine kept
// the last good config (an empty upstream would stop nginx; a check failed) — so that a stopped
// last backend never looks like a clean, empty table. Hidden while nginx follows etcd.
class ServingBanner : public QLabel
{
    Q_OBJECT
public:
    explicit ServingBanner(QWidget* parent = nullptr);
    void setEngine(EngineLink* engine); // Not owned.

    // The sentence, or empty while nginx follows etcd (for the status bar too).
    static QString text(const EngineLink* engine);

private:
    void refresh();
    QPointer<EngineLink> m_engine;
};

} // namespace lbdeck
