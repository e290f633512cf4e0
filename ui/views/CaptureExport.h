// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QObject>
#include <QPointer>

class QWidget;

namespace lbdeck {

class EngineLink;

// Export capture…: asks where to save, has the engine record `seconds` of what its meter sees
// (a progress dialog counts them down; Cancel stops waiting), fetches the pcap over the engine link
// and writes it atomically. Wireshark and tcpdump -r open the file.
class CaptureExport : public QObject
{
    Q_OBJECT
public:
    CaptureExport(EngineLink* engine, QWidget* parent); // engine: Not owned.
    void setSeconds(int seconds) { m_seconds = seconds; }
    int seconds() const { return m_seconds; }
    bool isRunning() const { return m_running; }
    void start();

Q_SIGNALS:
    void runningChanged(bool running);
    // Saved: the file, and how many packets it holds.
    void exported(const QString& path, quint64 packets);
    void failed(const QString& error);

private:
    void finish();

    QPointer<EngineLink> m_engine;
    QWidget* m_parent; // Not owned; our parent.
    int m_seconds = 30;
    bool m_running = false;
};

} // namespace lbdeck
