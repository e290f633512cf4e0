// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// DockerClient against a real dockerd (tests/testbed/DockerDaemon): the seed's backends through
// their life, errors as Docker states them, events, cancellation, timeouts and connection reuse,
// checked from outside with HTTP and the docker CLI.
#include "DockerFixture.h"
#include "core/docker/DockerEventStream.h"
#include "core/docker/DockerTar.h"
#include "core/http/HttpClient.h"
#include "tests/support/Await.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

class TestDockerClient : public QObject, protected DockerFixture
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void negotiateVersionPingInfo();
    void callsBeforeNegotiationWaitForIt();
    void images();
    void backendLifecycle();
    void unknownContainerIsNotFound();
    void conflictsKeepDockersMessage();
    void eventsInOrder();
    void cancelledRequestsNeverCallBack();
    void requestsTimeOut();
    void sequentialCallsReuseOneConnection();
    void eventStreamSurvivesDaemonRestart(); // last: restarting the daemon removes every container
};

void TestDockerClient::initTestCase()
{
    if (!isRoot())
        QSKIP("the Docker engine needs root (CI runs these tests as root)");
    const QString error = startDocker(u"127.0.1.22"_s);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestDockerClient::cleanupTestCase()
{
    removeCreated();
}

void TestDockerClient::negotiateVersionPingInfo()
{
    QByteArray serverApi;
    QCOMPARE(m_daemon->docker({u"version"_s, u"--format"_s, u"{{.Server.APIVersion}}"_s}, &serverApi),
             QString());
    const QString server = QString::fromLatin1(serverApi.trimmed());
    const bool olderThanOurs =
        server.section(u'.', 0, 0).toInt() == 1 && server.section(u'.', 1).toInt() < 41;
    const QString expected = olderThanOurs ? server : u"1.41"_s;
    DockerClient client(HttpEndpoint::unixSocket(m_daemon->socketPath()));
    QVERIFY(client.apiVersion().isEmpty());
    auto negotiated = await<QString>([&](QObject* ctx, Callback<QString> cb) { client.negotiate(ctx, cb); });
    VERIFY_OK(negotiated);
    QCOMPARE(*negotiated, expected);
    QCOMPARE(client.apiVersion(), expected);

    VERIFY_OK(await<void>([&](QObject* ctx, Callback<void> cb) { client.ping(ctx, cb); }));

    auto version =
        await<DockerVersion>([&](QObject* ctx, Callback<DockerVersion> cb) { client.version(ctx, cb); });
    VERIFY_OK(version);
    QCOMPARE(version->apiVersion, server);
    QVERIFY(!version->version.isEmpty());
    QCOMPARE(version->os, u"linux"_s);
    QVERIFY(!version->arch.isEmpty());
    QVERIFY(!version->kernel.isEmpty());

    auto info = await<QJsonObject>([&](QObject* ctx, Callback<QJsonObject> cb) { client.info(ctx, cb); });
    VERIFY_OK(info);
    QCOMPARE(info->value(u"Driver"_s).toString(), u"vfs"_s); // the testbed's private daemon, not another
    QCOMPARE(info->value(u"ServerVersion"_s).toString(), version->version);
    QVERIFY(info->value(u"ContainersRunning"_s).toInt() >= 1);
}

void TestDockerClient::callsBeforeNegotiationWaitForIt()
{
    DockerClient client(HttpEndpoint::unixSocket(m_daemon->socketPath()));
    QObject context;
    int done = 0;
    QStringList failures;
    auto note = [&](const QString& what, bool ok, const QString& why) {
        ++done;
        if (!ok)
            failures << what + u": "_s + why;
    };
    // Four calls at once, none negotiated: they queue behind one GET /version, then all go out.
    client.version(&context, [&](const Result<DockerVersion>& r) {
        note(u"version"_s, r.ok(), r ? QString() : r.error().toString());
    });
    client.info(&context, [&](const Result<QJsonObject>& r) {
        note(u"info"_s, r.ok(), r ? QString() : r.error().toString());
    });
    client.listImages(&context, [&](const Result<QList<ImageSummary>>& r) {
        note(u"images"_s, r.ok(), r ? QString() : r.error().toString());
    });
    client.inspectContainer(m_shared, &context, [&](const Result<ContainerInfo>& r) {
        note(u"inspect"_s, r.ok() && r->state.running, r ? QString() : r.error().toString());
    });
    QVERIFY(client.apiVersion().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(done, 4, 20000);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u"; "_s)));
    QCOMPARE(client.apiVersion(), u"1.41"_s);
}

