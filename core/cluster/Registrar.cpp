// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Registrar.h"

#include "BackendAddress.h"
#include "BackendService.h"
#include "FenceRecord.h"
#include "core/docker/DockerClient.h"
#include "core/docker/DockerEventStream.h"
#include "core/etcd/EtcdV3Client.h"
#include "core/util/Logging.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

constexpr int RetryMs = 1000;
// A listing that keeps racing with events is applied anyway after this many tries: the events
// themselves are applied as they come, so a slightly stale listing is corrected by the next one.
constexpr int MaxDiscardedListings = 5;
constexpr qsizetype MaxKeyLength = 1024;

// An absolute path with no empty, "." or ".." segment: the same key to etcd and to anything that
// cleans paths (confd, path.Join), so it cannot be read as a key somewhere else.
QString uncleanPath(const QByteArray& path)
{
    if (!path.startsWith('/'))
        return u"is not an absolute path"_s;
    const QList<QByteArray> segments = path.sliced(1).split('/');
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QByteArray& s = segments[i];
        if (s == "..")
            return u"has a \"..\" segment"_s;
        if (s == ".")
            return u"has a \".\" segment"_s;
        if (s.isEmpty() && i + 1 < segments.size())
            return u"has an empty segment (\"//\")"_s;
    }
    return {};
}

QString quoted(const QByteArray& key)
{
    return u"\"%1\""_s.arg(QString::fromUtf8(key.left(100)) + (key.size() > 100 ? u"…"_s : QString()));
}

QString actionOf(const QJsonObject& event)
{
    const QString action = event.value(u"Action"_s).toString();
    return action.isEmpty() ? event.value(u"status"_s).toString() : action; // pre-1.22 daemons
}

} // namespace

Result<QByteArray> Registrar::cleanPrefix(const QByteArray& prefix)
{
    QByteArray p = prefix;
    if (!p.endsWith('/'))
        p += '/';
    QString why = uncleanPath(p);
    if (why.isEmpty() && p == "/")
        why = u"is the whole key space"_s;
    if (why.isEmpty() && (p.size() > MaxKeyLength / 2))
        why = u"is longer than %1 bytes"_s.arg(MaxKeyLength / 2);
    for (char c : p) {
        if (why.isEmpty() && (uchar(c) <= 0x20 || uchar(c) == 0x7f))
            why = u"contains a blank or control character"_s;
    }
    if (!why.isEmpty())
        return makeError(
            ErrorCode::Validation,
            u"registrar prefix %1 %2: give a clean absolute path such as /test/"_s.arg(quoted(prefix), why));
    return p;
}

QString Registrar::refusal(const QByteArray& key, const QByteArray& prefix)
{
    const QString label = QString::fromLatin1(BackendService::LabelKey);
    const QString under = QString::fromUtf8(prefix);
    if (key.isEmpty())
        return u"label %1 is empty: name a key under %2"_s.arg(label, under);
    if (key.size() > MaxKeyLength)
        return u"label %1 is longer than %2 bytes"_s.arg(label).arg(MaxKeyLength);
    for (char c : key) {
        if (uchar(c) <= 0x20 || uchar(c) == 0x7f)
            return u"label %1 %2 contains a blank or control character"_s.arg(label, quoted(key));
    }
    if (const QString why = uncleanPath(key); !why.isEmpty())
        return u"label %1 %2 %3: this registrar writes only plain paths under %4, such as %4web-1"_s.arg(
            label, quoted(key), why, under);
    if (key.endsWith('/'))
        return u"label %1 %2 ends with '/', a directory rather than a key: name a key such as %3web-1"_s.arg(
            label, quoted(key), under);
    if (prefix.isEmpty() || !key.startsWith(prefix) || key.size() == prefix.size())
        return u"label %1 %2 is outside the prefix %3 this registrar writes under: name a key such as "
               u"%3web-1 "
               u"(or run the registrar with --prefix)"_s.arg(label, quoted(key), under);
    return {};
}

