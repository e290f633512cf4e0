// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Logging.h"

Q_LOGGING_CATEGORY(lcHttp, "lbdeck.http", QtWarningMsg)
Q_LOGGING_CATEGORY(lcEtcd, "lbdeck.etcd", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDocker, "lbdeck.docker", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSsh, "lbdeck.ssh", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEngine, "lbdeck.engine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCluster, "lbdeck.cluster", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTraffic, "lbdeck.traffic", QtInfoMsg)
