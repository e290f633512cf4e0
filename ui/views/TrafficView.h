// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QWidget>

class QLabel;

namespace lbdeck {

// Per-upstream packets/s and bytes/s and a tcpdump-style line view. The counters come from the
// engine's libpcap traffic module, which this version does not ship yet: the view says so instead
// of drawing made-up numbers.
class TrafficView : public QWidget
{
    Q_OBJECT
public:
    explicit TrafficView(QWidget* parent = nullptr);
    bool isAvailable() const { return false; }

private:
    QLabel* m_notice; // Owned (child).
};

} // namespace lbdeck
