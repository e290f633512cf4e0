// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "TestProcess.h"

#include <QTemporaryDir>

namespace lbdeck::testbed {

// A real nginx master (foreground, own prefix, pid file, error log, temp paths) on loopback.
// The test supplies what goes inside http { }; "@PORT@" in it is replaced by port() and
// "@PREFIX@" by prefix().
class NginxServer
{
public:
    NginxServer();
    ~NginxServer();

    // Writes conf/nginx.conf and starts nginx; "" or what failed.
    QString start(const QString& httpBlock, int workers = 1);
    void stop();
    bool isRunning() const { return m_process.isRunning(); }

    quint16 port() const { return m_port; }
    QString prefix() const { return m_dir.path(); }
    QString confPath() const { return m_dir.path() + QStringLiteral("/conf/nginx.conf"); }
    QString pidFile() const { return m_dir.path() + QStringLiteral("/nginx.pid"); }
    QString errorLog() const { return m_dir.path() + QStringLiteral("/error.log"); }
    qint64 masterPid() const { return m_process.pid(); }
    // The full nginx.conf for an http { } block, as start() writes it.
    QString wrap(const QString& httpBlock, int workers = 1) const;
    // `nginx -t` of the current conf: "" or nginx's complaint.
    QString test() const;
    // PIDs of the worker processes (children of the master), for reload assertions.
    QList<qint64> workerPids() const;

private:
    QTemporaryDir m_dir;
    TestProcess m_process;
    quint16 m_port = 0;
};

} // namespace lbdeck::testbed
