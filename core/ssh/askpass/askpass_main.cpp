// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// lbdeck-askpass: what ssh runs as $SSH_ASKPASS for lbdeck. It forwards the prompt (argv[1]) to the
// lbdeck process named by $LBDECK_ASKPASS_SOCKET and prints the answer for ssh on stdout; exit 1
// when refused. It prints nothing else on stdout (ssh reads that as the answer) and never logs.
#include "core/ssh/AskpassProtocol.h"

#include <QCoreApplication>
#include <QLocalSocket>

#include <cstdio>
#include <cstdlib>

namespace {

int fail(const char* why)
{
    std::fprintf(stderr, "lbdeck-askpass: %s\n", why);
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QByteArray socketPath = qgetenv(lbdeck::askpass::SocketEnv);
    if (socketPath.isEmpty())
        return fail("LBDECK_ASKPASS_SOCKET is not set: ssh runs this helper for lbdeck");
    const QByteArray kind = qgetenv("SSH_ASKPASS_PROMPT");
    if (kind == "none")
        return 0; // a notice ("touch your security key"), not a question

    lbdeck::askpass::Request request;
    request.kind = kind;
    request.context = qgetenv(lbdeck::askpass::ContextEnv);
    request.prompt = argc > 1 ? QByteArray(argv[1]) : QByteArray();

    QLocalSocket socket;
    socket.connectToServer(QString::fromLocal8Bit(socketPath));
    if (!socket.waitForConnected(5000))
        return fail("lbdeck does not answer on its askpass socket");
    socket.write(lbdeck::askpass::encodeRequest(request));
    if (!socket.waitForBytesWritten(5000))
        return fail("cannot send the prompt to lbdeck");

    // A person may take a while to type: wait for as long as lbdeck keeps the socket open.
    QByteArray response;
    for (;;) {
        bool answered = false;
        QByteArray secret;
        const auto parsed = lbdeck::askpass::parseResponse(response, &answered, &secret);
        if (parsed == lbdeck::askpass::Parse::Bad)
            return fail("malformed answer from lbdeck");
        if (parsed == lbdeck::askpass::Parse::Done) {
            response.fill('\0');
            if (!answered)
                return 1;
            secret.append('\n');
            const bool written =
                std::fwrite(secret.constData(), 1, size_t(secret.size()), stdout) == size_t(secret.size());
            std::fflush(stdout);
            secret.fill('\0');
            return written ? 0 : 1;
        }
        if (!socket.waitForReadyRead(-1) && socket.bytesAvailable() == 0)
            return 1; // lbdeck closed the socket: refused, or lbdeck went away
        response += socket.readAll();
    }
}
