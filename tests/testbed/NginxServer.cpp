// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NginxServer.h"

#include <QDir>
#include <QFile>

using namespace Qt::StringLiterals;

namespace lbdeck::testbed {

NginxServer::NginxServer()
{
    m_port = freePort();
}

NginxServer::~NginxServer()
{
    stop();
}

QString NginxServer::wrap(const QString& httpBlock, int workers) const
{
    const QString p = prefix();
    QString block = httpBlock;
    block.replace(u"@PORT@"_s, QString::number(m_port)).replace(u"@PREFIX@"_s, p);
    // Workers run as root under a root test so they can read the private (0700) prefix.
    const QString user = isRoot() ? u"user root;\n"_s : QString();
    return u"# written by the lbdeck test bed\n"
           u"%1daemon off;\nworker_processes %2;\npid %3/nginx.pid;\nerror_log %3/error.log info;\n"
           u"events { worker_connections 1024; }\n"
           u"http {\n"
           u"    access_log off;\n"
           u"    client_body_temp_path %3/tmp/body;\n    proxy_temp_path %3/tmp/proxy;\n"
           u"    fastcgi_temp_path %3/tmp/fastcgi;\n    uwsgi_temp_path %3/tmp/uwsgi;\n"
           u"    scgi_temp_path %3/tmp/scgi;\n"
           u"%4\n"
           u"}\n"_s.arg(user)
               .arg(workers)
               .arg(p, block);
}

QString NginxServer::start(const QString& httpBlock, int workers)
{
    if (!m_dir.isValid())
        return u"cannot create a temporary directory"_s;
    QDir().mkpath(prefix() + u"/conf"_s);
    QDir().mkpath(prefix() + u"/tmp"_s);
    QDir().mkpath(prefix() + u"/logs"_s);
    QFile conf(confPath());
    if (!conf.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return u"cannot write %1"_s.arg(confPath());
    conf.write(wrap(httpBlock, workers).toUtf8());
    conf.close();
    const QString err = test();
    if (!err.isEmpty())
        return u"nginx -t refused the test config: %1"_s.arg(err);
    QFile::remove(pidFile());
    if (!m_process.start(u"/usr/sbin/nginx"_s, {u"-p"_s, prefix(), u"-c"_s, confPath()},
                         prefix() + u"/stdout.log"_s))
        return m_process.error();
    const bool ready = waitUntil(
        [this] {
            return !m_process.isRunning() || (QFile::exists(pidFile()) && workerPids().size() > 0 &&
                                              httpGet(u"127.0.0.1"_s, m_port, "/", nullptr, 300) > 0);
        },
        std::chrono::seconds(15));
    if (!ready || !m_process.isRunning()) {
        QFile log(errorLog());
        log.open(QIODevice::ReadOnly);
        m_process.stop();
        return u"nginx did not start: %1"_s.arg(QString::fromUtf8(log.readAll().right(2000)));
    }
    return QString();
}

void NginxServer::stop()
{
    m_process.stop();
}

QString NginxServer::test() const
{
    return runCommand(u"/usr/sbin/nginx"_s, {u"-t"_s, u"-q"_s, u"-p"_s, prefix(), u"-c"_s, confPath()});
}

QList<qint64> NginxServer::workerPids() const
{
    QList<qint64> pids;
    const qint64 master = masterPid();
    if (master <= 0)
        return pids;
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& e : entries) {
        bool ok = false;
        const qint64 pid = e.toLongLong(&ok);
        if (!ok)
            continue;
        QFile stat(u"/proc/%1/stat"_s.arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray s = stat.readAll();
        // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields.at(1).toLongLong() == master)
            pids << pid;
    }
    return pids;
}

} // namespace lbdeck::testbed