void TestDockerClient::images()
{
    auto images = await<QList<ImageSummary>>(
        [&](QObject* ctx, Callback<QList<ImageSummary>> cb) { m_client->listImages(ctx, cb); });
    VERIFY_OK(images);
    QStringList tags;
    for (const ImageSummary& image : std::as_const(*images)) {
        tags += image.repoTags;
        QVERIFY2(image.id.startsWith(u"sha256:"_s), qPrintable(image.id));
        QVERIFY(image.size > 0);
        QVERIFY(image.created.isValid());
    }
    QVERIFY2(tags.contains(DockerDaemon::backendImage()), qPrintable(tags.join(u", "_s)));
    QVERIFY2(tags.contains(DockerDaemon::nginxImage()), qPrintable(tags.join(u", "_s)));
}

void TestDockerClient::backendLifecycle()
{
    const QString ip = u"127.0.1.20"_s;
    const quint16 port = freePort();
    const QString name = u"apache-%1"_s.arg(port);
    const Result<QString> id = create(name, backendSpec(name, ip, port, m_runLabel));
    VERIFY_OK(id);
    QCOMPARE(id->size(), 64);

    auto created = inspect(name);
    VERIFY_OK(created);
    QCOMPARE(created->state.status, u"created"_s);
    QVERIFY(!created->state.running);
    QVERIFY(!created->state.startedAt.isValid());
    QCOMPARE(created->ports, QList<PortBinding>({PortBinding{ip, port, 80, u"tcp"_s}})); // as configured

    VERIFY_OK(start(name));
    VERIFY_OK(start(name)); // 304 "already started" is success
    QVERIFY2(waitUntil([&] { return pageAt(ip, port).contains(name.toUtf8()); }, std::chrono::seconds(20)),
             "the backend never served its page");
    QCOMPARE(pageAt(ip, port).trimmed(), u"<h1>Running from Docker on lbdeck: %1</h1>"_s.arg(name).toUtf8());

    auto running = inspect(name);
    VERIFY_OK(running);
    QCOMPARE(running->id, *id);
    QCOMPARE(running->name, name);
    QCOMPARE(running->image, DockerDaemon::backendImage());
    QCOMPARE(running->state.status, u"running"_s);
    QVERIFY(running->state.running);
    QVERIFY(running->state.startedAt.isValid());
    QVERIFY(qAbs(running->state.startedAt.secsTo(QDateTime::currentDateTimeUtc())) < 120);
    QCOMPARE(running->ports, QList<PortBinding>({PortBinding{ip, port, 80, u"tcp"_s}}));
    QCOMPARE(running->labels.value(u"lbdeck.backend"_s), name);
    QCOMPARE(running->labels.value(u"lbdeck.port"_s), QString::number(port));
    QVERIFY(running->env.contains(u"LBDECK_BACKEND="_s + name));
    QVERIFY(!running->tty);

    // The docker CLI, independently, sees the same binding.
    QByteArray cliPort;
    QCOMPARE(m_daemon->docker({u"port"_s, name, u"80/tcp"_s}, &cliPort), QString());
    QCOMPARE(cliPort.trimmed(), u"%1:%2"_s.arg(ip).arg(port).toUtf8());

    auto listed = await<QList<ContainerSummary>>([&](QObject* ctx, Callback<QList<ContainerSummary>> cb) {
        m_client->listContainers(true, {u"lbdeck.test="_s + m_runLabel, u"lbdeck.backend="_s + name}, ctx,
                                 cb);
    });
    VERIFY_OK(listed);
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->first().id, *id);
    QCOMPARE(listed->first().names, QStringList{name});
    QCOMPARE(listed->first().state, u"running"_s);
    QCOMPARE(listed->first().ports, QList<PortBinding>({PortBinding{ip, port, 80, u"tcp"_s}}));
    auto none = await<QList<ContainerSummary>>([&](QObject* ctx, Callback<QList<ContainerSummary>> cb) {
        m_client->listContainers(true, {u"lbdeck.backend=nobody-has-this"_s}, ctx, cb);
    });
    VERIFY_OK(none);
    QVERIFY(none->isEmpty());

    // The seed's `docker stop -t 3`: SIGTERM first, which this backend honours (143, not 137).
    VERIFY_OK(stop(name, 3));
    auto stopped = inspect(name);
    VERIFY_OK(stopped);
    QVERIFY(!stopped->state.running);
    QCOMPARE(stopped->state.status, u"exited"_s);
    QCOMPARE(stopped->state.exitCode, 143);
    QCOMPARE(httpGet(ip, port, "/"), -1);
    VERIFY_OK(stop(name, 3)); // 304 "already stopped" is success

    auto notRunning = await<QList<ContainerSummary>>([&](QObject* ctx, Callback<QList<ContainerSummary>> cb) {
        m_client->listContainers(false, {u"lbdeck.backend="_s + name}, ctx, cb);
    });
    VERIFY_OK(notRunning);
    QVERIFY(notRunning->isEmpty()); // all=false: running ones only

    VERIFY_OK(start(name));
    QVERIFY2(waitUntil([&] { return pageAt(ip, port).contains(name.toUtf8()); }, std::chrono::seconds(20)),
             "the backend did not serve again after a restart");

    VERIFY_OK(kill(name, u"SIGTERM"_s));
    QVERIFY(waitUntil([&] { return inspect(name).valueOr({}).state.status == u"exited"_s; },
                      std::chrono::seconds(20)));
    QCOMPARE(inspect(name)->state.exitCode, 143); // TERM, not the API's default KILL

    VERIFY_OK(remove(name, false));
    auto gone = inspect(name);
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().code, ErrorCode::NotFound);
    QCOMPARE(gone.error().status, 404);
}

