// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "AskpassReply.h"

#include "AskpassProtocol.h"
#include "core/util/Logging.h"

#include <QLocalSocket>

namespace lbdeck {

namespace {
// Nobody types a passphrase for longer; a forgotten dialog must not hold ssh forever.
constexpr int ExpiryMs = 5 * 60 * 1000;
} // namespace

AskpassReply::AskpassReply(QLocalSocket* socket, QString prompt, QString context, Kind kind, QObject* parent)
    : QObject(parent)
    , m_socket(socket)
    , m_prompt(std::move(prompt))
    , m_context(std::move(context))
    , m_kind(kind)
{
    socket->setParent(this);
    connect(socket, &QLocalSocket::disconnected, this, &AskpassReply::cancel);
    m_expiry.setSingleShot(true);
    connect(&m_expiry, &QTimer::timeout, this, [this] {
        qCInfo(lcSsh) << "askpass prompt for" << m_context << "was not answered in time; refusing it";
        Q_EMIT canceled();
        finish(askpass::encodeRefusal());
    });
    m_expiry.start(ExpiryMs);
}

AskpassReply::~AskpassReply()
{
    if (!m_done) {
        m_done = true;
        if (m_socket)
            m_socket->abort(); // the helper sees a closed socket and exits 1: a refusal
        Q_EMIT closed();
    }
}

void AskpassReply::answer(const QString& secret)
{
    QByteArray bytes = secret.toUtf8();
    finish(askpass::encodeAnswer(bytes));
    bytes.fill('\0'); // best effort: the copy in the socket's buffer is gone once written
}

void AskpassReply::refuse()
{
    finish(askpass::encodeRefusal());
}

void AskpassReply::finish(const QByteArray& response)
{
    if (m_done)
        return;
    m_done = true;
    m_expiry.stop();
    if (m_socket && m_socket->state() == QLocalSocket::ConnectedState) {
        // The socket outlives this reply until the helper has the bytes: deleting it now would
        // abort the write.
        QLocalSocket* socket = m_socket.data();
        socket->disconnect(this);
        socket->setParent(nullptr);
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        socket->write(response);
        socket->disconnectFromServer();
        if (socket->state() == QLocalSocket::UnconnectedState)
            socket->deleteLater();
    }
    Q_EMIT closed();
    deleteLater();
}

void AskpassReply::cancel()
{
    if (m_done)
        return;
    m_done = true;
    m_expiry.stop();
    Q_EMIT canceled();
    Q_EMIT closed();
    deleteLater();
}

} // namespace lbdeck
