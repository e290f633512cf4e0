// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QStringList>

class QCoreApplication;

namespace lbdeck::confd {

// `lbdeck-engine confd [confd's flags]`, or the binary invoked as `confd`: confd's command line,
// its log lines and its exit codes (2 for a bad flag, 1 for any failure, 0 otherwise).
int runConfdMain(QCoreApplication& app, const QStringList& args);

} // namespace lbdeck::confd
