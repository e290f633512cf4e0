// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BackendService.h"

#include "BackendOperation.h"
#include "EngineLink.h"
#include "NodeConnection.h"
#include "core/docker/DockerClient.h"
#include "core/etcd/EtcdKv.h"

#include <QElapsedTimer>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

// Docker's "nothing to do" answers (already gone, already stopped) are success for our purpose.
Result<void> ignoreGone(const Result<void>& r)
{
    if (!r && (r.error().code == ErrorCode::NotFound || r.error().status == 304))
        return {};
    return r;
}

Error nodeNotReady(NodeConnection* node)
{
    return makeError(ErrorCode::Unavailable,
                     u"node is not connected: %1"_s.arg(node ? node->detail() : QString()),
                     node ? node->profile().name : QString());
}

} // namespace

BackendService::BackendService(EtcdKv* etcd, QByteArray prefix, BackendDefaults defaults,
                               OperationJournal journal, QObject* parent)
    : QObject(parent)
    , m_etcd(etcd)
    , m_prefix(std::move(prefix))
    , m_defaults(std::move(defaults))
    , m_journal(std::move(journal))
{}

QString BackendService::containerName(quint16 port) const
{
    return m_defaults.namePattern.arg(port);
}

QByteArray BackendService::keyOf(quint16 port) const
{
    QByteArray p = m_prefix;
    if (!p.endsWith('/'))
        p += '/';
    return p + containerName(port).toUtf8();
}

