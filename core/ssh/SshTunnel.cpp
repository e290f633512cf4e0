// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "SshTunnel.h"

#include "AskpassServer.h"
#include "RuntimeDirectory.h"
#include "SshChildProcess.h"
#include "SshFailure.h"
#include "core/util/Logging.h"

#include <QFile>
#include <QFileInfo>
#include <QLocalSocket>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

constexpr int PollIntervalMs = 50;
constexpr int TermGraceMs = 3000;
constexpr qsizetype MaxStderrBytes = 16 * 1024;
constexpr qsizetype MaxSocketPath = 107; // sun_path holds 108 bytes with the terminating NUL

} // namespace

SshTunnel::SshTunnel(SshDestination destination, SshForward forward, SshTunnelOptions options,
                     QObject* parent)
    : QObject(parent)
    , m_destination(std::move(destination))
    , m_forward(std::move(forward))
    , m_options(std::move(options))
{
    m_pollTimer.setInterval(PollIntervalMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &SshTunnel::poll);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &SshTunnel::onDeadline);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &SshTunnel::launch);
}

SshTunnel::SshTunnel(SshDestination destination, SshTunnelOptions options, QObject* parent)
    : SshTunnel(destination, SshForward::unixSocket(destination.remoteSocket), std::move(options), parent)
{}

SshTunnel::~SshTunnel()
{
    // Reap every child (ssh, and helpers of a host-key check) before the socket directory goes.
    const QList<QProcess*> processes = findChildren<QProcess*>();
    for (QProcess* p : processes) {
        p->disconnect();
        if (p->state() != QProcess::NotRunning) {
            p->terminate();
            if (!p->waitForFinished(1000)) {
                p->kill();
                p->waitForFinished(1000);
            }
        }
    }
}

void SshTunnel::setAskpassServer(AskpassServer* server)
{
    if (m_askpass)
        m_askpass->disconnect(this);
    m_askpass = server;
    m_openPrompts = 0;
    if (!server)
        return;
    connect(server, &AskpassServer::promptOpened, this, [this](const QString& context) {
        if (context != askpassContext())
            return;
        if (++m_openPrompts == 1 && m_deadline.isActive()) {
            m_deadlineLeftMs = m_deadline.remainingTime();
            m_deadline.stop();
        }
    });
    connect(server, &AskpassServer::promptClosed, this, [this](const QString& context) {
        if (context != askpassContext() || m_openPrompts == 0)
            return;
        if (--m_openPrompts == 0 && m_process && m_state != State::Ready)
            m_deadline.start(qMax(m_deadlineLeftMs, 5000));
    });
}

QString SshTunnel::hostPort() const
{
    if (m_resolved.hostName.isEmpty())
        return m_destination.hostPort();
    const QString h =
        m_resolved.hostName.contains(u':') ? u'[' + m_resolved.hostName + u']' : m_resolved.hostName;
    return h + u':' + QString::number(m_resolved.port);
}

qint64 SshTunnel::processId() const
{
    return m_process ? m_process->processId() : 0;
}

QString SshTunnel::stateName(State state)
{
    switch (state) {
    case State::Idle:
        return u"idle"_s;
    case State::CheckingHostKey:
        return u"checking host key"_s;
    case State::Connecting:
        return u"connecting"_s;
    case State::Ready:
        return u"ready"_s;
    case State::Reconnecting:
        return u"reconnecting"_s;
    case State::Failed:
        return u"failed"_s;
    }
    return QString();
}

QStringList SshTunnel::sshArguments() const
{
    return sshTunnelArguments(m_destination, m_forward, m_options, m_localSocket, usesAskpass());
}

bool SshTunnel::usesAskpass() const
{
    return m_askpass && m_askpass->isListening();
}