Registrar::Registrar(DockerClient* docker, EtcdV3Client* etcd, const QByteArray& prefix,
                     std::chrono::seconds ttl, QObject* parent)
    : QObject(parent)
    , m_docker(docker)
    , m_etcd(etcd)
    , m_prefix(cleanPrefix(prefix).valueOr(QByteArray()))
    , m_ttl(qMax(ttl, std::chrono::seconds(1)))
    , m_requests(new QObject(this))
{
    // TTL/3: two keepalives may be lost before the lease is in danger.
    m_keepAlive.setInterval(std::chrono::milliseconds(m_ttl) / 3);
    connect(&m_keepAlive, &QTimer::timeout, this, &Registrar::keepAlive);
    m_retry.setSingleShot(true);
    m_retry.setInterval(RetryMs);
    connect(&m_retry, &QTimer::timeout, this, &Registrar::reconcile);
    m_retryList.setSingleShot(true);
    m_retryList.setInterval(RetryMs);
    connect(&m_retryList, &QTimer::timeout, this, &Registrar::list);
}

Registrar::~Registrar() = default;

QString Registrar::describe() const
{
    const QString lease = m_lease ? u"lease %1"_s.arg(m_lease) : u"no lease yet"_s;
    return u"%1 key%2 on %3 (TTL %4 s)"_s.arg(m_written.size())
        .arg(m_written.size() == 1 ? QString() : u"s"_s, lease)
        .arg(m_ttl.count());
}

void Registrar::start()
{
    if (m_running || !m_docker || !m_etcd)
        return;
    m_running = true;
    qCInfo(lcCluster) << "registrar: watching" << m_docker->describe() << "for containers labelled"
                      << BackendService::LabelKey << "; keys go under" << m_prefix << "on"
                      << m_etcd->describe();
    m_events = m_docker->events(
        {{u"type"_s, {u"container"_s}}, {u"label"_s, {QString::fromLatin1(BackendService::LabelKey)}}}, this);
    connect(m_events, &DockerEventStream::eventReceived, this, &Registrar::onEvent);
    // Every (re)connection may follow a gap the daemon cannot replay (dockerd restarted): list again.
    connect(m_events, &DockerEventStream::connectionChanged, this,
            [this](bool connected, const QString& error) {
                if (connected)
                    list();
                else if (!error.isEmpty())
                    qCWarning(lcCluster) << "registrar: Docker events interrupted:" << error;
            });
    connect(m_events, &DockerEventStream::failed, this, [](const QString& error) {
        qCCritical(lcCluster) << "registrar: Docker refused the event stream:" << error;
    });
    m_fenceTimer.setInterval(5000);
    connect(&m_fenceTimer, &QTimer::timeout, this, &Registrar::readFences, Qt::UniqueConnection);
    m_fenceTimer.start();
    readFences();
    grant();
}

void Registrar::stop(QObject* context, Callback<void> done)
{
    m_running = false;
    m_keepAlive.stop();
    m_retry.stop();
    m_retryList.stop();
    m_fenceTimer.stop();
    delete std::exchange(m_events, nullptr);
    // Abandons every request on the wire: nothing may be written after the revoke below.
    delete std::exchange(m_requests, new QObject(this));
    const qint64 lease = std::exchange(m_lease, 0);
    const int keys = int(m_written.size());
    m_written.clear();
    m_containers.clear();
    m_inFlight.clear();
    m_listing = m_relist = m_granting = m_keepAliveInFlight = m_keepAliveFailing = false;
    m_readingFences = m_fencesRead = false;
    announce();
    if (lease == 0 || !m_etcd) {
        done({});
        return;
    }
    m_etcd->leaseRevoke(lease, context, [lease, keys, done = std::move(done)](const Result<void>& r) {
        if (r)
            qCInfo(lcCluster) << "registrar: lease" << lease << "revoked, its keys are gone:" << keys;
        else
            qCWarning(lcCluster) << "registrar: cannot revoke lease" << lease
                                 << "(its keys expire with it):" << r.error().toString();
        done(r);
    });
}

