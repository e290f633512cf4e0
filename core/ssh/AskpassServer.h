// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "AskpassReply.h"
#include "core/util/Result.h"

#include <QObject>
#include <QProcessEnvironment>

#include <memory>

class QLocalServer;
class QLocalSocket;

namespace lbdeck {

class RuntimeDirectory;

// The lbdeck end of the askpass bridge. ssh runs $SSH_ASKPASS (lbdeck-askpass) when it needs a key
// passphrase or a password; the helper forwards the prompt over a unix socket in a private (0700)
// directory, and this server hands it to the owner, who answers from a dialog or the keychain.
class AskpassServer : public QObject
{
    Q_OBJECT
public:
    explicit AskpassServer(QObject* parent = nullptr);
    ~AskpassServer() override;

    // Creates the private directory and starts listening.
    Result<void> listen();
    bool isListening() const;
    QString socketPath() const;

    // lbdeck-askpass next to the running executable, unless set.
    QString helperPath() const { return m_helperPath; }
    void setHelperPath(const QString& path) { m_helperPath = path; }
    static QString defaultHelperPath();

    // What ssh needs in its environment so that its prompts come here, labelled with context.
    void applyTo(QProcessEnvironment& environment, const QString& context) const;

Q_SIGNALS:
    // Answer with reply->answer(secret) or reply->refuse(). Nobody connected: refused at once.
    void passwordRequested(const QString& prompt, lbdeck::AskpassReply* reply);
    // A prompt for context is open / closed: tunnels do not count the time a person takes to type.
    void promptOpened(const QString& context);
    void promptClosed(const QString& context);

private:
    void onNewConnection();
    void onReadyRead(QLocalSocket* socket);

    std::unique_ptr<RuntimeDirectory> m_dir;
    QLocalServer* m_server = nullptr; // Owned (child).
    QString m_helperPath;
};

} // namespace lbdeck
