// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Deployer.h"
#include "core/http/HttpEndpoint.h"

#include <chrono>

namespace lbdeck {

// nginx in a container, driven through the Docker API as the seed's confd drove it: the candidate
// is uploaded next to the live file (archive API), checked with `nginx -t` run inside the container
// (exec), only then written over the live file, and nginx gets a HUP (kill?signal=HUP). The reload
// is confirmed by the worker processes being replaced (GET /top), and the container is never
// restarted. Runs on the deploy thread with blocking requests.
class DockerDeployer : public Deployer
{
public:
    struct Options
    {
        HttpEndpoint docker; // the node's Docker socket (or a tunnel's end)
        QString container = QStringLiteral("nginx");
        QString confPath = QStringLiteral("/etc/nginx/nginx.conf");
        QString nginxBinary = QStringLiteral("/usr/sbin/nginx");
        std::chrono::milliseconds timeout{10000};
        std::chrono::milliseconds confirmTimeout{5000};
    };

    explicit DockerDeployer(Options options);
    DeployReport deploy(const RenderedConfig& config, const QByteArray& previous) override;
    QString describe() const override;
    QByteArray currentConfig() const override;

private:
    Result<QByteArray> call(const QByteArray& method, const QByteArray& target, const QByteArray& body = {},
                            const QByteArray& contentType = {}) const;
    Result<void> upload(const QString& fileName, const QByteArray& content) const;
    Result<QPair<int, QByteArray>> exec(const QStringList& cmd) const;
    Result<QList<qint64>> workerPids() const;
    Result<QString> startedAt() const;

    Options m_options;
    QByteArray m_base; // "/v1.41"
};

} // namespace lbdeck