void Registrar::onEvent(const QJsonObject& event)
{
    if (!m_running)
        return;
    const QString action = actionOf(event);
    const QJsonObject actor = event.value(u"Actor"_s).toObject();
    QString id = actor.value(u"ID"_s).toString();
    if (id.isEmpty())
        id = event.value(u"id"_s).toString();
    if (id.isEmpty())
        return;
    // Only these change whether a container serves; exec_*, attach, kill (a signal, maybe not fatal)
    // and the like do not.
    static const QStringList Up{u"start"_s, u"unpause"_s, u"restart"_s};
    static const QStringList Down{u"die"_s, u"stop"_s, u"destroy"_s, u"pause"_s};
    const bool up = Up.contains(action);
    if (!up && !Down.contains(action))
        return;
    if (m_listing)
        m_relist = true;
    if (up) {
        // Docker puts the container's labels into the event's attributes, next to name and image.
        QMap<QString, QString> labels;
        const QJsonObject attributes = actor.value(u"Attributes"_s).toObject();
        for (auto it = attributes.begin(); it != attributes.end(); ++it)
            labels.insert(it.key(), it.value().toString());
        setRunning(id, labels, attributes.value(u"name"_s).toString());
    } else {
        m_containers.remove(id);
    }
    reconcile();
}

void Registrar::list()
{
    if (!m_running || !m_docker)
        return;
    if (m_listing) {
        m_relist = true;
        return;
    }
    m_listing = true;
    m_relist = false;
    m_docker->listContainers(false, {QString::fromLatin1(BackendService::LabelKey)}, m_requests,
                             [this](const Result<QList<ContainerSummary>>& r) {
                                 m_listing = false;
                                 if (!r) {
                                     qCWarning(lcCluster) << "registrar: cannot list containers, retrying:"
                                                          << r.error().toString();
                                     m_retryList.start();
                                     return;
                                 }
                                 if (m_relist && m_discardedListings < MaxDiscardedListings) {
                                     ++m_discardedListings;
                                     list();
                                     return;
                                 }
                                 m_discardedListings = 0;
                                 m_relist = false;
                                 m_containers.clear();
                                 for (const ContainerSummary& c : *r) {
                                     if (c.state == u"running"_s) // paused ones do not serve
                                         setRunning(c.id, c.labels, c.names.value(0));
                                 }
                                 reconcile();
                             });
}

void Registrar::setRunning(const QString& id, const QMap<QString, QString>& labels, const QString& name)
{
    const QByteArray key = labels.value(QString::fromLatin1(BackendService::LabelKey)).toUtf8();
    const QByteArray value = labels.value(QString::fromLatin1(BackendService::LabelAddress)).toUtf8();
    QString problem = refusal(key, m_prefix);
    if (Result<BackendAddress> address = BackendAddress::parse(value); problem.isEmpty() && !address)
        problem = u"label %1 is not host:port: %2"_s.arg(QLatin1StringView(BackendService::LabelAddress),
                                                         address.error().message);
    if (!problem.isEmpty()) {
        m_containers.remove(id);
        // Once per container: the next listing would repeat it every reconnect.
        if (!m_rejected.contains(id)) {
            m_rejected.insert(id);
            qCWarning(lcCluster).noquote()
                << u"registrar: container %1 not registered, nothing written: %2"_s.arg(
                       name.isEmpty() ? id.left(12) : name, problem);
        }
        return;
    }
    const QString node = labels.value(QString::fromLatin1(BackendService::LabelNode));
    // A listing names it "/apache-8001", an event "apache-8001".
    const QString container = name.startsWith(u'/') ? name.mid(1) : name;
    m_containers.insert(
        id, {key, value, node.isEmpty() || container.isEmpty() ? QString() : node + u'/' + container});
}

