// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Backends as the seed's apache@PORT units, through the Docker API over ssh:// and unix://, with
// real sshd, dockerd and etcd from the test bed.
#include "core/cluster/BackendOperation.h"
#include "core/cluster/BackendService.h"
#include "core/cluster/DriftDetector.h"
#include "core/cluster/NodeConnection.h"
#include "core/cluster/RemoteEngineLink.h"
#include "core/cluster/RemoteEngineLinks.h"
#include "core/docker/DockerClient.h"
#include "core/docker/DockerEventStream.h"
#include "core/etcd/EtcdV3Client.h"
#include "core/etcd/PrefixMirror.h"
#include "core/ssh/SshTunnel.h"
#include "tests/support/Await.h"
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/EtcdServer.h"
#include "tests/testbed/SshServer.h"
#include "tests/testbed/TcpProxy.h"

#include <QFileInfo>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <csignal>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

Result<void> runOperation(BackendOperation* op, int timeoutMs = 60000)
{
    if (!QTest::qWaitFor([op] { return op->isFinished(); }, timeoutMs))
        return makeError(ErrorCode::Timeout, u"test: %1 did not finish"_s.arg(op->title()));
    return op->result();
}

QStringList sshProcessesFor(const QString& needle)
{
    QProcess p;
    p.start(u"pgrep"_s, {u"-af"_s, u"^/usr/bin/ssh .*"_s + QRegularExpression::escape(needle)});
    p.waitForFinished();
    const QString out = QString::fromLocal8Bit(p.readAllStandardOutput()).trimmed();
    return out.isEmpty() ? QStringList() : out.split(u'\n');
}

} // namespace

class TestBackends : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void startAndStopOverSsh();
    void startAndStopOverUnixSocket();
    void oneTunnelForAThousandCallsAndReconnect();
    void hostKeysAreNeverAcceptedSilently();
    void engineTunnelsAskForUnknownHostKeys();
    void resyncFindsEachDriftAndFixesIt();
    void failedStartRollsBack();
    void startRefusesWhatIsHeldAndChangesNothing();
    void startThatNeverAnswersIsNeverRegistered();
    void failedStopLeavesNoJournalEntryAndNoRepair();
    void resyncRepairsEachItemOnItsOwn();
    void replaceMovesABackendToAnotherNode();
    void removesAnExitedUnregisteredContainer();

private:
    NodeConnection* sshNode(const QString& name, const QString& address, const QString& knownHosts);
    NodeConnection* unixNode(const QString& name, const QString& address);
    Result<QByteArray> etcdValue(const QByteArray& key);
    std::optional<KeyValue> etcdKey(const QByteArray& key);
    QByteArray inspect(const QString& container, const QString& format);

    EtcdServer m_etcd;
    DockerDaemon m_docker;
    SshServer m_ssh;
    QTemporaryDir m_dir;
    std::unique_ptr<EtcdV3Client> m_client;
    QString m_knownHosts;
};

void TestBackends::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs these as root");
    QCOMPARE(m_etcd.start(), QString());
    QCOMPARE(m_docker.start(), QString());
    QCOMPARE(m_docker.buildBackendImage(), QString());
    QCOMPARE(m_ssh.start(), QString());
    EtcdConfig c;
    c.endpoints = {m_etcd.clientUrl()};
    m_client = std::make_unique<EtcdV3Client>(c);
    m_knownHosts = m_dir.filePath(u"app_known_hosts"_s);
    QFile kh(m_knownHosts);
    QVERIFY(kh.open(QIODevice::WriteOnly));
    kh.write(m_ssh.knownHostsLine().toUtf8() + '\n'); // approved once, as the GUI records it
}

NodeConnection* TestBackends::sshNode(const QString& name, const QString& address, const QString& knownHosts)
{
    SshTunnelOptions o;
    o.identityFile = m_ssh.clientKey();
    o.appKnownHostsFile = knownHosts;
    o.userKnownHostsFile = m_dir.filePath(u"user_known_hosts"_s);
    o.runtimeDirectory = m_dir.path();
    o.extraArgs = {u"-F"_s, u"/dev/null"_s};
    const QString endpoint =
        u"ssh://%1@127.0.0.1:%2%3"_s.arg(m_ssh.user()).arg(m_ssh.port()).arg(m_docker.socketPath());
    auto* node = new NodeConnection({name, address, endpoint}, o, this);
    node->start();
    return node;
}

NodeConnection* TestBackends::unixNode(const QString& name, const QString& address)
{
    auto* node = new NodeConnection({name, address, m_docker.host()}, {}, this);
    node->start();
    return node;
}

