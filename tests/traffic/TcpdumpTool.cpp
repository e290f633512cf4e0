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

QByteArray dotted(const QString& key)
{
    QString k = key;
    k[k.lastIndexOf(u':')] = u'.';
    return k.toLatin1();
}

qint64 linesOf(const QByteArray& lines, const QString& key)
{
    const QByteArray at = dotted(key);
    qint64 n = 0;
    for (const QByteArray& line : lines.split('\n')) {
        const QList<QByteArray> f = line.split(' ');
        if (f.size() > 4 && (f.at(2) == at || f.at(4) == at + ':'))
            ++n;
    }
    return n;
}

} // namespace lbdeck::traffic::test
