// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QSet>
#include <QString>
#include <QStringList>

namespace lbdeck {

// What an action that takes backends out of the upstream does to it, said before it is done:
// how many servers remain, and whether the upstream goes empty (then nginx has nowhere to send a
// request and answers 502; the engine keeps the last good config rather than render an empty one).
struct StopImpact
{
    int servingNow = 0;   // servers in the upstream nginx runs now
    int leaving = 0;      // of those, the ones this action takes out
    int remaining = 0;    // servers left while the action runs (a restart brings its own back)
    bool empties = false; // remaining == 0 while nginx serves something now
    bool temporary = false;

    // upstream: the addresses nginx serves now; leaving: the addresses the action takes out.
    static StopImpact of(const QStringList& upstream, const QStringList& leaving, bool temporary);
    // One sentence for the confirmation: "1 of 2 servers remains in the upstream."
    QString summary() const;
};

} // namespace lbdeck
