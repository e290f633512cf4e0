// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "traffic_tcpdump.h"

#include "traffic_proc.h"

#include <QFile>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace lbdeck::bench {

QString TcpdumpCapture::start(const QStringList& args, const QString& logFile)
{
    m_logFile = logFile;
    QFile::remove(logFile); // the counts parsed at stop() must be this run's
    m_command = u"tcpdump "_s + args.join(u' ');
    if (!m_process.start(u"/usr/bin/tcpdump"_s, args, logFile))
        return m_process.error();
    const bool listening = testbed::waitUntil(
        [&] { return !m_process.isRunning() || m_process.logTail().contains(u"listening on"_s); },
        std::chrono::seconds(10));
    if (!listening || !m_process.isRunning())
        return u"%1 did not start: %2"_s.arg(m_command, m_process.logTail());
    return QString();
}

TcpdumpCounts TcpdumpCapture::stop()
{
    TcpdumpCounts c;
    c.cpuUs = processCpuUs(m_process.pid());
    m_process.stop();
    QFile log(m_logFile);
    if (!log.open(QIODevice::ReadOnly))
        return c;
    const QString text = QString::fromUtf8(log.readAll());
    const auto count = [&](const QString& what) {
        const QRegularExpressionMatch m =
            QRegularExpression(u"^(\\d+) packets? %1$"_s.arg(what), QRegularExpression::MultilineOption)
                .match(text);
        return m.hasMatch() ? m.captured(1).toLongLong() : qint64(-1);
    };
    c.captured = count(u"captured"_s);
    c.received = count(u"received by filter"_s);
    c.dropped = count(u"dropped by kernel"_s);
    return c;
}

} // namespace lbdeck::bench