Result<QByteArray> TestBackends::etcdValue(const QByteArray& key)
{
    auto snap =
        await<KvSnapshot>([&](QObject* ctx, Callback<KvSnapshot> cb) { m_client->getPrefix(key, ctx, cb); });
    if (!snap)
        return snap.error();
    for (const KeyValue& kv : snap->kvs) {
        if (kv.key == key)
            return kv.value;
    }
    return makeError(ErrorCode::NotFound, QString::fromUtf8(key));
}

void TestBackends::startAndStopOverSsh()
{
    NodeConnection* node = sshNode(u"node-b"_s, u"127.0.1.21"_s, m_knownHosts);
    QTRY_COMPARE_WITH_TIMEOUT(node->state(), NodeConnection::State::Ready, 20000);
    QVERIFY(node->tunnel());
    BackendService service(m_client.get(), "/test/",
                           BackendDefaults{DockerDaemon::backendImage(), 80, u"apache-%1"_s},
                           OperationJournal(m_dir.filePath(u"journal-ssh.json"_s)));
    const quint16 port = freePort();
    BackendOperation* start = service.start(node, port);
    QSignalSpy progress(start, &BackendOperation::progress);
    VERIFY_OK(runOperation(start));
    QVERIFY(progress.size() >= 4);
    QCOMPARE(*etcdValue(service.keyOf(port)), u"127.0.1.21:%1"_s.arg(port).toUtf8());
    QByteArray body;
    QTRY_COMPARE_WITH_TIMEOUT(httpGet(u"127.0.1.21"_s, port, "/", &body), 200, 10000);
    QVERIFY2(body.contains("apache-" + QByteArray::number(port)), body.constData());
    QByteArray ps;
    QCOMPARE(m_docker.docker({u"inspect"_s, u"-f"_s,
                              u"{{.State.Running}} {{index .Config.Labels \"io.lbdeck.key\"}}"_s,
                              service.containerName(port)},
                             &ps),
             QString());
    QCOMPARE(ps.trimmed(), "true /test/apache-" + QByteArray::number(port));

    // Stop: the key goes first (nginx stops sending traffic), then the container.
    PrefixMirror mirror(m_client.get(), "/test/");
    mirror.start();
    QTRY_VERIFY(mirror.isLoaded());
    QList<QString> order;
    connect(&mirror, &PrefixMirror::changed, this, [&order](const QList<KvChange>& changes, qint64) {
        for (const KvChange& c : changes) {
            if (!c.after)
                order << u"key deleted"_s;
        }
    });
    DockerEventStream* events = node->docker()->events({{u"type"_s, {u"container"_s}}}, this);
    connect(events, &DockerEventStream::eventReceived, this, [&order](const QJsonObject& e) {
        if (e.value(u"Action"_s).toString() == u"die"_s || e.value(u"status"_s).toString() == u"die"_s)
            order << u"container died"_s;
    });
    QTest::qWait(300); // the event stream is open
    VERIFY_OK(runOperation(service.stop(node, port)));
    QTRY_COMPARE(order.size(), 2);
    QCOMPARE(order, (QList<QString>{u"key deleted"_s, u"container died"_s}));
    QCOMPARE(etcdValue(service.keyOf(port)).error().code, ErrorCode::NotFound);
    QByteArray all;
    m_docker.docker({u"ps"_s, u"-a"_s, u"--format"_s, u"{{.Names}}"_s}, &all);
    QVERIFY(!all.contains(service.containerName(port).toUtf8()));
    QVERIFY(service.journal().entries().isEmpty());
    delete events;
    delete node;
}

void TestBackends::startAndStopOverUnixSocket()
{
    NodeConnection* node = unixNode(u"local"_s, u"127.0.1.22"_s);
    QTRY_COMPARE(node->state(), NodeConnection::State::Ready);
    BackendService service(m_client.get(), "/test/",
                           BackendDefaults{DockerDaemon::backendImage(), 80, u"apache-%1"_s},
                           OperationJournal(m_dir.filePath(u"journal-unix.json"_s)));
    const quint16 port = freePort();
    VERIFY_OK(runOperation(service.start(node, port)));
    QByteArray body;
    QTRY_COMPARE_WITH_TIMEOUT(httpGet(u"127.0.1.22"_s, port, "/", &body), 200, 10000);
    QVERIFY(body.contains("apache-" + QByteArray::number(port)));
    VERIFY_OK(runOperation(service.restart(node, port)));
    QTRY_COMPARE_WITH_TIMEOUT(httpGet(u"127.0.1.22"_s, port, "/", &body), 200, 10000);
    VERIFY_OK(runOperation(service.stop(node, port)));
    QCOMPARE(etcdValue(service.keyOf(port)).error().code, ErrorCode::NotFound);
    QCOMPARE(httpGet(u"127.0.1.22"_s, port, "/", &body, 500), -1);
    delete node;
}

