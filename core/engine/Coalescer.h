// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QtGlobal>

#include <optional>

namespace lbdeck {

// When to run the reconcile pipeline, given a stream of changes. A lone change runs at once
// (leading edge: its latency is the product's headline number). Changes that arrive while a run is
// in progress are gathered and applied together once etcd has been quiet for quietMs, but never
// later than maxWaitMs after the first of them — so a storm of 1,000 puts costs a few reloads and
// a steady trickle cannot postpone the config forever. Pure: the caller supplies the time (ms).
class Coalescer
{
public:
    struct Policy
    {
        qint64 quietMs = 25;
        qint64 maxWaitMs = 1000;
    };

    Coalescer() = default;
    explicit Coalescer(Policy policy)
        : m_policy(policy)
    {}
    const Policy& policy() const { return m_policy; }
    void setPolicy(Policy policy) { m_policy = policy; }

    // A change arrived. True: start a run now (and call runFinished() when it is done).
    bool change(qint64 now);
    // The run started by change() or due() is over.
    void runFinished(qint64 now);
    // When the gathered changes should run, if any are waiting and no run is in progress.
    std::optional<qint64> deadline() const;
    // Called at (or after) deadline(). True: start a run now.
    bool due(qint64 now);

    bool isRunning() const { return m_running; }
    bool hasPending() const { return m_pendingSince.has_value(); }

private:
    Policy m_policy;
    bool m_running = false;
    std::optional<qint64> m_pendingSince;
    qint64 m_lastChange = 0;
};

} // namespace lbdeck
