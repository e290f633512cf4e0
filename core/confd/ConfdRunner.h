// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ConfdOptions.h"
#include "TemplateResource.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

namespace lbdeck::confd {

// confd's main loop: -onetime processes every template resource once (exit 1 when one failed),
// -watch processes them whenever the backend reports a change, otherwise every -interval seconds.
// As in confd, a failed resource is logged and the others go on; under -watch and -interval the
// run goes on too, and nothing is written for the failed one.
class ConfdRunner : public QObject
{
    Q_OBJECT
public:
    ConfdRunner(ConfdOptions options, Backend* backend, QObject* parent = nullptr);

    void start();
    // SIGINT/SIGTERM: finish the resource in progress, then finished(0).
    void stop();
    // Template resources processed so far (each pass counts each resource once).
    int passes() const { return m_passes; }

Q_SIGNALS:
    void finished(int exitCode);
    void passDone(int failures); // one sweep over every resource (tests watch it)

private:
    // confd's getTemplateResources: every *toml under conf.d; one bad file fails the lot.
    Result<std::vector<TemplateResource>> loadResources() const;
    void runPass();
    void processNext(std::shared_ptr<std::vector<TemplateResource>> resources, size_t index, int failures,
                     QString lastError);
    void passFinished(int failures, const QString& lastError);

    ConfdOptions m_options;
    Backend* m_backend; // Not owned.
    ResourceSettings m_settings;
    QTimer m_interval;
    bool m_running = false; // a pass is in progress
    bool m_again = false;   // a change came in during the pass
    bool m_stopping = false;
    bool m_watching = false;
    // Under -watch the resources are read once, as confd's watch processor does.
    std::shared_ptr<std::vector<TemplateResource>> m_watched;
    int m_passes = 0;
};

} // namespace lbdeck::confd