void TestBackends::oneTunnelForAThousandCallsAndReconnect()
{
    NodeConnection* node = sshNode(u"node-c"_s, u"127.0.1.23"_s, m_knownHosts);
    QTRY_COMPARE_WITH_TIMEOUT(node->state(), NodeConnection::State::Ready, 20000);
    const QString socket = node->tunnel()->localSocketPath();
    int ok = 0;
    int maxSsh = 0;
    QObject ctx;
    for (int i = 0; i < 1000; ++i) {
        auto r = await<void>([&](QObject* c, Callback<void> cb) { node->docker()->ping(c, cb); });
        if (r)
            ++ok;
        if (i % 100 == 0)
            maxSsh = qMax(maxSsh, int(sshProcessesFor(socket).size()));
    }
    QCOMPARE(ok, 1000);
    QCOMPARE(maxSsh, 1);

    const qint64 pid = node->tunnel()->processId();
    QVERIFY(pid > 0);
    ::kill(pid_t(pid), SIGKILL);
    // The next call succeeds once the tunnel is back (it reconnects on its own).
    QTRY_VERIFY_WITH_TIMEOUT(
        await<void>([&](QObject* c, Callback<void> cb) { node->docker()->ping(c, cb); }, 2000).ok(), 20000);
    QVERIFY(node->tunnel()->processId() != pid);
    QCOMPARE(sshProcessesFor(socket).size(), 1);
    delete node;
    QTRY_COMPARE(sshProcessesFor(socket).size(), 0);
}

void TestBackends::hostKeysAreNeverAcceptedSilently()
{
    const QString fresh = m_dir.filePath(u"fresh_known_hosts"_s);
    NodeConnection* node = sshNode(u"node-d"_s, u"127.0.1.24"_s, fresh);
    QSignalSpy asked(node, &NodeConnection::hostKeyUnknown);
    QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 1, 20000);
    QCOMPARE(asked.first().at(2).toString(), m_ssh.hostKeyFingerprint());
    node->approveHostKey(false);
    QTRY_COMPARE(node->state(), NodeConnection::State::Failed);
    QVERIFY(!QFile::exists(fresh) || QFileInfo(fresh).size() == 0);
    QVERIFY(!node->docker()); // no Docker client without the tunnel
    delete node;
}

// A load balancer whose engine is reached through SSH asks as a node does; the forward's far end is
// this test's etcd (an HTTP server on the load balancer's loopback), enough to see the tunnel carry.
void TestBackends::engineTunnelsAskForUnknownHostKeys()
{
    SshTunnelOptions o;
    o.identityFile = m_ssh.clientKey();
    o.appKnownHostsFile = m_dir.filePath(u"engine_known_hosts"_s);
    o.userKnownHostsFile = m_dir.filePath(u"user_known_hosts"_s);
    o.runtimeDirectory = m_dir.path();
    o.extraArgs = {u"-F"_s, u"/dev/null"_s};
    BalancerProfile lb;
    lb.name = u"lb-ssh"_s;
    lb.engineSsh = u"ssh://%1@127.0.0.1:%2"_s.arg(m_ssh.user()).arg(m_ssh.port());
    lb.engineStatusUrl = m_etcd.clientUrl();
    const auto open = [&] {
        Result<EngineLink*> made = makeRemoteEngineLink(lb, o, nullptr, std::chrono::milliseconds(250), this);
        return made ? std::unique_ptr<RemoteEngineLink>(qobject_cast<RemoteEngineLink*>(*made)) : nullptr;
    };

    // Refused: nothing recorded, the link says why, and it does not ask again when it retries.
    std::unique_ptr<RemoteEngineLink> refused = open();
    QVERIFY(refused);
    refused->setTunnelRetryDelay(std::chrono::milliseconds(200));
    QSignalSpy asked(refused.get(), &RemoteEngineLink::hostKeyUnknown);
    QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 1, 20000);
    QCOMPARE(asked.first().at(2).toString(), m_ssh.hostKeyFingerprint());
    refused->approveHostKey(false);
    QTRY_VERIFY_WITH_TIMEOUT(refused->lastError().contains(u"was not accepted"_s), 10000);
    QVERIFY(!refused->isReachable());
    QVERIFY(!QFile::exists(o.appKnownHostsFile) || QFileInfo(o.appKnownHostsFile).size() == 0);
    QVERIFY(!asked.wait(2000)); // several 200 ms retries go by without a second question
    QCOMPARE(asked.size(), 1);
    refused.reset();

    // Approved: recorded as the GUI records a node's, and the tunnel carries the link's requests.
    std::unique_ptr<RemoteEngineLink> approved = open();
    QVERIFY(approved);
    QSignalSpy askedAgain(approved.get(), &RemoteEngineLink::hostKeyUnknown);
    QTRY_COMPARE_WITH_TIMEOUT(askedAgain.size(), 1, 20000);
    approved->approveHostKey(true);
    const auto recorded = [&] {
        QFile known(o.appKnownHostsFile);
        return known.open(QIODevice::ReadOnly) &&
               QString::fromUtf8(known.readAll()).contains(m_ssh.knownHostsLine());
    };
    QTRY_VERIFY_WITH_TIMEOUT(recorded(), 10000);
    // etcd answers /status with an error of its own: the link got past the tunnel to an HTTP answer.
    QTRY_VERIFY_WITH_TIMEOUT(!approved->lastError().isEmpty() && !approved->lastError().contains(u"SSH"_s),
                             20000);
    QCOMPARE(askedAgain.size(), 1);
}

