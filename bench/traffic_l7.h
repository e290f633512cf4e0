// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

namespace lbdeck::bench {

struct L7Result
{
    QString error; // "" when the run completed
    qint64 sent = 0;
    qint64 accepted = 0;      // records the receiver emitted
    qint64 malformed = 0;     // must stay 0: every datagram is well formed
    qint64 kernelDropped = 0; // SO_RXQ_OVFL
    double seconds = 0;       // first send to last record
    qint64 receiverCpuUs = 0; // the receiving (main) thread only; the sender is another thread
};

// Sends `lines` pre-built lbdeck_json syslog datagrams, as nginx writes them, from a sender thread to an
// AccessLogReceiver on this thread's event loop, as fast as the receiver takes them (a blocking sender
// waits when the socket's queue is full, so none is lost on the way).
L7Result measureAccessLogIngest(qint64 lines);

} // namespace lbdeck::bench
