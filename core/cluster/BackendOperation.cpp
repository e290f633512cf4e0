// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BackendOperation.h"

#include "core/util/Logging.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace lbdeck {

BackendOperation::BackendOperation(QString title, QObject* parent)
    : QObject(parent)
    , m_title(std::move(title))
{}

void BackendOperation::addStep(const QString& text, Action action, Action undo)
{
    m_steps.append({text, std::move(action), std::move(undo), false});
}

void BackendOperation::addPointOfNoReturn()
{
    m_steps.append({QString(), {}, {}, true});
}

void BackendOperation::begin()
{
    m_running = true;
    QMetaObject::invokeMethod(this, &BackendOperation::runNext, Qt::QueuedConnection);
}

void BackendOperation::cancel()
{
    m_canceled = true;
}

void BackendOperation::runNext()
{
    if (m_finished)
        return;
    if (m_canceled) {
        rollBack(makeError(ErrorCode::Canceled, u"canceled"_s, m_title));
        return;
    }
    while (m_next < m_steps.size() && m_steps[m_next].barrier) {
        m_undo.clear();
        ++m_next;
    }
    if (m_next >= m_steps.size()) {
        finish({});
        return;
    }
    const Step& step = m_steps[m_next];
    int visible = 0;
    int index = 0;
    for (int i = 0; i < m_steps.size(); ++i) {
        if (!m_steps[i].barrier) {
            ++visible;
            if (i <= m_next)
                index = visible;
        }
    }
    Q_EMIT progress(index, visible, step.text);
    QPointer<BackendOperation> self(this);
    const int current = m_next;
    step.action([self, current](const Result<void>& r) {
        if (!self || self->m_finished)
            return;
        if (!r) {
            Error e = r.error();
            e.message = u"%1: %2"_s.arg(self->m_steps[current].text, e.message);
            self->rollBack(e);
            return;
        }
        if (self->m_steps[current].undo)
            self->m_undo.append(self->m_steps[current].undo);
        self->m_next = current + 1;
        self->runNext();
    });
}

void BackendOperation::rollBack(Error why)
{
    if (m_undo.isEmpty()) {
        finish(why);
        return;
    }
    const Action undo = m_undo.takeLast();
    QPointer<BackendOperation> self(this);
    undo([self, why](const Result<void>& r) {
        if (!self)
            return;
        if (!r)
            qCWarning(lcCluster).noquote()
                << self->m_title << "rollback step failed:" << r.error().toString();
        self->rollBack(why);
    });
}

void BackendOperation::finish(Result<void> result)
{
    m_finished = true;
    m_result = std::move(result);
    Q_EMIT finished();
}

} // namespace lbdeck