void TestBackends::resyncFindsEachDriftAndFixesIt()
{
    NodeConnection* node = unixNode(u"local"_s, u"127.0.1.25"_s);
    QTRY_COMPARE(node->state(), NodeConnection::State::Ready);
    const QString journalPath = m_dir.filePath(u"journal-drift.json"_s);
    BackendService service(m_client.get(), "/drift/",
                           BackendDefaults{DockerDaemon::backendImage(), 80, u"apache-%1"_s},
                           OperationJournal(journalPath));
    const quint16 pMissing = freePort(), pDead = freePort(), pWrong = freePort(), pStop = freePort();
    // 1. a running backend without its key
    VERIFY_OK(runOperation(service.start(node, pMissing)));
    VERIFY_OK(await<qint64>(
        [&](QObject* c, Callback<qint64> cb) { m_client->remove(service.keyOf(pMissing), c, cb); }));
    // 2. a key whose container is gone
    VERIFY_OK(await<qint64>([&](QObject* c, Callback<qint64> cb) {
        m_client->put(service.keyOf(pDead), u"127.0.1.25:%1"_s.arg(pDead).toUtf8(), 0, c, cb);
    }));
    // 3. a key that says another address than the container publishes
    VERIFY_OK(runOperation(service.start(node, pWrong)));
    VERIFY_OK(await<qint64>([&](QObject* c, Callback<qint64> cb) {
        m_client->put(service.keyOf(pWrong), "127.0.1.25:1", 0, c, cb);
    }));
    // 4. a stop interrupted after its journal entry and key deletion (lbdeck closed mid-stop)
    VERIFY_OK(runOperation(service.start(node, pStop)));
    QVERIFY(service.journal().add({u"local"_s, service.containerName(pStop), service.keyOf(pStop)}).ok());
    VERIFY_OK(await<qint64>(
        [&](QObject* c, Callback<qint64> cb) { m_client->remove(service.keyOf(pStop), c, cb); }));

    DriftDetector detector(m_client.get(), "/drift/", OperationJournal(journalPath));
    auto drift = await<QList<DriftItem>>(
        [&](QObject* c, Callback<QList<DriftItem>> cb) { detector.resync({node}, c, cb); });
    VERIFY_OK(drift);
    QCOMPARE(drift->size(), 4);
    QMap<DriftItem::Kind, QByteArray> found;
    for (const DriftItem& d : *drift)
        found.insert(d.kind, d.key);
    QCOMPARE(found.value(DriftItem::Kind::MissingKey), service.keyOf(pMissing));
    QCOMPARE(found.value(DriftItem::Kind::NotRunning), service.keyOf(pDead));
    QCOMPARE(found.value(DriftItem::Kind::AddressMismatch), service.keyOf(pWrong));
    QCOMPARE(found.value(DriftItem::Kind::InterruptedStop), service.keyOf(pStop));
    for (const DriftItem& d : *drift) {
        QVERIFY(!d.describe().isEmpty() && !d.fixDescription().isEmpty());
        VERIFY_OK(await<void>([&](QObject* c, Callback<void> cb) { detector.fix(d, node, c, cb); }));
    }
    auto after = await<QList<DriftItem>>(
        [&](QObject* c, Callback<QList<DriftItem>> cb) { detector.resync({node}, c, cb); });
    VERIFY_OK(after);
    QCOMPARE(after->size(), 0);
    QCOMPARE(*etcdValue(service.keyOf(pMissing)), u"127.0.1.25:%1"_s.arg(pMissing).toUtf8());
    QCOMPARE(*etcdValue(service.keyOf(pWrong)), u"127.0.1.25:%1"_s.arg(pWrong).toUtf8());
    QCOMPARE(etcdValue(service.keyOf(pDead)).error().code, ErrorCode::NotFound);
    QByteArray names;
    m_docker.docker({u"ps"_s, u"-a"_s, u"--format"_s, u"{{.Names}}"_s}, &names);
    QVERIFY(!names.contains(service.containerName(pStop).toUtf8())); // no orphan left
    VERIFY_OK(runOperation(service.stop(node, pMissing)));
    VERIFY_OK(runOperation(service.stop(node, pWrong)));
    delete node;
}

