// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Certificates.h"

#include "TestProcess.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace lbdeck::testbed {

namespace {

QString issue(const QString& dir, const QString& name, const QString& cn, const QString& extensions)
{
    const QString key = dir + u'/' + name + u".key"_s;
    const QString csr = dir + u'/' + name + u".csr"_s;
    const QString ext = dir + u'/' + name + u".ext"_s;
    QFile f(ext);
    if (!f.open(QIODevice::WriteOnly))
        return u"cannot write %1"_s.arg(ext);
    f.write(extensions.toUtf8());
    f.close();
    QString err = runCommand(u"openssl"_s, {u"req"_s, u"-new"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                                            u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s, u"-keyout"_s, key,
                                            u"-out"_s, csr, u"-subj"_s, u"/CN="_s + cn});
    if (!err.isEmpty())
        return err;
    return runCommand(u"openssl"_s,
                      {u"x509"_s, u"-req"_s, u"-in"_s, csr, u"-CA"_s, dir + u"/ca.crt"_s, u"-CAkey"_s,
                       dir + u"/ca.key"_s, u"-CAcreateserial"_s, u"-out"_s, dir + u'/' + name + u".crt"_s,
                       u"-days"_s, u"2"_s, u"-sha256"_s, u"-extfile"_s, ext});
}

} // namespace

QString Certificates::generate(const QString& dir, Certificates* out)
{
    QString err = runCommand(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                                            u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s, u"-keyout"_s,
                                            dir + u"/ca.key"_s, u"-out"_s, dir + u"/ca.crt"_s, u"-days"_s,
                                            u"2"_s, u"-subj"_s, u"/CN=lbdeck test CA"_s});
    if (!err.isEmpty())
        return err;
    err = issue(dir, u"server"_s, u"127.0.0.1"_s,
                u"subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n"_s);
    if (!err.isEmpty())
        return err;
    err = issue(dir, u"client"_s, u"root"_s, u"extendedKeyUsage=clientAuth\n"_s);
    if (!err.isEmpty())
        return err;
    out->caCert = dir + u"/ca.crt"_s;
    out->serverCert = dir + u"/server.crt"_s;
    out->serverKey = dir + u"/server.key"_s;
    out->clientCert = dir + u"/client.crt"_s;
    out->clientKey = dir + u"/client.key"_s;
    return QString();
}

} // namespace lbdeck::testbed
