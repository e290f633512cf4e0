// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

namespace lbdeck {

class EngineLink;

// Drain's last wait, on the engine's traffic meter: done when nothing flows to `address` any more —
// no connection open and no packet for `quiet` — or when the deadline passes. An engine that does
// not count traffic (no capture rights, an older engine) is reported as Unavailable at once, so the
// caller can fall back to another way of looking.
class DrainWatch : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds quiet{2000};
        std::chrono::milliseconds deadline{30000};
        std::chrono::milliseconds interval{250};
    };
    enum class Outcome
    {
        Quiet,      // no open connection, no packet for `quiet`
        Deadline,   // still traffic when the deadline passed
        Unavailable // the engine does not count traffic
    };
    Q_ENUM(Outcome)

    DrainWatch(EngineLink* engine, QString address, Options options, QObject* parent = nullptr); // Not owned.
    ~DrainWatch() override;
    void start();

Q_SIGNALS:
    // "2 connections still open to 127.0.1.3:8001", as it changes.
    void progress(const QString& text);
    void finished(lbdeck::DrainWatch::Outcome outcome, const QString& detail);

private:
    void check();
    void finish(Outcome outcome, const QString& detail);

    QPointer<EngineLink> m_engine;
    QString m_address;
    Options m_options;
    QTimer m_timer;
    QElapsedTimer m_clock;
    QElapsedTimer m_quietFor; // since the packet count last moved
    qint64 m_lastPackets = -1;
    qint64 m_lastOpen = -1;
    bool m_holding = false;
    bool m_done = false;
};

} // namespace lbdeck
