// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DeployWorker.h"

#include <QPointer>

namespace lbdeck {

DeployWorker::DeployWorker(QObject* parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("lbdeck-deploy"));
    m_onThread = new QObject;
    m_onThread->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_onThread, &QObject::deleteLater);
    m_thread.start();
}

DeployWorker::~DeployWorker()
{
    m_thread.quit();
    m_thread.wait();
}

void DeployWorker::run(std::vector<Job> jobs, QObject* context, Done done)
{
    m_busy = true;
    QPointer<QObject> guard(context);
    auto shared = std::make_shared<std::vector<Job>>(std::move(jobs));
    // `this` outlives the job: the destructor waits for the thread. A reply posted to a worker
    // that is gone by then is dropped by Qt with its receiver.
    QMetaObject::invokeMethod(
        m_onThread,
        [this, shared, guard, done = std::move(done)] {
            auto reports = std::make_shared<std::vector<DeployReport>>();
            for (const Job& job : *shared)
                reports->push_back(job.deployer->deploy(job.config, job.previous));
            QMetaObject::invokeMethod(
                this,
                [this, guard, reports, done] {
                    m_busy = false;
                    if (guard)
                        done(std::move(*reports));
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace lbdeck