Result<void> SshTunnel::prepareLocalDirectory()
{
    if (m_dir)
        return {};
    const QString base = RuntimeDirectory::base(m_options.runtimeDirectory);
    // A fresh directory only this user can enter, so nobody else reaches the socket; its owner
    // lock lets a later start remove it if this process is killed.
    Result<std::unique_ptr<RuntimeDirectory>> dir =
        RuntimeDirectory::create(base, RuntimeDirectory::SshTunnelPrefix);
    if (!dir)
        return makeError(ErrorCode::Io,
                         u"the tunnel to %1: %2"_s.arg(m_destination.displayName(), dir.error().message),
                         dir.error().where);
    // Kept only once usable: a later start() must not skip these checks.
    const QString socket = (*dir)->path() + u'/' + sshSocketName(m_destination.host);
    if (socket.toLocal8Bit().size() > MaxSocketPath)
        return makeError(ErrorCode::InvalidArgument,
                         u"the tunnel's socket path %1 is longer than a unix socket allows; use a shorter "
                         u"runtime directory (XDG_RUNTIME_DIR)"_s.arg(socket),
                         socket);
    if (socket.contains(u':') || socket.contains(u'%'))
        return makeError(
            ErrorCode::InvalidArgument,
            u"the tunnel's socket path %1 holds ':' or '%', which ssh would misread"_s.arg(socket), socket);
    m_dir = std::move(*dir);
    m_localSocket = socket;
    return {};
}

void SshTunnel::start()
{
    if (m_state != State::Idle && m_state != State::Failed)
        return;
    m_lastError = Error();
    m_resolved = SshResolvedHost();
    m_pendingKey = SshHostKey();
    m_scanProblem.clear();
    m_everReady = false;
    m_backoff = std::chrono::milliseconds(0);
    m_restarts = 0;
    if (Result<void> dir = prepareLocalDirectory(); !dir) {
        fail(dir.error());
        return;
    }
    if (m_forward.kind == SshForward::Kind::Tcp &&
        (m_forward.remotePort == 0 || m_forward.remoteHost.isEmpty() || m_forward.remoteHost.contains(u'/')))
        return fail(makeError(ErrorCode::InvalidArgument,
                              u"invalid remote TCP target %1"_s.arg(m_forward.toString()),
                              m_destination.displayName()));
    if (m_forward.kind == SshForward::Kind::UnixSocket &&
        (!m_forward.remoteSocket.startsWith(u'/') || m_forward.remoteSocket.contains(u':') ||
         m_forward.remoteSocket.contains(u'%')))
        return fail(makeError(ErrorCode::InvalidArgument,
                              u"invalid remote socket path %1"_s.arg(m_forward.remoteSocket),
                              m_destination.displayName()));

    setState(State::CheckingHostKey, u"looking up the host key of %1"_s.arg(m_destination.displayName()));
    SshHostKeys::Setup setup;
    setup.sshProgram = m_options.sshProgram;
    setup.keygenProgram = m_options.keygenProgram;
    setup.keyscanProgram = m_options.keyscanProgram;
    setup.sshArgs = sshCommonOptions(m_destination, m_options, usesAskpass());
    setup.knownHostsFiles = {sshUserKnownHostsFile(m_options), sshAppKnownHostsFile(m_options),
                             u"/etc/ssh/ssh_known_hosts"_s};
    setup.appKnownHostsFile = sshAppKnownHostsFile(m_options);
    setup.environment = m_options.environment;
    setup.timeout = std::chrono::seconds(qMax(1, m_options.connectTimeoutS));
    delete m_hostKeys;
    m_hostKeys = new SshHostKeys(setup, this);
    m_hostKeys->check(m_destination, [this](const Result<SshHostKeys::Verdict>& v) { onHostKeyVerdict(v); });
}

void SshTunnel::onHostKeyVerdict(const Result<SshHostKeys::Verdict>& verdict)
{
    if (m_state != State::CheckingHostKey)
        return;
    if (!verdict) {
        fail(verdict.error());
        return;
    }
    m_resolved = verdict->host;
    if (verdict->known) {
        launch();
        return;
    }
    if (verdict->scanned.blob.isEmpty()) {
        // No key to show: let ssh try. It says precisely why the host cannot be reached, and if it
        // can, strict checking still refuses the unknown key.
        qCInfo(lcSsh) << "could not fetch the host key of" << m_destination.displayName() << ":"
                      << verdict->scanProblem;
        m_scanProblem = verdict->scanProblem;
        launch();
        return;
    }
    m_pendingKey = verdict->scanned;
    m_awaitingApproval = true;
    setState(State::CheckingHostKey,
             u"the host key of %1 is unknown: %2 %3"_s.arg(m_pendingKey.knownHostsName, m_pendingKey.type,
                                                           m_pendingKey.fingerprint));
    Q_EMIT hostKeyUnknown(m_pendingKey.knownHostsName, m_pendingKey.type, m_pendingKey.fingerprint);
}

