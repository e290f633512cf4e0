// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

namespace lbdeck::testbed {

// A throwaway PKI made with the openssl CLI: a CA, a server certificate for 127.0.0.1/localhost,
// and a client certificate, all in one directory.
struct Certificates
{
    QString caCert;
    QString serverCert;
    QString serverKey;
    QString clientCert;
    QString clientKey;

    // Empty string on success, else what failed.
    static QString generate(const QString& dir, Certificates* out);
};

} // namespace lbdeck::testbed