BackendOperation* BackendService::start(NodeConnection* node, quint16 port, const QString& image)
{
    const QString name = containerName(port);
    const QByteArray key = keyOf(port);
    const QString address = u"%1:%2"_s.arg(node->profile().publishAddress).arg(port);
    auto* op = new BackendOperation(u"Start %1 on %2"_s.arg(name, node->profile().name), this);
    QPointer<NodeConnection> n(node);
    QPointer<BackendService> self(this);
    auto docker = [n]() -> DockerClient* {
        return n && n->state() == NodeConnection::State::Ready ? n->docker() : nullptr;
    };

    op->addStep(
        u"Removing a stale %1 container"_s.arg(name), [docker, n, name, op](BackendOperation::Done done) {
            DockerClient* d = docker();
            if (!d)
                return done(nodeNotReady(n));
            d->removeContainer(name, true, false, op, [done](const Result<void>& r) { done(ignoreGone(r)); });
        });
    op->addStep(
        u"Registering %1 = %2 in etcd"_s.arg(QString::fromUtf8(key), address),
        [self, key, address, op](BackendOperation::Done done) {
            if (!self || !self->m_etcd)
                return done(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
            self->m_etcd->put(key, address.toUtf8(), 0, op,
                              [done](const Result<qint64>& r) { done(toVoid(r)); });
        },
        [self, key, op](BackendOperation::Done done) {
            if (!self || !self->m_etcd)
                return done({});
            self->m_etcd->remove(key, op, [done](const Result<qint64>& r) { done(toVoid(r)); });
        });
    op->addStep(
        u"Creating %1 from %2"_s.arg(name, image.isEmpty() ? m_defaults.image : image),
        [self, docker, n, name, key, address, port, image, op](BackendOperation::Done done) {
            DockerClient* d = docker();
            if (!d || !self)
                return done(nodeNotReady(n));
            ContainerSpec spec;
            spec.image = image.isEmpty() ? self->m_defaults.image : image;
            spec.hostname = name;
            spec.env = {u"LBDECK_BACKEND=%1"_s.arg(name)};
            spec.labels = {{QString::fromLatin1(LabelBackend), name},
                           {QString::fromLatin1(LabelKey), QString::fromUtf8(key)},
                           {QString::fromLatin1(LabelAddress), address},
                           {QString::fromLatin1(LabelNode), n->profile().name}};
            spec.ports = {PortBinding{n->profile().publishAddress, port,
                                      quint16(self->m_defaults.containerPort), u"tcp"_s}};
            d->createContainer(name, spec, op, [done](const Result<QString>& r) { done(toVoid(r)); });
        },
        [docker, name, op](BackendOperation::Done done) {
            if (DockerClient* d = docker())
                d->removeContainer(name, true, false, op,
                                   [done](const Result<void>& r) { done(ignoreGone(r)); });
            else
                done({});
        });
    op->addStep(u"Starting %1"_s.arg(name), [docker, n, name, op](BackendOperation::Done done) {
        DockerClient* d = docker();
        if (!d)
            return done(nodeNotReady(n));
        d->startContainer(name, op, done);
    });
    op->addStep(u"Checking that %1 runs"_s.arg(name), [docker, n, name, op](BackendOperation::Done done) {
        DockerClient* d = docker();
        if (!d)
            return done(nodeNotReady(n));
        d->inspectContainer(name, op, [done, name](const Result<ContainerInfo>& info) {
            if (!info)
                return done(info.error());
            if (!info->state.running)
                return done(makeError(ErrorCode::Process,
                                      u"%1 exited right away (exit code %2); see its logs"_s.arg(name).arg(
                                          info->state.exitCode)));
            done({});
        });
    });
    op->begin();
    return op;
}

void BackendService::addStopSteps(BackendOperation* op, NodeConnection* node, quint16 port)
{
    const QString name = containerName(port);
    QPointer<NodeConnection> n(node);
    auto docker = [n]() -> DockerClient* {
        return n && n->state() == NodeConnection::State::Ready ? n->docker() : nullptr;
    };
    op->addPointOfNoReturn();
    op->addStep(u"Stopping %1 (3 s before SIGKILL, like docker stop -t 3)"_s.arg(name),
                [docker, n, name, op](BackendOperation::Done done) {
                    DockerClient* d = docker();
                    if (!d)
                        return done(nodeNotReady(n));
                    d->stopContainer(name, 3, op, [done](const Result<void>& r) { done(ignoreGone(r)); });
                });
    op->addStep(u"Removing %1"_s.arg(name), [docker, n, name, op](BackendOperation::Done done) {
        DockerClient* d = docker();
        if (!d)
            return done(nodeNotReady(n));
        d->removeContainer(name, false, false, op, [done](const Result<void>& r) { done(ignoreGone(r)); });
    });
    QPointer<BackendService> self(this);
    const OperationJournal::Entry entry{node->profile().name, name, keyOf(port)};
    op->addStep(u"Done"_s, [self, entry](BackendOperation::Done done) {
        if (self)
            (void)self->m_journal.remove(entry);
        done({});
    });
}

BackendOperation* BackendService::stop(NodeConnection* node, quint16 port)
{
    const QString name = containerName(port);
    const QByteArray key = keyOf(port);
    auto* op = new BackendOperation(u"Stop %1 on %2"_s.arg(name, node->profile().name), this);
    QPointer<BackendService> self(this);
    const OperationJournal::Entry entry{node->profile().name, name, key};
    auto previous = std::make_shared<QByteArray>();
    op->addStep(
        u"Unregistering %1 from etcd"_s.arg(QString::fromUtf8(key)),
        [self, key, entry, previous, op](BackendOperation::Done done) {
            if (!self || !self->m_etcd)
                return done(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
            // Written down first: if lbdeck dies between here and the removal, the next resync finishes the
            // stop.
            if (Result<void> j = self->m_journal.add(entry); !j)
                return done(j);
            self->m_etcd->getPrefix(key, op, [self, key, previous, done, op](const Result<KvSnapshot>& snap) {
                if (snap) {
                    for (const KeyValue& kv : snap->kvs) {
                        if (kv.key == key)
                            *previous = kv.value;
                    }
                }
                if (!self || !self->m_etcd)
                    return done(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
                self->m_etcd->remove(key, op, [done](const Result<qint64>& r) { done(toVoid(r)); });
            });
        },
        [self, key, entry, previous, op](BackendOperation::Done done) {
            if (self)
                (void)self->m_journal.remove(entry);
            if (!self || !self->m_etcd || previous->isEmpty())
                return done({});
            self->m_etcd->put(key, *previous, 0, op, [done](const Result<qint64>& r) { done(toVoid(r)); });
        });
    addStopSteps(op, node, port);
    op->begin();
    return op;
}

BackendOperation* BackendService::drainAndStop(NodeConnection* node, quint16 port, EngineLink* engine,
                                               std::chrono::milliseconds reloadTimeout,
                                               std::chrono::milliseconds connectionTimeout)
{
    const QString name = containerName(port);
    const QByteArray key = keyOf(port);
    const QString address = u"%1:%2"_s.arg(node->profile().publishAddress).arg(port);
    auto* op = new BackendOperation(u"Drain and stop %1 on %2"_s.arg(name, node->profile().name), this);
    QPointer<BackendService> self(this);
    QPointer<EngineLink> link(engine);
    QPointer<NodeConnection> n(node);
    const OperationJournal::Entry entry{node->profile().name, name, key};
    op->addStep(u"Unregistering %1 from etcd"_s.arg(QString::fromUtf8(key)),
                [self, key, entry, op](BackendOperation::Done done) {
                    if (!self || !self->m_etcd)
                        return done(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
                    if (Result<void> j = self->m_journal.add(entry); !j)
                        return done(j);
                    self->m_etcd->remove(key, op, [done](const Result<qint64>& r) { done(toVoid(r)); });
                });
    op->addStep(u"Waiting for nginx to reload without %1"_s.arg(address), [link, address, reloadTimeout,
                                                                           op](BackendOperation::Done done) {
        if (!link)
            return done(
                makeError(ErrorCode::Unavailable, u"no engine to confirm the reload; use Stop instead"_s));
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        auto* poll = new QTimer(op);
        poll->start(100);
        QObject::connect(poll, &QTimer::timeout, op, [poll, link, address, clock, reloadTimeout, done] {
            if (!link) {
                poll->deleteLater();
                return done(makeError(ErrorCode::Unavailable, u"the engine went away"_s));
            }
            link->refresh();
            if (link->isReachable() && !link->isLive(address)) {
                poll->deleteLater();
                return done({});
            }
            if (clock->elapsed() > reloadTimeout.count()) {
                poll->deleteLater();
                return done(makeError(
                    ErrorCode::Timeout,
                    u"nginx still serves %1 after %2 s: check the engine's ledger"_s.arg(address).arg(
                        reloadTimeout.count() / 1000)));
            }
        });
    });
    op->addStep(u"Waiting for open connections to %1 to end"_s.arg(name), [n, name, connectionTimeout, self,
                                                                           op](BackendOperation::Done done) {
        if (!n || !n->docker())
            return done(nodeNotReady(n));
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        // The pending exec or timer holds the check alive; the check itself only refers to itself
        // weakly, so it is freed once the wait is over (a strong self-reference would leak it).
        auto check = std::make_shared<std::function<void()>>();
        *check = [n, name, clock, connectionTimeout, done, weak = std::weak_ptr(check), op] {
            const std::shared_ptr<std::function<void()>> again = weak.lock();
            if (!again)
                return;
            if (!n || !n->docker())
                return done(nodeNotReady(n));
            n->docker()->exec(name, {u"/bin/busybox"_s, u"netstat"_s, u"-tn"_s}, op,
                              [n, clock, connectionTimeout, done, again, op](const Result<ExecResult>& r) {
                                  // No netstat in the image: nothing to wait for, nothing to count.
                                  if (!r || r->exitCode != 0)
                                      return done({});
                                  const bool open = r->stdOut.contains("ESTABLISHED");
                                  if (!open || clock->elapsed() > connectionTimeout.count())
                                      return done({});
                                  QTimer::singleShot(200, op, [again] { (*again)(); });
                              });
        };
        (*check)();
    });
    addStopSteps(op, node, port);
    op->begin();
    return op;
}

BackendOperation* BackendService::restart(NodeConnection* node, quint16 port, const QString& image)
{
    auto* op =
        new BackendOperation(u"Restart %1 on %2"_s.arg(containerName(port), node->profile().name), this);
    QPointer<BackendService> self(this);
    QPointer<NodeConnection> n(node);
    auto runChild = [op](BackendOperation* child, BackendOperation::Done done) {
        QObject::connect(child, &BackendOperation::progress, op,
                         [op](int, int, const QString& text) { Q_EMIT op->progress(0, 0, text); });
        QObject::connect(child, &BackendOperation::finished, op, [child, done] {
            child->deleteLater();
            done(child->result());
        });
    };
    op->addStep(u"Stopping"_s, [self, n, port, runChild](BackendOperation::Done done) {
        if (!self || !n)
            return done(makeError(ErrorCode::Unavailable, u"gone"_s));
        runChild(self->stop(n, port), done);
    });
    op->addStep(u"Starting"_s, [self, n, port, image, runChild](BackendOperation::Done done) {
        if (!self || !n)
            return done(makeError(ErrorCode::Unavailable, u"gone"_s));
        runChild(self->start(n, port, image), done);
    });
    op->begin();
    return op;
}

} // namespace lbdeck
