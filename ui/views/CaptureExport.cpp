// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "CaptureExport.h"

#include "core/cluster/EngineLink.h"
#include "ui/Dialogs.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProgressDialog>
#include <QSaveFile>
#include <QTimer>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace lbdeck {

CaptureExport::CaptureExport(EngineLink* engine, QWidget* parent)
    : QObject(parent)
    , m_engine(engine)
    , m_parent(parent)
{}

void CaptureExport::start()
{
    if (m_running)
        return;
    if (!m_engine) {
        Q_EMIT failed(tr("No engine to record traffic."));
        return;
    }
    const QString path =
        dialogs::saveFileName(m_parent, tr("Export capture"), QDir::homePath() + u"/lbdeck-capture.pcap"_s,
                              tr("Packet captures (*.pcap)"));
    if (path.isEmpty())
        return;
    m_running = true;
    Q_EMIT runningChanged(true);
    auto* progress = new QProgressDialog(tr("Recording %1 s of traffic on the load balancer…").arg(m_seconds),
                                         tr("Cancel"), 0, m_seconds, m_parent);
    progress->setObjectName(u"captureProgress"_s);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(0);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    auto* tick = new QTimer(progress);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    connect(tick, &QTimer::timeout, progress, [progress, clock, this] {
        const int done = int(clock->elapsed() / 1000);
        progress->setValue(qMin(done, m_seconds));
        if (done >= m_seconds)
            progress->setLabelText(tr("Fetching the capture from the engine…"));
    });
    tick->start(250);
    // Cancel closes the dialog, which is the callback's context: the answer is then dropped.
    connect(progress, &QProgressDialog::canceled, this, [this, progress] {
        progress->deleteLater();
        finish();
    });
    progress->open();
    m_engine->recordCapture(
        m_seconds, progress, [this, path, progress](const Result<QByteArray>& file, quint64 packets) {
            progress->deleteLater();
            if (!file) {
                finish();
                Q_EMIT failed(file.error().toString());
                return;
            }
            QSaveFile out(path);
            if (!out.open(QIODevice::WriteOnly) || out.write(*file) != file->size() || !out.commit()) {
                finish();
                Q_EMIT failed(tr("Cannot write %1: %2").arg(path, out.errorString()));
                return;
            }
            finish();
            Q_EMIT exported(path, packets);
        });
}

void CaptureExport::finish()
{
    if (!m_running)
        return;
    m_running = false;
    Q_EMIT runningChanged(false);
}

} // namespace lbdeck