void SshTunnel::approveHostKey(bool approve)
{
    if (!m_awaitingApproval || m_state != State::CheckingHostKey)
        return;
    m_awaitingApproval = false;
    if (!approve) {
        fail(makeError(
            ErrorCode::PermissionDenied,
            u"the host key of %1 (%2 %3) was not accepted: nothing was recorded and lbdeck did not "
            u"connect"_s.arg(m_destination.displayName(), m_pendingKey.type, m_pendingKey.fingerprint),
            m_destination.displayName()));
        return;
    }
    if (!m_hostKeys) {
        fail(makeError(ErrorCode::Canceled, u"the host key check was canceled"_s,
                       m_destination.displayName()));
        return;
    }
    if (Result<void> recorded = m_hostKeys->record(m_pendingKey); !recorded) {
        fail(recorded.error());
        return;
    }
    launch();
}

void SshTunnel::launch()
{
    retireProcess();
    dropProbe();
    m_stderr.clear();
    if (m_hostKeys) {
        m_hostKeys->deleteLater();
        m_hostKeys = nullptr;
    }
    // A socket left by a killed ssh would look ready to the poll below.
    QFile::remove(m_localSocket);
    if (!m_everReady)
        setState(State::Connecting, u"connecting to %1"_s.arg(m_destination.displayName()));

    auto* process = new QProcess(this);
    m_process = process;
    prepareSshChildProcess(*process);
    process->setStandardOutputFile(QProcess::nullDevice());
    QProcessEnvironment env = m_options.environment;
    if (usesAskpass()) {
        m_askpass->applyTo(env, askpassContext());
    } else {
        env.remove(u"SSH_ASKPASS"_s);
        env.remove(u"SSH_ASKPASS_REQUIRE"_s);
    }
    process->setProcessEnvironment(env);
    connect(process, &QProcess::readyReadStandardError, this, [this, process] {
        const QByteArray chunk = process->readAllStandardError();
        qCDebug(lcSsh) << "ssh" << m_destination.displayName() << ":" << chunk.trimmed();
        m_stderr.append(chunk);
        if (m_stderr.size() > MaxStderrBytes)
            m_stderr = m_stderr.right(MaxStderrBytes);
    });
    connect(process, &QProcess::finished, this, [this, process](int code, QProcess::ExitStatus status) {
        onProcessFinished(process, code, status);
    });
    connect(process, &QProcess::errorOccurred, this, [this, process](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart || process != m_process)
            return;
        const QString why = process->errorString();
        fail(makeError(ErrorCode::Process, u"cannot start %1: %2"_s.arg(m_options.sshProgram, why),
                       m_destination.displayName()));
    });
    const QStringList args = sshArguments();
    qCDebug(lcSsh) << "starting" << m_options.sshProgram << args;
    process->start(m_options.sshProgram, args);
    m_deadlineLeftMs = m_options.connectTimeoutS * 1000 + int(m_options.readyGrace.count());
    if (m_openPrompts == 0)
        m_deadline.start(m_deadlineLeftMs);
    m_pollTimer.start();
}

void SshTunnel::poll()
{
    if (!m_process || m_probe || !QFileInfo::exists(m_localSocket))
        return;
    // The socket file appears at bind(); a connection that succeeds means ssh really listens.
    auto* probe = new QLocalSocket(this);
    m_probe = probe;
    connect(probe, &QLocalSocket::connected, this, [this, probe] {
        if (probe != m_probe)
            return;
        dropProbe();
        becomeReady();
    });
    connect(probe, &QLocalSocket::errorOccurred, this, [this, probe] {
        if (probe == m_probe)
            dropProbe();
    });
    probe->connectToServer(m_localSocket);
}

void SshTunnel::dropProbe()
{
    if (!m_probe)
        return;
    QLocalSocket* probe = std::exchange(m_probe, nullptr);
    probe->disconnect(this);
    probe->abort();
    probe->deleteLater();
}

void SshTunnel::becomeReady()
{
    m_pollTimer.stop();
    m_deadline.stop();
    m_backoff = std::chrono::milliseconds(0);
    m_everReady = true;
    m_scanProblem.clear();
    m_stderr.clear(); // what ssh says from now on explains the next drop
    qCInfo(lcSsh) << "tunnel to" << m_destination.displayName() << m_forward.toString() << "ready at"
                  << m_localSocket;
    setState(State::Ready, m_localSocket);
    Q_EMIT ready(m_localSocket);
}

