// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

#include <chrono>

namespace lbdeck {

// Notices reloads of a local nginx that the engine did not make (`nginx -s reload`, a HUP from an
// operator or logrotate, a restart): nginx answers a reload with a new generation of workers, so
// every worker the last look saw stops accepting and new ones do. Reads /proc a few small files per
// look, on the engine's thread. The engine pauses it around its own reloads.
class NginxReloadWatch : public QObject
{
    Q_OBJECT
public:
    explicit NginxReloadWatch(QString pidFile, QObject* parent = nullptr);

    void start(std::chrono::milliseconds interval = std::chrono::seconds(1));
    void setPidFile(const QString& pidFile);
    // The engine reloads nginx itself: nothing counts until ownReloadDone(), nor for `grace` after
    // it (a HUP without confirmation lets the workers change a little later).
    void ownReloadStarted() { m_own = true; }
    void ownReloadDone(std::chrono::milliseconds grace = std::chrono::seconds(2));

    qint64 outsideReloads() const { return m_outsideReloads; }
    // {"masterPid", "workers", "outsideReloads", "lastOutsideReload": {"at", "restart", "workers"}}
    QJsonObject toJson() const;

Q_SIGNALS:
    // restarted: a new master, not only new workers.
    void outsideReload(bool restarted, const QList<qint64>& workers);

private:
    void look();

    QString m_pidFile;
    QTimer m_timer;
    bool m_own = false;
    qint64 m_graceUntilMs = 0;
    qint64 m_master = 0;
    QList<qint64> m_generation; // workers of the generation last seen complete
    qint64 m_outsideReloads = 0;
    QDateTime m_lastAt;
    bool m_lastRestart = false;
    QList<qint64> m_lastWorkers;
};

} // namespace lbdeck
