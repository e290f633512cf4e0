// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/docker/DockerClient.h"
#include "tests/testbed/DockerDaemon.h"

#include <memory>

namespace lbdeck::test {

// A seed backend: busybox httpd serving a page that names the container. sh stays PID 1 with a
// TERM trap, because a PID 1 without a handler never sees SIGTERM (httpd alone would ignore it).
ContainerSpec backendSpec(const QString& name, const QString& ip, quint16 port, const QString& runLabel);
// The page at http://ip:port/, or "" when it does not answer 200.
QByteArray pageAt(const QString& ip, quint16 port);

// A private dockerd with the seed's images, a DockerClient on its socket, and synchronous
// wrappers so the tests read in order (the client itself stays asynchronous). Test classes derive
// from it; the containers they create through it are removed in removeCreated().
class DockerFixture
{
protected:
    // "" or what failed. sharedIp: also run a backend there for the tests that only need one.
    QString startDocker(const QString& sharedIp);
    void removeCreated();

    Result<QString> create(const QString& name, const ContainerSpec& spec);
    Result<void> start(const QString& container);
    Result<void> stop(const QString& container, int seconds);
    Result<void> kill(const QString& container, const QString& signal);
    Result<void> remove(const QString& container, bool force);
    Result<ContainerInfo> inspect(const QString& container);
    Result<StreamOutput> logs(const QString& container, int tail);
    Result<ExecResult> exec(const QString& container, const QStringList& cmd);
    Result<void> putArchive(const QString& container, const QString& dir, const QByteArray& tar);
    // A running backend on ip:<free port>, serving its page: {name, port}, or {what failed, 0}.
    std::pair<QString, quint16> runBackend(const QString& ip);

    std::unique_ptr<testbed::DockerDaemon> m_daemon;
    std::unique_ptr<DockerClient> m_client;
    QString m_runLabel; // on every container a test makes: lbdeck.test=<this>
    QString m_shared;   // the shared backend's name
    QString m_sharedIp;
    quint16 m_sharedPort = 0;
    QStringList m_created;
};

} // namespace lbdeck::test