void Registrar::readFences()
{
    if (!m_running || m_readingFences || !m_etcd)
        return;
    const Result<QByteArray> prefix = fencePrefix(m_prefix);
    if (!prefix) { // a prefix that would cover its own fence records: there can be none
        m_fencesRead = true;
        return;
    }
    m_readingFences = true;
    m_etcd->getPrefix(*prefix, m_requests, [this, fences = *prefix](const Result<KvSnapshot>& r) {
        m_readingFences = false;
        if (!r) {
            qCWarning(lcCluster) << "registrar: cannot read the fence records, retrying:"
                                 << r.error().toString();
            return;
        }
        QSet<QString> fenced;
        for (const KeyValue& kv : r->kvs)
            fenced.insert(QString::fromUtf8(kv.key.mid(fences.size())));
        const bool first = !std::exchange(m_fencesRead, true);
        if (fenced != m_fenced || first) {
            m_fenced = fenced;
            reconcile();
        }
    });
}

QMap<QByteArray, QByteArray> Registrar::desired() const
{
    // Two containers claiming one key: the one with the greater id wins, the same way every time.
    QMap<QByteArray, QByteArray> out;
    for (auto it = m_containers.cbegin(); it != m_containers.cend(); ++it) {
        if (!it->fence.isEmpty() && m_fenced.contains(it->fence)) {
            if (!m_fenceWarned.contains(it->fence)) {
                m_fenceWarned.insert(it->fence);
                qCWarning(lcCluster).noquote()
                    << u"registrar: %1 not registered: it is fenced (its backend was moved to another node "
                       u"while this one was lost)"_s.arg(it->fence);
            }
            continue;
        }
        out.insert(it->key, it->value);
    }
    return out;
}

void Registrar::grant()
{
    if (!m_running || m_granting || m_lease != 0 || !m_etcd)
        return;
    m_granting = true;
    m_etcd->leaseGrant(m_ttl.count(), m_requests, [this](const Result<LeaseInfo>& r) {
        m_granting = false;
        if (!r) {
            qCWarning(lcCluster) << "registrar: cannot get a lease, retrying:" << r.error().toString();
            m_retry.start();
            return;
        }
        m_lease = r->id;
        m_written.clear(); // whatever was written before hangs on a lease that is gone
        m_keepAlive.start();
        qCInfo(lcCluster) << "registrar: lease" << m_lease << "granted, TTL" << r->ttl << "s";
        reconcile();
    });
}

void Registrar::keepAlive()
{
    if (!m_running || m_lease == 0 || m_keepAliveInFlight || !m_etcd)
        return;
    m_keepAliveInFlight = true;
    const qint64 lease = m_lease;
    m_etcd->leaseKeepAlive(lease, m_requests, [this, lease](const Result<LeaseInfo>& r) {
        m_keepAliveInFlight = false;
        if (lease != m_lease)
            return;
        if (r) {
            if (std::exchange(m_keepAliveFailing, false))
                qCInfo(lcCluster) << "registrar: lease" << lease << "kept alive again";
            return;
        }
        // NotFound: etcd no longer knows the lease (expired while we could not reach it, or etcd
        // lost its data). Anything else (etcd restarting, a timeout) may pass: etcd renews every
        // lease when it elects a leader, so the next keepalive tells.
        if (r.error().code == ErrorCode::NotFound)
            leaseLost(r.error().toString());
        else if (!std::exchange(m_keepAliveFailing, true)) // once per outage, not every TTL/3
            qCWarning(lcCluster) << "registrar: keepalive of lease" << lease
                                 << "failing:" << r.error().toString();
    });
}

void Registrar::leaseLost(const QString& why)
{
    qCWarning(lcCluster).noquote()
        << u"registrar: lease %1 lost (%2); writing %3 keys again on a new one"_s.arg(m_lease).arg(why).arg(
               desired().size());
    m_keepAlive.stop();
    m_keepAliveFailing = false;
    m_lease = 0;
    m_written.clear();
    announce();
    grant();
}

