// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TcpdumpTool.h"

#include <QProcess>
#include <QProcessEnvironment>

using namespace Qt::StringLiterals;

namespace lbdeck::traffic::test {

QString runTcpdump(const QStringList& args, const QString& tz, QByteArray* out)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"TZ"_s, tz);
    p.setProcessEnvironment(env);
    p.start(QString::fromLatin1(TcpdumpPath), args);
    if (!p.waitForStarted(10000))
        return u"cannot start tcpdump: %1"_s.arg(p.errorString());
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return u"tcpdump %1 timed out"_s.arg(args.join(u' '));
    }
    *out = p.readAllStandardOutput();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return u"tcpdump %1 failed (%2): %3"_s.arg(args.join(u' '))
            .arg(p.exitCode())
            .arg(QString::fromLocal8Bit(p.readAllStandardError()));
    return QString();
}

} // namespace lbdeck::traffic::test
