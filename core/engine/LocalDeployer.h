// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ConfigInstaller.h"
#include "Deployer.h"

#include <chrono>

namespace lbdeck {

// nginx (or anything confd manages) on this machine: the file is written atomically next to its
// destination, checked with `nginx -t` (or the resource's check_cmd) on the staged copy, installed
// with rename, and reloaded with a HUP to the PID in nginx's pid file (or reload_cmd).
class LocalDeployer : public Deployer
{
public:
    struct Options
    {
        QString dest;
        FileAttributes attributes;
        // Built-in nginx target: nginx -t on the staged file, HUP to the pid file's PID, and a GET
        // of statusListen's /lbdeck/config until it reports the new hash.
        QString nginxBinary;
        QString nginxPrefix;
        QString pidFile;
        QString statusListen; // host:port, empty: no confirmation by request
        QString errorLog;     // quoted when nginx does not take a config
        // confd resources: shell commands; {{.src}} is the staged file.
        QString checkCmd;
        QString reloadCmd;
        std::chrono::milliseconds checkTimeout{10000};
        std::chrono::milliseconds reloadTimeout{10000};
        std::chrono::milliseconds confirmTimeout{3000};
    };

    explicit LocalDeployer(Options options);
    DeployReport deploy(const RenderedConfig& config, const QByteArray& previous) override;
    QString describe() const override { return m_options.dest; }
    QString localFile() const override { return m_options.dest; }
    QByteArray currentConfig() const override;

    // GET http://statusListen/lbdeck/config: "<hash> <revision>", or empty when nothing answers.
    static QByteArray fetchRunningConfigId(const QString& statusListen, int timeoutMs = 200);

private:
    Result<void> check(const QString& stagedPath, QByteArray& output) const;
    Result<void> reload() const;
    bool waitForHash(const QString& hash, const QList<qint64>& oldWorkers) const;
    // Once the new generation of workers accepts, the old one gets the graceful QUIT the master
    // would send later; false when no new generation came within the confirm timeout.
    bool handOver(qint64 master, const QList<qint64>& oldWorkers, std::chrono::milliseconds timeout) const;
    static constexpr std::chrono::milliseconds NoNginxHandOver{200};
    void restore(const QByteArray& previous) const;
    QString errorLogTail() const;

    Options m_options;
};

} // namespace lbdeck