void TestBackends::failedStartRollsBack()
{
    NodeConnection* node = unixNode(u"local"_s, u"127.0.1.26"_s);
    QTRY_COMPARE(node->state(), NodeConnection::State::Ready);
    BackendService service(m_client.get(), "/test/",
                           BackendDefaults{u"lbdeck/no-such-image:1"_s, 80, u"apache-%1"_s},
                           OperationJournal(m_dir.filePath(u"journal-fail.json"_s)));
    const quint16 port = freePort();
    const Result<void> r = runOperation(service.start(node, port));
    QVERIFY(!r.ok());
    QVERIFY2(r.error().toString().contains(u"no-such-image"_s), qPrintable(r.error().toString()));
    QCOMPARE(etcdValue(service.keyOf(port)).error().code, ErrorCode::NotFound); // the key was taken back
    delete node;
}

std::optional<KeyValue> TestBackends::etcdKey(const QByteArray& key)
{
    auto snap =
        await<KvSnapshot>([&](QObject* ctx, Callback<KvSnapshot> cb) { m_client->getPrefix(key, ctx, cb); });
    if (snap) {
        for (const KeyValue& kv : snap->kvs) {
            if (kv.key == key)
                return kv;
        }
    }
    return std::nullopt;
}

QByteArray TestBackends::inspect(const QString& container, const QString& format)
{
    QByteArray out;
    if (!m_docker.docker({u"inspect"_s, u"-f"_s, format, container}, &out).isEmpty())
        return {};
    return out.trimmed();
}

void TestBackends::startRefusesWhatIsHeldAndChangesNothing()
{
    // Two nodes on one Docker engine, as the seed's node-b and node-c.
    NodeConnection* b = unixNode(u"node-b"_s, u"127.0.1.31"_s);
    NodeConnection* c = unixNode(u"node-c"_s, u"127.0.1.32"_s);
    QTRY_COMPARE(b->state(), NodeConnection::State::Ready);
    QTRY_COMPARE(c->state(), NodeConnection::State::Ready);
    BackendService service(m_client.get(), "/held/",
                           BackendDefaults{DockerDaemon::backendImage(), 80, u"apache-%1"_s},
                           OperationJournal(m_dir.filePath(u"journal-held.json"_s)));
    service.setNodes({b, c});
    const quint16 port = freePort();
    VERIFY_OK(runOperation(service.start(b, port)));
    const QString name = service.containerName(port);
    const QByteArray before = inspect(name, u"{{.Id}} {{.State.StartedAt}}"_s);
    const std::optional<KeyValue> key = etcdKey(service.keyOf(port));
    QVERIFY(!before.isEmpty() && key);

    // Again on node-b, then on node-c: both refused, naming who holds it.
    for (NodeConnection* node : {b, c}) {
        const Result<void> r = runOperation(service.start(node, port));
        QVERIFY2(!r.ok(), qPrintable(node->profile().name));
        QCOMPARE(r.error().code, ErrorCode::Conflict);
        QVERIFY2(r.error().message.contains(u"already registered as 127.0.1.31:%1"_s.arg(port)) &&
                     r.error().message.contains(u"on node-b"_s),
                 qPrintable(r.error().message));
    }
    // The healthy backend did not change: same container, same start, same registration.
    QCOMPARE(inspect(name, u"{{.Id}} {{.State.StartedAt}}"_s), before);
    QCOMPARE(etcdKey(service.keyOf(port))->value, key->value);
    QCOMPARE(etcdKey(service.keyOf(port))->modRevision, key->modRevision);

    // Not registered, but the container runs (drift): another node may not take the name either.
    VERIFY_OK(await<qint64>(
        [&](QObject* ctx, Callback<qint64> cb) { m_client->remove(service.keyOf(port), ctx, cb); }));
    const Result<void> onC = runOperation(service.start(c, port));
    QVERIFY(!onC.ok());
    QVERIFY2(onC.error().message.contains(u"already runs on node-b"_s), qPrintable(onC.error().message));
    QVERIFY(!etcdKey(service.keyOf(port)));
    QCOMPARE(inspect(name, u"{{.Id}} {{.State.StartedAt}}"_s), before);

    // A listener that is not a container of ours: refused the same way, nothing registered.
    QTcpServer foreign;
    QVERIFY(foreign.listen(QHostAddress(u"127.0.1.32"_s), 0));
    const quint16 held = foreign.serverPort();
    const Result<void> r = runOperation(service.start(c, held));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Conflict);
    QVERIFY2(r.error().message.contains(u"127.0.1.32:%1 already accepts connections"_s.arg(held)),
             qPrintable(r.error().message));
    QVERIFY(!etcdKey(service.keyOf(held)));
    QVERIFY(inspect(service.containerName(held), u"{{.Id}}"_s).isEmpty());

    VERIFY_OK(runOperation(service.stop(b, port)));
    delete b;
    delete c;
}

