// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/etcd/PrefixMirror.h"

#include <QJsonObject>
#include <QMultiHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

namespace lbdeck {

class EngineLink;
class NodeInventory;

// What happens in the cluster besides what this window asked for, as event-log lines: every reload
// the engine made (its outcome, and what nginx -t said), reloads of nginx that somebody else made,
// every change under the backend prefix that this app did not write, and containers that start,
// exit or run out of memory on a node. No widgets: the window routes logMessage() to its log.
class ClusterEvents : public QObject
{
    Q_OBJECT
public:
    // A change is held this long before it is called an outside one: the app's own write may be
    // seen by the watch a moment before etcd's answer to the write says its revision.
    static constexpr std::chrono::milliseconds OwnWriteWindow{500};

    explicit ClusterEvents(QObject* parent = nullptr);

    void watchEngine(EngineLink* engine);      // Not owned.
    void watchBackends(PrefixMirror* mirror);  // Not owned.
    void watchNodes(NodeInventory* inventory); // Not owned.
    // The app wrote (put or deleted) key, and etcd gave the write this revision: the change it
    // makes is the app's own, not an outside one (connect BackendService::wroteKey here).
    void noteOwnWrite(const QByteArray& key, qint64 revision);

Q_SIGNALS:
    void logMessage(const QString& text, bool isError);

private:
    struct Pending
    {
        QString text;
        QByteArray key;
        qint64 from = 0; // the change happened at a revision in (from, to]
        qint64 to = 0;
        qint64 dueMs = 0;
    };

    void readEngineStatus();
    void logLedgerEntry(const QJsonObject& entry);
    void onBackendsChanged(const QList<KvChange>& changes, qint64 revision);
    void flushPending();
    void onContainerEvent(const QString& node, const QJsonObject& event);
    bool takeOwn(const QByteArray& key, qint64 from, qint64 to);

    QPointer<EngineLink> m_engine;
    QPointer<PrefixMirror> m_mirror;
    bool m_engineSeen = false;
    qint64 m_lastLedgerId = 0;
    qint64 m_outsideReloads = -1; // -1: not known yet
    bool m_baselined = false;     // the mirror's first read is the starting point, not a change
    qint64 m_revision = 0;
    QMultiHash<QByteArray, qint64> m_own; // the app's writes the watch has not shown yet
    QList<Pending> m_pending;
    QTimer m_flush;
};

} // namespace lbdeck
