// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "TestProcess.h"

#include <QTemporaryDir>

namespace lbdeck::testbed {

// A real Docker engine (dockerd, as root) with private data, exec root, pid file and socket, on a
// bridge of its own so that several can run at once. Images are made offline with `docker import`.
class DockerDaemon
{
public:
    DockerDaemon();
    ~DockerDaemon();

    // "" on success; needs root (tests QSKIP when isRoot() is false).
    QString start();
    void stop();
    bool isRunning() const { return m_process.isRunning(); }
    // dockerd's own PID (from its pid file; the process started is the unshare around it), 0 if none.
    qint64 daemonPid() const;

    QString socketPath() const { return m_dir.path() + QStringLiteral("/docker.sock"); }
    QString host() const { return QStringLiteral("unix://") + socketPath(); }
    // The docker CLI against this daemon: "" or the error; output in *out.
    QString docker(const QStringList& args, QByteArray* out = nullptr, int timeoutMs = 120000) const;

    // The seed's backend, offline: busybox httpd serving /www, whose page names the container
    // (from $LBDECK_BACKEND, else the hostname). Built once per daemon.
    // Removes the test bridges (lbdk<pid>n<k>) whose process is gone: killed before it could.
    static void removeStaleBridges();
    static QString backendImage() { return QStringLiteral("lbdeck/backend:test"); }
    QString buildBackendImage();
    // A backend that runs but never answers (busybox sleeps instead of serving): for admission.
    static QString silentImage() { return QStringLiteral("lbdeck/silent:test"); }
    QString buildSilentImage();
    // nginx from the host's package files (binary, its libraries, /etc/nginx), offline; its
    // starting config listens on `listen` (on the host's network, a loopback address of its own).
    static QString nginxImage() { return QStringLiteral("lbdeck/nginx:test"); }
    QString buildNginxImage(const QString& listen = QStringLiteral("80"));

private:
    QString importRootfs(const QString& rootfs, const QString& image, const QString& cmdJson) const;

    QTemporaryDir m_dir;
    TestProcess m_process;
    QString m_bridge;
};

} // namespace lbdeck::testbed
