// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "AccessLogReceiver.h"

#include "AccessLogParser.h"
#include "core/util/Logging.h"

#include <QFile>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck::traffic {

namespace {

QString errnoText(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

} // namespace

AccessLogReceiver::AccessLogReceiver(QObject* parent)
    : QObject(parent)
{}

AccessLogReceiver::~AccessLogReceiver()
{
    close();
}

Result<void> AccessLogReceiver::listen(const AccessLogReceiverConfig& config)
{
    close();
    const QByteArray path = QFile::encodeName(config.path);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.isEmpty() || static_cast<size_t>(path.size()) >= sizeof(addr.sun_path))
        return makeError(
            ErrorCode::InvalidArgument,
            u"the access-log socket path is empty or longer than %1 bytes"_s.arg(sizeof(addr.sun_path) - 1),
            config.path);
    std::memcpy(addr.sun_path, path.constData(), static_cast<size_t>(path.size()));

    struct stat st
    {
    };
    if (::lstat(path.constData(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return makeError(ErrorCode::Conflict, u"exists and is not a socket; refusing to replace it"_s,
                             config.path);
        ::unlink(path.constData());
    }

    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return makeError(ErrorCode::Io, u"socket(AF_UNIX, SOCK_DGRAM): %1"_s.arg(errnoText(errno)),
                         config.path);
    auto fail = [&](const QString& what) {
        const int err = errno;
        ::close(fd);
        return makeError(ErrorCode::Io, u"%1: %2"_s.arg(what, errnoText(err)), config.path);
    };
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0)
        return fail(u"bind"_s);
    // A fresh socket file gets 0777 & ~umask; narrow (or widen) it to what was asked before nginx sends.
    if (::chmod(path.constData(), static_cast<mode_t>(config.mode)) != 0)
        return fail(u"chmod %1"_s.arg(config.mode, 4, 8, QLatin1Char('0')));
    if (config.group >= 0 &&
        ::chown(path.constData(), static_cast<uid_t>(-1), static_cast<gid_t>(config.group)) != 0)
        return fail(u"chown :%1"_s.arg(config.group));
    const int on = 1;
    if (::setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) != 0)
        return fail(u"SO_PASSCRED"_s);
    if (::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) != 0)
        return fail(u"SO_RXQ_OVFL"_s);
    const int size = config.receiveBufferBytes;
    if (size > 0 && ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0 &&
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) != 0)
        return fail(u"SO_RCVBUF %1"_s.arg(size));

    m_config = config;
    if (m_config.allowedUids.isEmpty())
        m_config.allowedUids << static_cast<quint32>(::getuid());
    m_fd = fd;
    m_buffer.resize(AccessLogParser::kMaxDatagram + 1);
    m_notifier = new QSocketNotifier(static_cast<qintptr>(fd), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &AccessLogReceiver::drain);
    const int queue = maxDatagramQueue();
    if (queue >= 0 && queue < 64)
        qCWarning(lcTraffic).noquote()
            << u"net.unix.max_dgram_qlen is %1: nginx drops access-log lines (silently) when more wait; "
               u"raise it (sysctl -w net.unix.max_dgram_qlen=512)"_s.arg(queue);
    qCInfo(lcTraffic).noquote()
        << u"access-log socket %1 (receive buffer %2 bytes)"_s.arg(config.path).arg(receiveBufferBytes());
    return {};
}

void AccessLogReceiver::close()
{
    if (m_fd < 0)
        return;
    delete m_notifier;
    m_notifier = nullptr;
    ::close(m_fd);
    m_fd = -1;
    ::unlink(QFile::encodeName(m_config.path).constData());
}

int AccessLogReceiver::receiveBufferBytes() const
{
    int size = 0;
    socklen_t len = sizeof(size);
    if (m_fd < 0 || ::getsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &size, &len) != 0)
        return -1;
    return size;
}

int AccessLogReceiver::maxDatagramQueue()
{
    QFile f(u"/proc/sys/net/unix/max_dgram_qlen"_s);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    bool ok = false;
    const int n = f.readAll().trimmed().toInt(&ok);
    return ok ? n : -1;
}

void AccessLogReceiver::drain()
{
    // Bounded per wakeup so a flood cannot starve the event loop; the notifier fires again.
    for (int i = 0; i < 256 && m_fd >= 0; ++i) {
        iovec iov{m_buffer.data(), static_cast<size_t>(m_buffer.size())};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(quint32))];
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        const ssize_t n = ::recvmsg(m_fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                qCWarning(lcTraffic).noquote() << u"access-log socket: recvmsg: %1"_s.arg(errnoText(errno));
            return;
        }
        ++m_counters.datagrams;
        bool haveCred = false;
        ucred cred{};
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET)
                continue;
            if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(ucred))) {
                std::memcpy(&cred, CMSG_DATA(c), sizeof(cred));
                haveCred = true;
            } else if (c->cmsg_type == SO_RXQ_OVFL && c->cmsg_len >= CMSG_LEN(sizeof(quint32))) {
                quint32 dropped = 0;
                std::memcpy(&dropped, CMSG_DATA(c), sizeof(dropped));
                // A running total for the socket; keep the largest seen.
                m_counters.kernelDropped = qMax<quint64>(m_counters.kernelDropped, dropped);
            }
        }
        if (!haveCred || !m_config.allowedUids.contains(static_cast<quint32>(cred.uid))) {
            ++m_counters.refusedSender;
            const QString reason =
                haveCred ? u"sender uid %1 (pid %2) is not allowed"_s.arg(cred.uid).arg(cred.pid)
                         : u"datagram without sender credentials"_s;
            // The first, then at powers of two: a hostile sender cannot flood the log.
            if ((m_counters.refusedSender & (m_counters.refusedSender - 1)) == 0)
                qCWarning(lcTraffic).noquote()
                    << u"access-log socket: %1 (%2 refused so far)"_s.arg(reason).arg(
                           m_counters.refusedSender);
            Q_EMIT datagramRefused(reason);
            continue;
        }
        if ((msg.msg_flags & MSG_TRUNC) != 0) {
            ++m_counters.malformed;
            Q_EMIT datagramRefused(u"datagram larger than %1 bytes"_s.arg(AccessLogParser::kMaxDatagram));
            continue;
        }
        const Result<AccessLogRecord> rec =
            AccessLogParser::parse(QByteArrayView(m_buffer.constData(), n), m_config.tag);
        if (!rec) {
            ++m_counters.malformed;
            qCDebug(lcTraffic).noquote() << rec.error().toString();
            Q_EMIT datagramRefused(rec.error().message);
            continue;
        }
        ++m_counters.accepted;
        Q_EMIT recordReceived(*rec);
    }
}

} // namespace lbdeck::traffic