void TestDockerClient::unknownContainerIsNotFound()
{
    const QString name = u"no-such-container-%1"_s.arg(QCoreApplication::applicationPid());
    QList<std::pair<QString, Error>> errors;
    auto collect = [&](const QString& what, const auto& r) {
        QVERIFY2(!r.ok(), qPrintable(what));
        errors.append({what, r.error()});
    };
    collect(u"inspect"_s, inspect(name));
    collect(u"start"_s, start(name));
    collect(u"stop"_s, stop(name, 1));
    collect(u"kill"_s, kill(name, u"HUP"_s));
    collect(u"remove"_s, remove(name, true));
    collect(u"exec"_s, exec(name, {u"/bin/busybox"_s, u"true"_s}));
    collect(u"archive"_s, putArchive(name, u"/tmp"_s, *docker::makeTar(u"f"_s, "x")));
    collect(u"logs"_s, await<StreamOutput>([&](QObject* ctx, Callback<StreamOutput> cb) {
                m_client->containerLogs(name, 10, ctx, cb);
            }));
    for (const auto& [what, e] : std::as_const(errors)) {
        const QByteArray text = (what + u": "_s + e.toString()).toUtf8();
        QVERIFY2(e.code == ErrorCode::NotFound, text.constData());
        QVERIFY2(e.status == 404, text.constData());
        QVERIFY2(e.message.contains(u"No such container"_s), text.constData());
        QVERIFY2(e.where == u"docker at unix://%1, container %2"_s.arg(m_daemon->socketPath(), name) ||
                     e.where.startsWith(
                         u"docker at unix://%1, container %2, "_s.arg(m_daemon->socketPath(), name)),
                 text.constData());
    }
}

