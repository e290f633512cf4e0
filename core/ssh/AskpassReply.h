// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>

class QLocalSocket;

namespace lbdeck {

// One question ssh asks through lbdeck-askpass: a key passphrase, a password, or a yes/no.
// Answer it once with answer() or refuse(); it deletes itself afterwards (hold it in a QPointer).
// The secret goes to the waiting helper and nowhere else: it is never stored or logged.
class AskpassReply : public QObject
{
    Q_OBJECT
public:
    enum class Kind
    {
        Secret,  // a passphrase or password: answer(secret)
        Confirm, // a yes/no question: answer({}) is yes, refuse() is no
    };

    ~AskpassReply() override;

    QString prompt() const { return m_prompt; }
    // Which tunnel asks: its destination, "root@127.0.0.1:2222".
    QString context() const { return m_context; }
    Kind kind() const { return m_kind; }
    bool isPending() const { return !m_done; }

    void answer(const QString& secret);
    void refuse();

Q_SIGNALS:
    // ssh went away (or the answer took too long) before an answer: close the dialog.
    void canceled();
    // Answered, refused or canceled: emitted once.
    void closed();

private:
    friend class AskpassServer;
    AskpassReply(QLocalSocket* socket, QString prompt, QString context, Kind kind, QObject* parent);
    void finish(const QByteArray& response);
    void cancel();

    QPointer<QLocalSocket> m_socket; // Owned (child); closed once answered.
    QString m_prompt;
    QString m_context;
    Kind m_kind;
    QTimer m_expiry;
    bool m_done = false;
};

} // namespace lbdeck
