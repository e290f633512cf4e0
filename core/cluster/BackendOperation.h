// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QObject>

#include <functional>

namespace lbdeck {

// A multi-step action on a backend (start, stop, drain then stop, restart), run step by step on
// the event loop, with progress, cancellation and rollback: what a step did is undone, in reverse
// order, when a later step fails or the operator cancels — up to the step that cannot be undone.
class BackendOperation : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const Result<void>&)>;
    using Action = std::function<void(Done)>;

    BackendOperation(QString title, QObject* parent = nullptr);

    // Adds a step; `undo`, when given, is run if the operation is rolled back after it succeeded.
    void addStep(const QString& text, Action action, Action undo = {});
    // Steps after this one cannot be rolled back (a stopped container is not un-stopped).
    void addPointOfNoReturn();
    void begin();
    void cancel();

    const QString& title() const { return m_title; }
    bool isFinished() const { return m_finished; }
    const Result<void>& result() const { return m_result; }
    int stepCount() const { return int(m_steps.size()); }

Q_SIGNALS:
    void progress(int step, int steps, const QString& text);
    void finished();

private:
    struct Step
    {
        QString text;
        Action action;
        Action undo;
        bool barrier = false;
    };
    void runNext();
    void rollBack(Error why);
    void finish(Result<void> result);

    QString m_title;
    QList<Step> m_steps;
    QList<Action> m_undo; // what to run on rollback, newest last
    int m_next = 0;
    bool m_canceled = false;
    bool m_running = false;
    bool m_finished = false;
    Result<void> m_result;
};

} // namespace lbdeck
