// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "SshDestination.h"

#include <QObject>
#include <QProcessEnvironment>
#include <QStringList>

#include <chrono>
#include <functional>

namespace lbdeck {

// A host key as ssh-keyscan delivered it, not yet trusted.
struct SshHostKey
{
    QString knownHostsName; // "[127.0.0.1]:2222", or "host" on port 22, or the HostKeyAlias
    QString type;           // "ssh-ed25519"
    QByteArray blob;        // the key in SSH wire format
    QString fingerprint;    // "SHA256:..." as ssh-keygen -l prints it

    QString knownHostsLine() const;
};

// Where ssh really goes for a destination, after ~/.ssh/config (ssh -G).
struct SshResolvedHost
{
    QString hostName;
    quint16 port = 22;
    QString user;
    QString hostKeyAlias;
    bool viaProxy = false; // ProxyJump or ProxyCommand: ssh-keyscan cannot follow it

    QString knownHostsName() const;
};

// The host-key policy before a first connection: is the key known to the user's or lbdeck's
// known_hosts? If not, fetch it (ssh-keyscan) so the operator can compare its fingerprint, and
// record it in lbdeck's own file only once approved. ssh itself enforces the key afterwards
// (StrictHostKeyChecking=yes), so a changed key is caught by ssh, not here.
class SshHostKeys : public QObject
{
    Q_OBJECT
public:
    struct Setup
    {
        QString sshProgram;
        QString keygenProgram;
        QString keyscanProgram;
        QStringList sshArgs;         // options for `ssh -G` (the tunnel's own, with -F, -l, -p)
        QStringList knownHostsFiles; // searched in order; missing files are skipped
        QString appKnownHostsFile;   // the only file ever written
        QProcessEnvironment environment;
        std::chrono::milliseconds timeout{10000};
    };

    struct Verdict
    {
        SshResolvedHost host;
        bool known = false;
        SshHostKey scanned;  // valid when !known and a key could be fetched
        QString scanProblem; // why no key was fetched, when !known and scanned is empty
    };
    using Callback = std::function<void(const Result<Verdict>&)>;

    explicit SshHostKeys(Setup setup, QObject* parent = nullptr);

    // Asynchronous; calls back once on this object's thread.
    void check(const SshDestination& destination, Callback callback);
    // Appends the approved key to lbdeck's known_hosts file (created 0600 in a 0700 directory).
    Result<void> record(const SshHostKey& key) const;

    // Pure helpers, public for tests.
    static QString fingerprint(const QByteArray& blob);
    static SshResolvedHost parseConfigDump(const QByteArray& sshG);
    // The preferred key (ed25519, then ECDSA, then RSA) of ssh-keyscan's output, checked.
    static Result<SshHostKey> pickScannedKey(const QByteArray& keyscanOutput, const QString& knownHostsName);

private:
    void lookup(int fileIndex, Verdict verdict, Callback callback);
    void scan(Verdict verdict, Callback callback);

    Setup m_setup;
};

} // namespace lbdeck
