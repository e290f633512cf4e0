// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QObject>

class QSocketNotifier;

namespace lbdeck {

// Turns SIGTERM/SIGINT/SIGHUP into a Qt signal on the event loop (self-pipe), so a headless
// process can finish its current step before it exits, and re-read its config on SIGHUP.
class UnixSignals : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignals(const QList<int>& signalNumbers, QObject* parent = nullptr);
    ~UnixSignals() override;

Q_SIGNALS:
    void received(int signalNumber);

private:
    QSocketNotifier* m_notifier = nullptr; // Owned (child).
    QList<int> m_signals;
};

} // namespace lbdeck
