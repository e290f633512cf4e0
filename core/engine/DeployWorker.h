// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Deployer.h"

#include <QObject>
#include <QThread>

#include <functional>
#include <memory>
#include <vector>

namespace lbdeck {

// The thread deploys run on, so that nginx -t, fsync and the reload confirmation never hold up
// the etcd watch, the status endpoint or a window. One job at a time; results come back on the
// owner's thread.
class DeployWorker : public QObject
{
    Q_OBJECT
public:
    explicit DeployWorker(QObject* parent = nullptr);
    ~DeployWorker() override; // waits for the job in progress

    struct Job
    {
        Deployer* deployer = nullptr; // Not owned; must outlive the job.
        RenderedConfig config;
        QByteArray previous;
    };
    using Done = std::function<void(std::vector<DeployReport>)>;
    // Runs the jobs in order on the worker thread, then calls done on context's thread.
    void run(std::vector<Job> jobs, QObject* context, Done done);
    bool isBusy() const { return m_busy; }

private:
    QThread m_thread;
    QObject* m_onThread = nullptr; // Owned; lives on m_thread.
    bool m_busy = false;
};

} // namespace lbdeck
