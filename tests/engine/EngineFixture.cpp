// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "EngineFixture.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace lbdeck::test {

QString EngineFixture::dataDir()
{
    return qEnvironmentVariable("LBDECK_SOURCE_DIR") + u"/tests/data/engine"_s;
}

QString EngineFixture::start()
{
    if (QString e = etcd.start(); !e.isEmpty())
        return e;
    const QString block =
        u"server { listen 127.0.1.3:8001; location / { return 200 \"backend 8001\\n\"; } }\n"
        u"server { listen 127.0.1.2:8002; location / { return 200 \"backend 8002\\n\"; } }\n"
        u"server { listen 127.0.0.1:@PORT@; location / { return 200 \"backends up\\n\"; } }\n"_s;
    if (QString e = backends.start(block); !e.isEmpty())
        return u"backend nginx: "_s + e;
    if (QString e = balancer.start(
            u"server { listen 127.0.0.1:@PORT@; location / { return 200 \"before lbdeck\\n\"; } }"_s);
        !e.isEmpty())
        return u"balancer nginx: "_s + e;
    statusPort = testbed::freePort();
    return QString();
}

EngineConfig EngineFixture::engineConfig() const
{
    EngineConfig c;
    c.etcd.endpoints = {etcd.clientUrl()};
    c.sources = {EngineSource{"/test/", SourceKind::Backends, {}}};
    c.nginx.dest = balancer.confPath();
    c.nginx.prefix = balancer.prefix();
    c.nginx.pidFile = balancer.pidFile();
    c.nginx.errorLog = balancer.errorLog();
    c.nginx.tempDir = balancer.prefix() + u"/tmp"_s;
    c.nginx.user = testbed::isRoot() ? u"root"_s : QString();
    c.nginx.listen = u"127.0.0.1:%1"_s.arg(balancer.port());
    c.nginx.statusListen = u"127.0.0.1:%1"_s.arg(statusPort);
    c.statusListen.clear();
    return c;
}

QByteArray EngineFixture::golden(const QString& goldenFile, qint64 revision, const QString& hash) const
{
    QFile f(dataDir() + u'/' + goldenFile);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QString text = QString::fromUtf8(f.readAll());
    text.replace(u"@PREFIX@"_s, balancer.prefix())
        .replace(u"@LISTEN@"_s, QString::number(balancer.port()))
        .replace(u"@STATUS@"_s, QString::number(statusPort))
        .replace(u"@REVISION@"_s, QString::number(revision))
        .replace(u"@HASH@"_s, hash)
        .replace(u"@USER@"_s, testbed::isRoot() ? u"user root;\n"_s : QString());
    return text.toUtf8();
}

QMap<QByteArray, int> EngineFixture::spread(int n) const
{
    QMap<QByteArray, int> seen;
    for (int i = 0; i < n; ++i) {
        QByteArray body;
        const int status = testbed::httpGet(u"127.0.0.1"_s, balancer.port(), "/", &body, 2000);
        ++seen[status == 200 ? body.trimmed() : QByteArray("error ") + QByteArray::number(status)];
    }
    return seen;
}

} // namespace lbdeck::test