void TestDockerClient::conflictsKeepDockersMessage()
{
    const auto [name, port] = runBackend(u"127.0.1.21"_s);
    QVERIFY2(port != 0, qPrintable(name));

    auto removing = remove(name, false);
    QVERIFY(!removing.ok());
    QCOMPARE(removing.error().code, ErrorCode::Conflict);
    QCOMPARE(removing.error().status, 409);
    QVERIFY2(removing.error().message.contains(u"cannot remove a running container"_s),
             qPrintable(removing.error().toString()));
    QVERIFY2(removing.error().where.endsWith(u"container "_s + name),
             qPrintable(removing.error().toString()));
    QVERIFY(inspect(name)->state.running); // and nothing happened to it

    auto again = create(name, backendSpec(name, u"127.0.1.21"_s, port, m_runLabel));
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, ErrorCode::Conflict);
    QCOMPARE(again.error().status, 409);
    QVERIFY2(again.error().message.contains(u"already in use"_s), qPrintable(again.error().toString()));

    VERIFY_OK(remove(name, true));
    auto killGone = kill(name, u"HUP"_s);
    QCOMPARE(killGone.error().code, ErrorCode::NotFound);
}

void TestDockerClient::eventsInOrder()
{
    const QString name = u"lbdeck-events-%1"_s.arg(QCoreApplication::applicationPid());
    QObject owner;
    // since: the daemon answers the stream's headers a moment before it subscribes; asking from
    // a little earlier leaves no gap for the first event to fall into.
    DockerEventStream* stream = m_client->events({{u"type"_s, {u"container"_s}}, {u"container"_s, {name}}},
                                                 &owner, QDateTime::currentDateTimeUtc().addSecs(-2));
    QStringList actions;
    QStringList names;
    connect(stream, &DockerEventStream::eventReceived, this, [&](const QJsonObject& e) {
        const QString action = e.value(u"Action"_s).toString();
        if (QStringList{u"create"_s, u"start"_s, u"die"_s, u"destroy"_s}.contains(action)) {
            actions << action;
            names << e.value(u"Actor"_s)
                         .toObject()
                         .value(u"Attributes"_s)
                         .toObject()
                         .value(u"name"_s)
                         .toString();
        }
    });
    QTRY_VERIFY_WITH_TIMEOUT(stream->isConnected(), 10000);

    ContainerSpec spec = backendSpec(name, u"127.0.1.24"_s, freePort(), m_runLabel);
    VERIFY_OK(create(name, spec));
    VERIFY_OK(start(name));
    VERIFY_OK(stop(name, 5));
    VERIFY_OK(remove(name, false));
    const QStringList expected{u"create"_s, u"start"_s, u"die"_s, u"destroy"_s};
    QTRY_COMPARE_WITH_TIMEOUT(actions, expected, 10000);
    QCOMPARE(names, QStringList(4, name));
    QVERIFY(stream->lastEventTimeNano() > 0);
}

void TestDockerClient::cancelledRequestsNeverCallBack()
{
    int callbacks = 0;
    {
        // Destroyed before anything was sent.
        QObject context;
        m_client->info(&context, [&](const Result<QJsonObject>&) { ++callbacks; });
        m_client->exec(m_shared, {u"/bin/busybox"_s, u"true"_s}, &context,
                       [&](const Result<ExecResult>&) { ++callbacks; });
    }
    {
        // Destroyed while the exec is running: the stream is aborted, the chain stops.
        auto* context = new QObject;
        m_client->exec(m_shared, {u"/bin/busybox"_s, u"sleep"_s, u"2"_s}, context,
                       [&](const Result<ExecResult>&) { ++callbacks; });
        QTest::qWait(500);
        delete context;
    }
    {
        // Destroyed while a stop waits out its grace period.
        auto* context = new QObject;
        const auto [name, port] = runBackend(u"127.0.1.25"_s);
        QVERIFY2(port != 0, qPrintable(name));
        m_client->stopContainer(name, 1, context, [&](const Result<void>&) { ++callbacks; });
        QTest::qWait(50);
        delete context;
        VERIFY_OK(remove(name, true));
    }
    QTest::qWait(3000);
    QCOMPARE(callbacks, 0);
    // The client is none the worse for it.
    auto info = inspect(m_shared);
    VERIFY_OK(info);
    QVERIFY(info->state.running);
}

