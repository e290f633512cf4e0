// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace lbdeck {

class ClusterSession;

// The other half of "Move its backends": when a node whose backends were moved answers again,
// whatever its engine brings back under a fenced name (a restart policy, an operator's docker
// start) is stopped — not removed, its logs stay for the operator — and never registered. Checks
// a node when its link becomes Ready, when Docker says a container started there, and every 10 s
// while the node has fenced containers.
class FenceGuard : public QObject
{
    Q_OBJECT
public:
    explicit FenceGuard(ClusterSession* session, QObject* parent = nullptr); // Not owned; after opened().
    // cameBack: the node's link just became Ready again (said so in the log).
    void check(const QString& node, bool cameBack = false);

Q_SIGNALS:
    // "core-c came back: fenced apache-8001 (moved to core-b:8003), stopped"
    void logMessage(const QString& text, bool isError);
    void stopped(const QString& node, const QString& container);

private:
    void finished(const QString& node, quint64 serial);

    QPointer<ClusterSession> m_session;
    QHash<QString, quint64> m_busy; // node -> the serial of its check in flight
    QHash<QString, bool> m_again;   // node -> check once more when that ends (came back?)
    quint64 m_serial = 0;
    QSet<QString> m_fenced; // nodes that had fence records at their last check
    QTimer m_safetyNet;
};

} // namespace lbdeck