void TestBackends::startThatNeverAnswersIsNeverRegistered()
{
    QCOMPARE(m_docker.buildSilentImage(), QString());

    NodeConnection* node = unixNode(u"local"_s, u"127.0.1.33"_s);
    QTRY_COMPARE(node->state(), NodeConnection::State::Ready);
    BackendService service(m_client.get(), "/silent/",
                           BackendDefaults{DockerDaemon::silentImage(), 80, u"apache-%1"_s},
                           OperationJournal(m_dir.filePath(u"journal-silent.json"_s)));
    service.setAdmissionTimeout(std::chrono::seconds(2));
    const quint16 port = freePort();
    const QByteArray address = u"127.0.1.33:%1"_s.arg(port).toUtf8();
    auto snap = await<KvSnapshot>(
        [&](QObject* ctx, Callback<KvSnapshot> cb) { m_client->getPrefix("/silent/", ctx, cb); });
    VERIFY_OK(snap);
    const qint64 from = snap->revision + 1;

    BackendOperation* op = service.start(node, port);
    QStringList steps;
    connect(op, &BackendOperation::progress, this, [&steps](int, int, const QString& t) { steps << t; });
    const Result<void> r = runOperation(op);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Timeout);
    QVERIFY2(r.error().message.contains(u"did not answer"_s), qPrintable(r.error().message));
    // The order is visible: it waited for an answer, and never got to registering.
    QVERIFY(std::any_of(steps.cbegin(), steps.cend(),
                        [](const QString& s) { return s.startsWith(u"Waiting for"_s); }));
    QVERIFY(!std::any_of(steps.cbegin(), steps.cend(),
                         [](const QString& s) { return s.startsWith(u"Registering"_s); }));
    // Rolled back: no container is left.
    QVERIFY(inspect(service.containerName(port), u"{{.Id}}"_s).isEmpty());

    // And no revision in etcd's history ever held that address: nginx could not have routed to it.
    auto now = await<KvSnapshot>(
        [&](QObject* ctx, Callback<KvSnapshot> cb) { m_client->getPrefix("/silent/", ctx, cb); });
    VERIFY_OK(now);
    QList<WatchEvent> history;
    EtcdWatch* watch = m_client->watchPrefix("/silent/", from, this);
    connect(watch, &EtcdWatch::eventsReceived, this,
            [&history](const QList<WatchEvent>& e, qint64) { history += e; });
    // A marker written after the start: once it arrives, the history before it has been delivered.
    VERIFY_OK(await<qint64>(
        [&](QObject* ctx, Callback<qint64> cb) { m_client->put("/silent/marker", "done", 0, ctx, cb); }));
    QTRY_VERIFY(std::any_of(history.cbegin(), history.cend(),
                            [](const WatchEvent& e) { return e.kv.key == "/silent/marker"; }));
    for (const WatchEvent& e : std::as_const(history))
        QVERIFY2(e.kv.value != address, e.kv.key.constData());
    delete watch;
    delete node;
}

