// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "TestProcess.h"

#include <QTemporaryDir>

namespace lbdeck::testbed {

// A real OpenSSH sshd on 127.0.0.1 with a generated host key and one authorized client key
// (no passphrase), forwarding of TCP ports and unix sockets allowed.
class SshServer
{
public:
    SshServer();
    ~SshServer();

    QString start();
    void stop();
    // The loopback address it listens on (before start()): a node of the demo's own, 127.0.1.x.
    void setAddress(const QString& address) { m_address = address; }
    const QString& address() const { return m_address; }
    bool isRunning() const { return m_process.isRunning(); }
    // Replaces the host key with a new one and restarts: what a client sees as a changed key.
    QString rotateHostKey();

    quint16 port() const { return m_port; }
    QString user() const;
    QString clientKey() const { return m_dir.path() + QStringLiteral("/id_ed25519"); }
    QString hostPublicKey() const;  // "ssh-ed25519 AAAA..."
    QString knownHostsLine() const; // "[ADDRESS]:PORT ssh-ed25519 AAAA..."
    // SHA256:... as ssh-keygen -lf prints it.
    QString hostKeyFingerprint() const;
    QString dir() const { return m_dir.path(); }

private:
    QString generateHostKey();

    QTemporaryDir m_dir;
    TestProcess m_process;
    quint16 m_port = 0;
    QString m_address = QStringLiteral("127.0.0.1");
};

} // namespace lbdeck::testbed