void Registrar::reconcile()
{
    if (!m_running)
        return;
    if (m_lease == 0)
        grant();
    const QMap<QByteArray, QByteArray> want = desired();
    if (m_lease != 0 && m_fencesRead) {
        for (auto it = want.cbegin(); it != want.cend(); ++it) {
            const auto held = m_written.constFind(it.key());
            if (!m_inFlight.contains(it.key()) && (held == m_written.cend() || *held != it.value()))
                putKey(it.key(), it.value());
        }
    }
    const QList<QByteArray> written = m_written.keys();
    for (const QByteArray& key : written) {
        if (!want.contains(key) && !m_inFlight.contains(key))
            removeKey(key);
    }
    announce();
}

QString Registrar::fenceOf(const QByteArray& key) const
{
    // The container desired() lets win: the greatest id among those not fenced.
    QString fence;
    for (const Wanted& w : m_containers) {
        if (w.key == key && !(!w.fence.isEmpty() && m_fenced.contains(w.fence)))
            fence = w.fence;
    }
    return fence;
}

void Registrar::putKey(const QByteArray& key, const QByteArray& value)
{
    m_inFlight.insert(key);
    const qint64 lease = m_lease;
    // The fence record checked in the same transaction as the write: one written since the last
    // read (the node was lost and its backends moved meanwhile) still keeps the container out.
    const QString fence = fenceOf(key);
    const QStringList parts = fence.split(u'/');
    const Result<QByteArray> guard =
        parts.size() == 2 ? fenceKey(m_prefix, parts[0], parts[1]) : Result<QByteArray>(QByteArray());
    if (guard && !guard->isEmpty()) {
        m_etcd->putWithLeaseUnless(key, value, lease, *guard, m_requests,
                                   [this, key, value, lease, fence](const Result<etcdv3::TxnResult>& r) {
                                       if (r && !r->succeeded) {
                                           m_inFlight.remove(key);
                                           m_fenced.insert(fence);
                                           reconcile(); // leaves it out now, and says so once
                                           return;
                                       }
                                       written(key, value, lease,
                                               r ? Result<qint64>(r->revision) : Result<qint64>(r.error()));
                                   });
        return;
    }
    m_etcd->putWithLease(key, value, lease, m_requests, [this, key, value, lease](const Result<qint64>& r) {
        written(key, value, lease, r);
    });
}

void Registrar::written(const QByteArray& key, const QByteArray& value, qint64 lease, const Result<qint64>& r)
{
    m_inFlight.remove(key);
    if (r && lease == m_lease) {
        const bool changed = m_written.value(key) != value;
        m_written.insert(key, value);
        if (changed)
            qCInfo(lcCluster).noquote()
                << u"registrar: %1 = %2"_s.arg(QString::fromUtf8(key), QString::fromUtf8(value));
    } else if (!r && lease == m_lease) {
        // "requested lease not found": the lease went before its keepalive noticed.
        if (r.error().code == ErrorCode::NotFound) {
            leaseLost(r.error().toString());
            return;
        }
        qCWarning(lcCluster) << "registrar: cannot write" << key << ", retrying:" << r.error().toString();
        m_retry.start();
        return;
    }
    reconcile();
}

void Registrar::removeKey(const QByteArray& key)
{
    m_inFlight.insert(key);
    m_etcd->remove(key, m_requests, [this, key](const Result<qint64>& r) {
        m_inFlight.remove(key);
        if (!r) {
            qCWarning(lcCluster) << "registrar: cannot delete" << key
                                 << ", retrying:" << r.error().toString();
            m_retry.start();
            return;
        }
        m_written.remove(key);
        qCInfo(lcCluster).noquote() << u"registrar: %1 deleted"_s.arg(QString::fromUtf8(key));
        reconcile();
    });
}

void Registrar::announce()
{
    const int keys = int(m_written.size());
    if (keys == m_announcedKeys && m_lease == m_announcedLease)
        return;
    m_announcedKeys = keys;
    m_announcedLease = m_lease;
    qCInfo(lcCluster).noquote() << u"registrar: %1"_s.arg(describe());
    Q_EMIT statusChanged(keys, m_lease);
}

} // namespace lbdeck
