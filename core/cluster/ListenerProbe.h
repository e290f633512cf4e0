// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Callback.h"

#include <QObject>
#include <QString>

#include <chrono>

namespace lbdeck::probe {

// Whether something accepts TCP connections on host:port, seen from here (the load-balancer
// side): true when a connection is accepted, false when it is refused or nothing answers in time.
void listener(const QString& host, quint16 port, std::chrono::milliseconds timeout, QObject* context,
              Callback<bool> callback);

// Admission: GETs / on host:port every interval until an HTTP answer below 500 arrives (succeeds)
// or the deadline passes (fails with Timeout and the last error seen). Used before a backend is
// registered, so that nginx is never told about a server that does not answer yet.
void untilAnswers(const QString& host, quint16 port, std::chrono::milliseconds deadline,
                  std::chrono::milliseconds interval, QObject* context, Callback<void> callback);

} // namespace lbdeck::probe