void TestBackends::failedStopLeavesNoJournalEntryAndNoRepair()
{
    NodeConnection* node = unixNode(u"local"_s, u"127.0.1.34"_s);
    QTRY_COMPARE(node->state(), NodeConnection::State::Ready);
    const QString journal = m_dir.filePath(u"journal-etcd-down.json"_s);
    const BackendDefaults defaults{DockerDaemon::backendImage(), 80, u"apache-%1"_s};
    BackendService direct(m_client.get(), "/down/", defaults, OperationJournal(journal));
    const quint16 port = freePort();
    VERIFY_OK(runOperation(direct.start(node, port)));

    // The same service through a link to etcd that is then cut: etcd is down for it.
    TcpProxy proxy(u"127.0.0.1"_s, quint16(QUrl(m_etcd.clientUrl()).port()));
    EtcdConfig c;
    c.endpoints = {proxy.url()};
    c.timeout = std::chrono::milliseconds(1500);
    EtcdV3Client cut(c);
    BackendService service(&cut, "/down/", defaults, OperationJournal(journal));
    proxy.cut();
    const Result<void> r = runOperation(service.stop(node, port));
    QVERIFY(!r.ok());
    // What happened: nothing. The journal says so, the container runs, the key is there.
    QVERIFY(OperationJournal(journal).entries().isEmpty());
    QCOMPARE(inspect(direct.containerName(port), u"{{.State.Running}}"_s), QByteArray("true"));
    QVERIFY(etcdKey(direct.keyOf(port)));

    // A journal entry that does not match the live state (left by an older lbdeck) is dropped,
    // not offered as "finish the stop".
    QVERIFY(OperationJournal(journal).add({u"local"_s, direct.containerName(port), direct.keyOf(port)}).ok());
    DriftDetector detector(m_client.get(), "/down/", OperationJournal(journal));
    auto drift = await<QList<DriftItem>>(
        [&](QObject* ctx, Callback<QList<DriftItem>> cb) { detector.resync({node}, ctx, cb); });
    VERIFY_OK(drift);
    QCOMPARE(drift->size(), 0);
    QVERIFY(OperationJournal(journal).entries().isEmpty());
    VERIFY_OK(runOperation(direct.stop(node, port)));
    delete node;
}

void TestBackends::resyncRepairsEachItemOnItsOwn()
{
    NodeConnection* node = unixNode(u"local"_s, u"127.0.1.35"_s);
    QTRY_COMPARE(node->state(), NodeConnection::State::Ready);
    BackendService service(m_client.get(), "/repair/",
                           BackendDefaults{DockerDaemon::backendImage(), 80, u"apache-%1"_s},
                           OperationJournal(m_dir.filePath(u"journal-repair.json"_s)));
    const quint16 pExited = freePort(), pGone = freePort();
    // 1. registered, its container exited: restart or unregister are both offered.
    VERIFY_OK(runOperation(service.start(node, pExited)));
    QByteArray out;
    QCOMPARE(m_docker.docker({u"stop"_s, u"-t"_s, u"1"_s, service.containerName(pExited)}, &out), QString());
    // 2. registered, no container at all: only unregister.
    VERIFY_OK(runOperation(service.start(node, pGone)));
    QCOMPARE(m_docker.docker({u"rm"_s, u"-f"_s, service.containerName(pGone)}, &out), QString());

    DriftDetector detector(m_client.get(), "/repair/",
                           OperationJournal(m_dir.filePath(u"journal-repair.json"_s)));
    auto resync = [&] {
        return await<QList<DriftItem>>(
            [&](QObject* ctx, Callback<QList<DriftItem>> cb) { detector.resync({node}, ctx, cb); });
    };
    auto drift = resync();
    VERIFY_OK(drift);
    QCOMPARE(drift->size(), 2);
    QMap<QByteArray, DriftItem> byKey;
    for (const DriftItem& d : *drift)
        byKey.insert(d.key, d);
    const DriftItem exited = byKey.value(service.keyOf(pExited));
    const DriftItem gone = byKey.value(service.keyOf(pGone));
    QCOMPARE(exited.kind, DriftItem::Kind::NotRunning);
    QCOMPARE(exited.repairs(),
             (QList<DriftItem::Repair>{DriftItem::Repair::Restart, DriftItem::Repair::Unregister}));
    QCOMPARE(gone.repairs(), QList<DriftItem::Repair>{DriftItem::Repair::Unregister});
    // A repair that does not fit is refused.
    auto bad = await<void>([&](QObject* ctx, Callback<void> cb) {
        detector.fix(gone, DriftItem::Repair::Restart, node, ctx, cb);
    });
    QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);

    // Restart the one, leave the other: only the first changes.
    VERIFY_OK(await<void>([&](QObject* ctx, Callback<void> cb) {
        detector.fix(exited, DriftItem::Repair::Restart, node, ctx, cb);
    }));
    QCOMPARE(inspect(service.containerName(pExited), u"{{.State.Running}}"_s), QByteArray("true"));
    drift = resync();
    VERIFY_OK(drift);
    QCOMPARE(drift->size(), 1);
    QCOMPARE(drift->first().key, service.keyOf(pGone));

    // Unregister against a key someone changed since the resync read it: refused, the key stays.
    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
        m_client->put(service.keyOf(pGone), u"127.0.1.35:%1"_s.arg(pGone).toUtf8(), 0, ctx, cb);
    }));
    auto stale = await<void>([&](QObject* ctx, Callback<void> cb) {
        detector.fix(drift->first(), DriftItem::Repair::Unregister, node, ctx, cb);
    });
    QCOMPARE(stale.error().code, ErrorCode::Conflict);
    QVERIFY(etcdKey(service.keyOf(pGone)));
    drift = resync();
    VERIFY_OK(drift);
    VERIFY_OK(await<void>([&](QObject* ctx, Callback<void> cb) {
        detector.fix(drift->first(), DriftItem::Repair::Unregister, node, ctx, cb);
    }));
    QVERIFY(!etcdKey(service.keyOf(pGone)));
    drift = resync();
    VERIFY_OK(drift);
    QCOMPARE(drift->size(), 0);
    VERIFY_OK(runOperation(service.stop(node, pExited)));
    delete node;
}

