// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QString>

namespace lbdeck {

// An exclusive lock on a config file the engine writes, held while it runs: a second engine (or a
// second copy of one) on the same file is refused instead of racing it. flock(2) on a lock file
// beside the destination (".NAME.lock"; not ".NAME.lbdeck-…", which are stage files that a
// start sweeps away), so a killed engine's lock goes with it; the file
// names the holder's pid for the message.
class DestinationLock
{
public:
    DestinationLock() = default;
    ~DestinationLock();
    DestinationLock(const DestinationLock&) = delete;
    DestinationLock& operator=(const DestinationLock&) = delete;

    static Result<std::unique_ptr<DestinationLock>> acquire(const QString& destination);
    const QString& destination() const { return m_destination; }
    static QString lockPathFor(const QString& destination);
    // The path the lock is keyed by: absolute and clean ("//", "..").
    static QString normalized(const QString& destination);

private:
    QString m_destination;
    int m_fd = -1;
};

} // namespace lbdeck
