// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "AskpassServer.h"

#include "AskpassProtocol.h"
#include "RuntimeDirectory.h"
#include "core/util/Logging.h"

#include <QCoreApplication>
#include <QLocalServer>
#include <QLocalSocket>
#include <QMetaMethod>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {
constexpr qsizetype MaxRequestBytes = 3 * (askpass::MaxField + 4) + askpass::MagicSize;
const char* const BufferProperty = "lbdeckAskpassBuffer";
} // namespace

AskpassServer::AskpassServer(QObject* parent)
    : QObject(parent)
    , m_helperPath(defaultHelperPath())
{}

AskpassServer::~AskpassServer()
{
    // Open prompts end (their helpers see a refusal) while this object can still say so: tunnels
    // count open prompts through promptClosed().
    const QList<AskpassReply*> replies = findChildren<AskpassReply*>(Qt::FindDirectChildrenOnly);
    qDeleteAll(replies);
}

QString AskpassServer::defaultHelperPath()
{
    return QCoreApplication::applicationDirPath() + u"/lbdeck-askpass"_s;
}

Result<void> AskpassServer::listen()
{
    if (isListening())
        return {};
    // Only this user can reach the socket inside (0700); its owner lock lets a later start remove
    // the directory if this process is killed.
    Result<std::unique_ptr<RuntimeDirectory>> dir =
        RuntimeDirectory::create(RuntimeDirectory::base(), RuntimeDirectory::AskpassPrefix);
    if (!dir)
        return makeError(ErrorCode::Io, u"the askpass socket: %1"_s.arg(dir.error().message),
                         dir.error().where);
    m_dir = std::move(*dir);
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    const QString path = m_dir->path() + u"/askpass.sock"_s;
    if (!m_server->listen(path)) {
        const QString why = m_server->errorString();
        delete std::exchange(m_server, nullptr);
        return makeError(ErrorCode::Io, u"cannot listen on %1: %2"_s.arg(path, why), path);
    }
    connect(m_server, &QLocalServer::newConnection, this, &AskpassServer::onNewConnection);
    return {};
}

bool AskpassServer::isListening() const
{
    return m_server && m_server->isListening();
}

QString AskpassServer::socketPath() const
{
    return m_server ? m_server->fullServerName() : QString();
}

void AskpassServer::applyTo(QProcessEnvironment& environment, const QString& context) const
{
    environment.insert(u"SSH_ASKPASS"_s, m_helperPath);
    // force: ssh has no terminal (its own session) and must not need $DISPLAY to use the helper.
    environment.insert(u"SSH_ASKPASS_REQUIRE"_s, u"force"_s);
    environment.insert(QString::fromLatin1(askpass::SocketEnv), socketPath());
    environment.insert(QString::fromLatin1(askpass::ContextEnv), context);
}

void AskpassServer::onNewConnection()
{
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void AskpassServer::onReadyRead(QLocalSocket* socket)
{
    QByteArray buffer = socket->property(BufferProperty).toByteArray() + socket->readAll();
    askpass::Request request;
    const askpass::Parse parsed = askpass::parseRequest(buffer, &request);
    if (parsed == askpass::Parse::NeedMore && buffer.size() <= MaxRequestBytes) {
        socket->setProperty(BufferProperty, buffer);
        return;
    }
    socket->disconnect(this);
    if (parsed != askpass::Parse::Done) {
        qCWarning(lcSsh) << "askpass: dropped a malformed request";
        socket->abort();
        return;
    }
    socket->setProperty(BufferProperty, QVariant());
    const QString context = QString::fromUtf8(request.context);
    const auto kind = request.kind == "confirm" ? AskpassReply::Kind::Confirm : AskpassReply::Kind::Secret;
    auto* reply = new AskpassReply(socket, QString::fromUtf8(request.prompt), context, kind, this);
    qCInfo(lcSsh) << "ssh asks for" << (kind == AskpassReply::Kind::Confirm ? "a confirmation" : "a secret")
                  << "for" << context << ":" << reply->prompt();
    connect(reply, &AskpassReply::closed, this, [this, context] { Q_EMIT promptClosed(context); });
    Q_EMIT promptOpened(context);
    if (!isSignalConnected(QMetaMethod::fromSignal(&AskpassServer::passwordRequested))) {
        qCWarning(lcSsh) << "askpass: nobody answers prompts; refusing";
        reply->refuse();
        return;
    }
    Q_EMIT passwordRequested(reply->prompt(), reply);
}

} // namespace lbdeck