void TestDockerClient::requestsTimeOut()
{
    DockerClient client(HttpEndpoint::unixSocket(m_daemon->socketPath()));
    client.setTimeout(std::chrono::milliseconds(700));
    QElapsedTimer clock;
    clock.start();
    auto r = await<ExecResult>([&](QObject* ctx, Callback<ExecResult> cb) {
        client.exec(m_shared, {u"/bin/busybox"_s, u"sleep"_s, u"5"_s}, ctx, cb);
    });
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Timeout);
    QVERIFY2(r.error().where.contains(u"exec "_s), qPrintable(r.error().toString()));
    QVERIFY2(clock.elapsed() < 4000, qPrintable(QString::number(clock.elapsed())));
}

void TestDockerClient::sequentialCallsReuseOneConnection()
{
    DockerClient client(HttpEndpoint::unixSocket(m_daemon->socketPath()));
    for (int i = 0; i < 200; ++i) {
        bool ok = false;
        QString why;
        switch (i % 3) {
        case 0: {
            auto r = await<DockerVersion>(
                [&](QObject* ctx, Callback<DockerVersion> cb) { client.version(ctx, cb); });
            ok = r.ok();
            why = QString::fromUtf8(test::why(r));
            break;
        }
        case 1: {
            auto r = await<ContainerInfo>([&](QObject* ctx, Callback<ContainerInfo> cb) {
                client.inspectContainer(m_shared, ctx, cb);
            });
            ok = r.ok();
            why = QString::fromUtf8(test::why(r));
            break;
        }
        default: {
            auto r = await<QList<ContainerSummary>>([&](QObject* ctx, Callback<QList<ContainerSummary>> cb) {
                client.listContainers(false, {u"lbdeck.test="_s + m_runLabel}, ctx, cb);
            });
            ok = r.ok() && !r->isEmpty();
            why = QString::fromUtf8(test::why(r));
        }
        }
        QVERIFY2(ok, qPrintable(u"call %1: %2"_s.arg(i).arg(why)));
        QCOMPARE(client.http()->connectionCount(), 1);
    }
}

void TestDockerClient::eventStreamSurvivesDaemonRestart()
{
    QObject owner;
    DockerClient client(HttpEndpoint::unixSocket(m_daemon->socketPath()));
    DockerEventStream* stream = client.events({{u"type"_s, {u"container"_s}}}, &owner);
    QStringList created;
    int drops = 0;
    connect(stream, &DockerEventStream::eventReceived, this, [&](const QJsonObject& e) {
        if (e.value(u"Action"_s).toString() == u"create"_s)
            created << e.value(u"Actor"_s)
                           .toObject()
                           .value(u"Attributes"_s)
                           .toObject()
                           .value(u"name"_s)
                           .toString();
    });
    connect(stream, &DockerEventStream::connectionChanged, this, [&](bool up, const QString&) {
        if (!up)
            ++drops;
    });
    QTRY_VERIFY_WITH_TIMEOUT(stream->isConnected(), 10000);

    m_daemon->stop();
    m_created.clear(); // the daemon removed them on the way down
    QTRY_VERIFY_WITH_TIMEOUT(drops >= 1, 10000);
    QCOMPARE(m_daemon->start(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(stream->isConnected(), 30000);
    QVERIFY(stream->reconnects() >= 1);

    const QString name = u"lbdeck-after-restart-%1"_s.arg(QCoreApplication::applicationPid());
    ContainerSpec spec;
    spec.image = DockerDaemon::backendImage();
    VERIFY_OK(create(name, spec)); // the old client, negotiated before the restart, still works
    QTRY_COMPARE_WITH_TIMEOUT(created, QStringList{name}, 10000);
    VERIFY_OK(remove(name, true));
}

QTEST_GUILESS_MAIN(TestDockerClient)
#include "TestDockerClient.moc"