void SshTunnel::onProcessFinished(QProcess* process, int exitCode, QProcess::ExitStatus status)
{
    if (process != m_process)
        return;
    m_stderr.append(process->readAllStandardError());
    m_process = nullptr;
    process->deleteLater();
    dropProbe();
    m_pollTimer.stop();
    m_deadline.stop();

    const SshFailureContext context{m_destination.displayName(), hostPort(), m_options.connectTimeoutS,
                                    m_resolved.hostName.isEmpty() ? hostPort() : m_resolved.knownHostsName(),
                                    sshAppKnownHostsFile(m_options)};
    Error error =
        status == QProcess::CrashExit && m_stderr.trimmed().isEmpty()
            ? makeError(ErrorCode::Process, u"ssh to %1 was killed"_s.arg(m_destination.displayName()),
                        m_destination.displayName())
            : interpretSshFailure(m_stderr, exitCode, context);
    if (!m_scanProblem.isEmpty() && error.code == ErrorCode::PermissionDenied)
        error.message += u" (fetching the key failed: %1)"_s.arg(m_scanProblem);

    if (m_state == State::Ready) {
        qCInfo(lcSsh) << "tunnel to" << m_destination.displayName() << "dropped:" << error.message;
        scheduleReconnect(error.message);
    } else if (m_everReady && !isPermanentSshFailure(error)) {
        scheduleReconnect(error.message);
    } else {
        fail(error);
    }
}

void SshTunnel::onDeadline()
{
    if (!m_process || m_state == State::Ready)
        return;
    const QString last = QString::fromUtf8(m_stderr.trimmed().right(300));
    retireProcess();
    dropProbe();
    m_pollTimer.stop();
    const int seconds = (m_options.connectTimeoutS * 1000 + int(m_options.readyGrace.count()) + 999) / 1000;
    const Error error = makeError(ErrorCode::Timeout,
                                  u"%1 did not answer within %2 s: ssh set up no forward%3"_s.arg(hostPort())
                                      .arg(seconds)
                                      .arg(last.isEmpty() ? QString() : u" (%1)"_s.arg(last)),
                                  m_destination.displayName());
    if (m_everReady)
        scheduleReconnect(error.message);
    else
        fail(error);
}

void SshTunnel::scheduleReconnect(const QString& why)
{
    m_backoff = m_backoff.count() == 0 ? m_options.initialBackoff : qMin(m_options.maxBackoff, m_backoff * 2);
    ++m_restarts;
    setState(State::Reconnecting, u"%1; retrying in %2 ms"_s.arg(why).arg(m_backoff.count()));
    m_retry.start(m_backoff);
}

void SshTunnel::fail(const Error& error)
{
    m_lastError = error;
    m_retry.stop();
    m_pollTimer.stop();
    m_deadline.stop();
    m_awaitingApproval = false;
    retireProcess();
    dropProbe();
    if (m_hostKeys) {
        m_hostKeys->deleteLater();
        m_hostKeys = nullptr;
    }
    qCWarning(lcSsh) << "tunnel to" << m_destination.displayName() << "failed:" << error.message;
    setState(State::Failed, error.message);
    Q_EMIT failed(error);
}

void SshTunnel::stop()
{
    m_retry.stop();
    m_pollTimer.stop();
    m_deadline.stop();
    m_awaitingApproval = false;
    retireProcess();
    dropProbe();
    if (m_hostKeys) {
        m_hostKeys->deleteLater();
        m_hostKeys = nullptr;
    }
    if (!m_localSocket.isEmpty())
        QFile::remove(m_localSocket);
    setState(State::Idle);
}

void SshTunnel::retireProcess()
{
    if (!m_process)
        return;
    QProcess* process = std::exchange(m_process, nullptr);
    process->disconnect(this);
    if (process->state() == QProcess::NotRunning) {
        process->deleteLater();
        return;
    }
    // Reaped asynchronously; still a child, so the destructor reaps it if it comes first.
    connect(process, &QProcess::finished, process, &QObject::deleteLater);
    QTimer::singleShot(TermGraceMs, process, [process] { process->kill(); });
    process->terminate();
}

void SshTunnel::setState(State state, const QString& detail)
{
    if (m_state == state && detail.isEmpty())
        return;
    m_state = state;
    Q_EMIT stateChanged(state, detail);
}

} // namespace lbdeck
