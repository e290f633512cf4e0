// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Deployer.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace lbdeck {

// One attempt to put a new config live, with what triggered it and how it went.
struct LedgerEntry
{
    qint64 id = 0;
    QDateTime at;
    qint64 revision = 0; // etcd revision (v2: index) the config was rendered from
    QStringList added;   // values that are new in the config
    QStringList removed; // values that left it
    QString diff;        // unified diff against the config that was running
    QString hash;        // the new config's hash
    DeployReport report;
    qint64 renderUs = 0;

    QJsonObject toJson(bool withDiff = true) const;
};

// The last N reload attempts, newest last.
class ReloadLedger
{
public:
    explicit ReloadLedger(int capacity = 200)
        : m_capacity(qMax(1, capacity))
    {}
    const LedgerEntry& append(LedgerEntry entry);
    const QList<LedgerEntry>& entries() const { return m_entries; }
    QList<LedgerEntry> tail(int n) const { return m_entries.mid(qMax<qsizetype>(0, m_entries.size() - n)); }
    qint64 total() const { return m_nextId - 1; }
    void setCapacity(int capacity);

private:
    int m_capacity;
    qint64 m_nextId = 1;
    QList<LedgerEntry> m_entries;
};

} // namespace lbdeck
