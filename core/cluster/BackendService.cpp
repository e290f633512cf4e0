// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BackendService.h"

#include "DrainWatch.h"

#include "BackendAddress.h"
#include "BackendOperation.h"
#include "EngineLink.h"
#include "FenceRecord.h"
#include "ListenerProbe.h"
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

void BackendService::setNodes(const QList<NodeConnection*>& nodes)
{
    m_nodes.clear();
    for (NodeConnection* n : nodes)
        m_nodes.append(n);
}

QString BackendService::holderOf(const QString& address) const
{
    const QString host = BackendAddress::hostOf(address.toUtf8());
    for (const QPointer<NodeConnection>& n : m_nodes) {
        if (n && n->profile().publishAddress == host)
            return n->profile().name;
    }
    return QString();
}

void BackendService::addStartChecks(BackendOperation* op, NodeConnection* node, quint16 port)
{
    const QString name = containerName(port);
    const QByteArray key = keyOf(port);
    const QString host = node->profile().publishAddress;
    const QString address = BackendAddress::join(host, port);
    QPointer<BackendService> self(this);
    QPointer<NodeConnection> n(node);
    auto stale = std::make_shared<bool>(false);

    op->addStep(u"Checking that %1 is free in etcd"_s.arg(QString::fromUtf8(key)),
                [self, key, name, op](BackendOperation::Done done) {
                    if (!self || !self->m_etcd)
                        return done(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
                    self->m_etcd->getPrefix(key, op, [self, key, name, done](const Result<KvSnapshot>& snap) {
                        if (!snap)
                            return done(snap.error());
                        for (const KeyValue& kv : snap->kvs) {
                            if (kv.key != key)
                                continue;
                            const QString value = QString::fromUtf8(kv.value);
                            const QString holder = self ? self->holderOf(value) : QString();
                            return done(makeError(
                                ErrorCode::Conflict,
                                u"%1 is already registered as %2%3. Stop that backend first, or use "
                                u"Replace…"_s.arg(QString::fromUtf8(key), value,
                                                  holder.isEmpty() ? QString()
                                                                   : u" (%1 on %2)"_s.arg(name, holder))));
                        }
                        done({});
                    });
                });

    op->addStep(
        u"Checking that no node runs %1 or holds %2"_s.arg(name, address),
        [self, n, key, name, host, port, address, stale, op](BackendOperation::Done done) {
            if (!self || !n || n->state() != NodeConnection::State::Ready || !n->docker())
                return done(nodeNotReady(n));
            QList<QPointer<NodeConnection>> nodes = self->m_nodes;
            if (!nodes.contains(n))
                nodes.append(n);
            struct Pending
            {
                int waiting = 0;
                std::optional<Error> refusal;
            };
            auto pending = std::make_shared<Pending>();
            const QString keyLabel = QString::fromLatin1(LabelKey);
            for (const QPointer<NodeConnection>& other : std::as_const(nodes)) {
                if (!other || other->state() != NodeConnection::State::Ready || !other->docker())
                    continue; // an unreachable node cannot answer; the Start dialog says which
                ++pending->waiting;
                const bool target = other == n;
                const QString nodeName = other->profile().name;
                other->docker()->listContainers(
                    true, {}, op,
                    [pending, done, target, nodeName, name, key, keyLabel, host, port, address,
                     stale](const Result<QList<ContainerSummary>>& list) {
                        auto refuse = [&](const Error& e) {
                            if (!pending->refusal)
                                pending->refusal = e;
                        };
                        if (!list) {
                            if (target)
                                refuse(list.error());
                        } else {
                            for (const ContainerSummary& c : *list) {
                                const bool running = c.state == u"running"_s;
                                const QString cname = c.names.value(0);
                                const bool ours = c.labels.value(keyLabel).toUtf8() == key;
                                // One Docker engine may serve several nodes: the node that started
                                // it is the holder to name.
                                const QString holder =
                                    c.labels.value(QString::fromLatin1(LabelNode), nodeName);
                                if (target && cname == name) {
                                    if (running)
                                        refuse(makeError(
                                            ErrorCode::Conflict,
                                            u"%1 already runs on %2 (%3)"_s.arg(name, holder, c.status)));
                                    else if (ours)
                                        *stale = true; // an exited leftover of ours: removed below
                                    else
                                        refuse(makeError(ErrorCode::Conflict,
                                                         u"a container named %1 that lbdeck did not create "
                                                         u"exists on %2: remove it, or choose another "
                                                         u"port"_s.arg(name, nodeName)));
                                } else if (!target && ours && running) {
                                    refuse(makeError(
                                        ErrorCode::Conflict,
                                        u"%1 already runs on %2: stop it there first, or use Replace…"_s.arg(
                                            name, holder)));
                                }
                                if (!target || !running)
                                    continue;
                                for (const PortBinding& b : c.ports) {
                                    const bool anyIp =
                                        b.hostIp.isEmpty() || b.hostIp == u"0.0.0.0"_s || b.hostIp == u"::"_s;
                                    if (b.hostPort == port && (anyIp || b.hostIp == host) && cname != name)
                                        refuse(makeError(ErrorCode::Conflict,
                                                         u"%1 is held by container %2 on %3 (publishes "
                                                         u"%4:%5)"_s
                                                             .arg(address, cname, nodeName,
                                                                  b.hostIp.isEmpty() ? u"*"_s : b.hostIp)
                                                             .arg(b.hostPort)));
                                }
                            }
                        }
                        if (--pending->waiting > 0)
                            return;
                        if (pending->refusal)
                            return done(*pending->refusal);
                        done({});
                    });
            }
        });

    op->addStep(u"Checking that nothing else listens on %1"_s.arg(address),
                [n, host, port, address, op](BackendOperation::Done done) {
                    probe::listener(host, port, std::chrono::milliseconds(1000), op,
                                    [n, address, done](const Result<bool>& accepted) {
                                        if (accepted && *accepted)
                                            return done(makeError(
                                                ErrorCode::Conflict,
                                                u"%1 already accepts connections: a process outside lbdeck's "
                                                u"containers holds the port on %2"_s.arg(
                                                    address, n ? n->profile().name : QString())));
                                        done({});
                                    });
                });

    op->addStep(u"Removing an exited %1 left from an earlier run"_s.arg(name),
                [n, name, stale, op](BackendOperation::Done done) {
                    if (!*stale)
                        return done({});
                    if (!n || !n->docker())
                        return done(nodeNotReady(n));
                    n->docker()->removeContainer(name, false, false, op,
                                                 [done](const Result<void>& r) { done(ignoreGone(r)); });
                });
}

BackendOperation* BackendService::start(NodeConnection* node, quint16 port, const QString& image)
{
    const QString name = containerName(port);
    const QByteArray key = keyOf(port);
    const QString host = node->profile().publishAddress;
    const QString address = BackendAddress::join(host, port);
    auto* op = new BackendOperation(u"Start %1 on %2"_s.arg(name, node->profile().name), this);
    QPointer<NodeConnection> n(node);
    QPointer<BackendService> self(this);
    auto docker = [n]() -> DockerClient* {
        return n && n->state() == NodeConnection::State::Ready ? n->docker() : nullptr;
    };

    addStartChecks(op, node, port);
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
    op->addStep(u"Waiting for %1 to answer from the load balancer's side"_s.arg(address),
                [self, host, port, op](BackendOperation::Done done) {
                    if (!self)
                        return done(makeError(ErrorCode::Unavailable, u"gone"_s));
                    probe::untilAnswers(host, port, self->m_admissionTimeout, std::chrono::milliseconds(150),
                                        op, done);
                });
    const Result<QByteArray> fence = fenceKey(m_prefix, node->profile().name, name);
    op->addStep(u"Registering %1 = %2 in etcd"_s.arg(QString::fromUtf8(key), address),
                [self, key, address, fence, op](BackendOperation::Done done) {
                    if (!self || !self->m_etcd)
                        return done(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
                    // Create-only: a writer that registered the key since the check wins, and
                    // this start is rolled back instead of re-pointing its backend.
                    self->m_etcd->putIf(
                        key, address.toUtf8(), 0, op, [self, key, fence, op, done](const Result<qint64>& r) {
                            if (r && self)
                                Q_EMIT self->wroteKey(key, *r);
                            // A backend started anew on purpose is no longer the fenced
                            // leftover of an earlier move (see NodeEvacuation).
                            if (r && self && self->m_etcd && fence)
                                self->m_etcd->remove(*fence, self, [](const Result<qint64>&) {});
                            done(toVoid(r));
                        });
                });
    op->begin();
    return op;
}

void BackendService::addUnregisterStep(BackendOperation* op, NodeConnection* node, quint16 port)
{
    const QString name = containerName(port);
    const QByteArray key = keyOf(port);
    const QString host = node->profile().publishAddress;
    QPointer<BackendService> self(this);
    const OperationJournal::Entry entry{node->profile().name, name, key};
    auto previous = std::make_shared<std::optional<QByteArray>>();
    op->addStep(
        u"Unregistering %1 from etcd"_s.arg(QString::fromUtf8(key)),
        [self, key, host, entry, previous, op](BackendOperation::Done done) {
            if (!self || !self->m_etcd)
                return done(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
            self->m_etcd->getPrefix(
                key, op, [self, key, host, entry, previous, done, op](const Result<KvSnapshot>& snap) {
                    if (!snap)
                        return done(snap.error());
                    const auto kv = std::find_if(snap->kvs.cbegin(), snap->kvs.cend(),
                                                 [&](const KeyValue& k) { return k.key == key; });
                    // Not registered, or registered for another node: the key is not this stop's to
                    // delete.
                    if (kv == snap->kvs.cend() || BackendAddress::hostOf(kv->value) != host)
                        return done({});
                    if (!self || !self->m_etcd)
                        return done(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
                    // Written down first: if lbdeck dies between here and the removal, the next resync
                    // finishes the stop. Taken back if the removal fails: the journal says only what
                    // happened.
                    if (Result<void> j = self->m_journal.add(entry); !j)
                        return done(j);
                    const QByteArray value = kv->value;
                    self->m_etcd->removeIf(
                        key, kv->modRevision, op,
                        [self, key, value, entry, previous, done](const Result<qint64>& r) {
                            if (!self)
                                return done(toVoid(r));
                            if (!r) {
                                (void)self->m_journal.remove(entry);
                                return done(r.error());
                            }
                            *previous = value;
                            Q_EMIT self->wroteKey(key, *r);
                            done({});
                        });
                });
        },
        [self, key, entry, previous, op](BackendOperation::Done done) {
            if (self)
                (void)self->m_journal.remove(entry);
            if (!self || !self->m_etcd || !*previous)
                return done({});
            self->m_etcd->putIf(key, **previous, 0, op, [self, key, done](const Result<qint64>& r) {
                if (r && self)
                    Q_EMIT self->wroteKey(key, *r);
                done(toVoid(r));
            });
        });
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
    auto* op = new BackendOperation(u"Stop %1 on %2"_s.arg(containerName(port), node->profile().name), this);
    addUnregisterStep(op, node, port);
    addStopSteps(op, node, port);
    op->begin();
    return op;
}

// Drain's fallback: the container's own netstat, every 200 ms, until nothing is ESTABLISHED or
// the timeout passes (an image without netstat has nothing to wait for).
static void waitForNetstatQuiet(QPointer<NodeConnection> n, const QString& name,
                                std::chrono::milliseconds connectionTimeout, BackendOperation* op,
                                const BackendOperation::Done& done)
{
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
}

BackendOperation* BackendService::drainAndStop(NodeConnection* node, quint16 port, EngineLink* engine,
                                               std::chrono::milliseconds reloadTimeout,
                                               std::chrono::milliseconds connectionTimeout)
{
    const QString name = containerName(port);
    const QByteArray key = keyOf(port);
    const QString address = BackendAddress::join(node->profile().publishAddress, port);
    auto* op = new BackendOperation(u"Drain and stop %1 on %2"_s.arg(name, node->profile().name), this);
    QPointer<BackendService> self(this);
    QPointer<EngineLink> link(engine);
    QPointer<NodeConnection> n(node);
    addUnregisterStep(op, node, port);
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
    op->addStep(u"Waiting for traffic to %1 to end"_s.arg(address),
                [n, name, address, link, connectionTimeout, op](BackendOperation::Done done) {
                    // The engine's meter sees every connection nginx still has open to it; without one (no
                    // capture rights, an older engine) the container's own netstat is asked instead.
                    if (!link)
                        return waitForNetstatQuiet(n, name, connectionTimeout, op, done);
                    auto* watch = new DrainWatch(
                        link, address,
                        {std::chrono::seconds(1), connectionTimeout, std::chrono::milliseconds(250)}, op);
                    QObject::connect(watch, &DrainWatch::progress, op,
                                     [op](const QString& text) { Q_EMIT op->progress(0, 0, text); });
                    QObject::connect(watch, &DrainWatch::finished, op,
                                     [watch, n, name, connectionTimeout, op,
                                      done](DrainWatch::Outcome outcome, const QString& detail) {
                                         watch->deleteLater();
                                         if (outcome == DrainWatch::Outcome::Unavailable)
                                             return waitForNetstatQuiet(n, name, connectionTimeout, op, done);
                                         Q_EMIT op->progress(0, 0, detail);
                                         done({});
                                     });
                    watch->start();
                });
    addStopSteps(op, node, port);
    op->begin();
    return op;
}

void BackendService::runChild(BackendOperation* parent, BackendOperation* child,
                              std::function<void(const Result<void>&)> done)
{
    QObject::connect(child, &BackendOperation::progress, parent,
                     [parent](int, int, const QString& text) { Q_EMIT parent->progress(0, 0, text); });
    QObject::connect(child, &BackendOperation::finished, parent, [child, done] {
        child->deleteLater();
        done(child->result());
    });
}

BackendOperation* BackendService::restart(NodeConnection* node, quint16 port, const QString& image)
{
    return replace(node, node, port, image);
}

BackendOperation* BackendService::replace(NodeConnection* holder, NodeConnection* node, quint16 port,
                                          const QString& image)
{
    const QString title =
        holder == node ? u"Restart %1 on %2"_s.arg(containerName(port), node->profile().name)
                       : u"Replace %1 on %2 by one on %3"_s.arg(containerName(port), holder->profile().name,
                                                                node->profile().name);
    auto* op = new BackendOperation(title, this);
    QPointer<BackendService> self(this);
    QPointer<NodeConnection> h(holder);
    QPointer<NodeConnection> n(node);
    op->addStep(u"Stopping %1 on %2"_s.arg(containerName(port), holder->profile().name),
                [self, h, port, op](BackendOperation::Done done) {
                    if (!self || !h)
                        return done(makeError(ErrorCode::Unavailable, u"gone"_s));
                    self->runChild(op, self->stop(h, port), done);
                });
    op->addStep(u"Starting %1 on %2"_s.arg(containerName(port), node->profile().name),
                [self, n, port, image, op](BackendOperation::Done done) {
                    if (!self || !n)
                        return done(makeError(ErrorCode::Unavailable, u"gone"_s));
                    self->runChild(op, self->start(n, port, image), done);
                });
    op->begin();
    return op;
}

BackendOperation* BackendService::removeExited(NodeConnection* node, const QString& container)
{
    auto* op = new BackendOperation(u"Remove %1 on %2"_s.arg(container, node->profile().name), this);
    QPointer<BackendService> self(this);
    QPointer<NodeConnection> n(node);
    auto info = std::make_shared<ContainerInfo>();
    op->addStep(u"Checking that %1 is not running"_s.arg(container), [n, container, info,
                                                                      op](BackendOperation::Done done) {
        if (!n || n->state() != NodeConnection::State::Ready || !n->docker())
            return done(nodeNotReady(n));
        n->docker()->inspectContainer(container, op, [container, info, done](const Result<ContainerInfo>& r) {
            if (!r)
                return done(r.error());
            if (r->state.running)
                return done(
                    makeError(ErrorCode::Conflict, u"%1 is running: use Stop instead"_s.arg(container)));
            *info = *r;
            done({});
        });
    });
    op->addStep(u"Checking that %1 is not registered"_s.arg(container), [self, info, container,
                                                                         op](BackendOperation::Done done) {
        const QByteArray key = info->labels.value(QString::fromLatin1(LabelKey)).toUtf8();
        const QString address = info->labels.value(QString::fromLatin1(LabelAddress));
        if (key.isEmpty())
            return done({});
        if (!self || !self->m_etcd)
            return done(makeError(ErrorCode::Unavailable, u"not connected to etcd"_s));
        self->m_etcd->getPrefix(key, op, [key, address, container, done](const Result<KvSnapshot>& snap) {
            if (!snap)
                return done(snap.error());
            for (const KeyValue& kv : snap->kvs) {
                if (kv.key == key && QString::fromUtf8(kv.value) == address)
                    return done(
                        makeError(ErrorCode::Conflict,
                                  u"%1 = %2 is still registered for %3: Stop it, or unregister it with "
                                  u"Resync"_s.arg(QString::fromUtf8(key), address, container)));
            }
            done({});
        });
    });
    op->addStep(u"Removing %1"_s.arg(container), [n, container, op](BackendOperation::Done done) {
        if (!n || !n->docker())
            return done(nodeNotReady(n));
        n->docker()->removeContainer(container, false, false, op, done);
    });
    op->begin();
    return op;
}

} // namespace lbdeck
