// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Backends as the seed's apache@PORT units, through the Docker API over ssh:// and unix://, with
// real sshd, dockerd and etcd from the test bed.
#include "core/cluster/BackendOperation.h"
#include "core/cluster/BackendService.h"
#include "core/cluster/DriftDetector.h"
#include "core/cluster/NodeConnection.h"
#include "core/docker/DockerClient.h"
#include "core/docker/DockerEventStream.h"
#include "core/etcd/EtcdV3Client.h"
#include "core/etcd/PrefixMirror.h"
#include "core/ssh/SshTunnel.h"
#include "tests/support/Await.h"
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/EtcdServer.h"
#include "tests/testbed/SshServer.h"

#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
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
    void resyncFindsEachDriftAndFixesIt();
    void failedStartRollsBack();

private:
    NodeConnection* sshNode(const QString& name, const QString& address, const QString& knownHosts);
    NodeConnection* unixNode(const QString& name, const QString& address);
    Result<QByteArray> etcdValue(const QByteArray& key);

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

QTEST_GUILESS_MAIN(TestBackends)
#include "TestBackends.moc"