void TestBackends::replaceMovesABackendToAnotherNode()
{
    NodeConnection* b = unixNode(u"node-b"_s, u"127.0.1.36"_s);
    NodeConnection* c = unixNode(u"node-c"_s, u"127.0.1.37"_s);
    QTRY_COMPARE(b->state(), NodeConnection::State::Ready);
    QTRY_COMPARE(c->state(), NodeConnection::State::Ready);
    BackendService service(m_client.get(), "/replace/",
                           BackendDefaults{DockerDaemon::backendImage(), 80, u"apache-%1"_s},
                           OperationJournal(m_dir.filePath(u"journal-replace.json"_s)));
    service.setNodes({b, c});
    const quint16 port = freePort();
    VERIFY_OK(runOperation(service.start(b, port)));
    const QByteArray before = inspect(service.containerName(port), u"{{.Id}}"_s);
    VERIFY_OK(runOperation(service.replace(b, c, port)));
    QCOMPARE(etcdKey(service.keyOf(port))->value, u"127.0.1.37:%1"_s.arg(port).toUtf8());
    QByteArray body;
    QCOMPARE(httpGet(u"127.0.1.37"_s, port, "/", &body), 200);
    QCOMPARE(httpGet(u"127.0.1.36"_s, port, "/", &body, 500), -1);
    QVERIFY(inspect(service.containerName(port), u"{{.Id}}"_s) != before);
    VERIFY_OK(runOperation(service.stop(c, port)));
    delete b;
    delete c;
}

void TestBackends::removesAnExitedUnregisteredContainer()
{
    NodeConnection* node = unixNode(u"local"_s, u"127.0.1.38"_s);
    QTRY_COMPARE(node->state(), NodeConnection::State::Ready);
    BackendService service(m_client.get(), "/exited/",
                           BackendDefaults{DockerDaemon::backendImage(), 80, u"apache-%1"_s},
                           OperationJournal(m_dir.filePath(u"journal-exited.json"_s)));
    const quint16 port = freePort();
    VERIFY_OK(runOperation(service.start(node, port)));
    const QString name = service.containerName(port);
    // Running: refused.
    QCOMPARE(runOperation(service.removeExited(node, name)).error().code, ErrorCode::Conflict);
    QByteArray out;
    QCOMPARE(m_docker.docker({u"stop"_s, u"-t"_s, u"1"_s, name}, &out), QString());
    // Exited but still registered: refused, the registration is the operator's to decide.
    const Result<void> registered = runOperation(service.removeExited(node, name));
    QVERIFY(!registered.ok());
    QVERIFY2(registered.error().message.contains(u"still registered"_s),
             qPrintable(registered.error().message));
    VERIFY_OK(await<qint64>(
        [&](QObject* ctx, Callback<qint64> cb) { m_client->remove(service.keyOf(port), ctx, cb); }));
    VERIFY_OK(runOperation(service.removeExited(node, name)));
    QVERIFY(inspect(name, u"{{.Id}}"_s).isEmpty());
    delete node;
}

QTEST_GUILESS_MAIN(TestBackends)
#include "TestBackends.moc"
