// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The pure parts of the Docker client, table-tested: JSON -> structs, the multiplexed stream,
// request bodies. Bad input must be an error, never a crash.
#include "core/docker/DockerCodec.h"
#include "core/docker/DockerStreamDemux.h"
#include "tests/support/Await.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(lbdeck::ErrorCode)

namespace {

QByteArray frame(char stream, const QByteArray& payload)
{
    QByteArray f(8, '\0');
    f[0] = stream;
    const quint32 n = quint32(payload.size());
    f[4] = char(n >> 24);
    f[5] = char(n >> 16);
    f[6] = char(n >> 8);
    f[7] = char(n);
    return f + payload;
}

// What `docker inspect` of a running seed backend looks like (trimmed to what matters, plus noise).
const QByteArray InspectRunning = R"({
  "Id": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  "Created": "2024-05-01T10:00:00.123456789Z",
  "Name": "/apache-8001",
  "Image": "sha256:feedbeef",
  "State": {"Status": "running", "Running": true, "Paused": false, "ExitCode": 0,
            "StartedAt": "2024-05-01T10:00:01.987654321Z", "FinishedAt": "0001-01-01T00:00:00Z"},
  "HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "127.0.1.20", "HostPort": "8001"}]},
                 "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0}},
  "Config": {"Hostname": "apache-8001", "Tty": false, "Image": "lbdeck/backend:test",
             "Env": ["LBDECK_BACKEND=apache-8001", "PATH=/bin"],
             "Labels": {"lbdeck.backend": "apache-8001", "lbdeck.port": "8001"},
             "ExposedPorts": {"80/tcp": {}}},
  "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "127.0.1.20", "HostPort": "8001"}],
                                "443/tcp": null}},
  "Unknown": {"future": ["fields", 1, true]}
})";

QByteArray replaced(const QByteArray& text, const QByteArray& from, const QByteArray& to)
{
    QByteArray out = text;
    out.replace(from, to);
    return out;
}

const QByteArray StatsSampleJson = R"({"read":"2026-11-26T01:36:27.069388663Z",
 "cpu_stats":{"cpu_usage":{"total_usage":45874150,"percpu_usage":[1,2]},"system_cpu_usage":14584570000000,"online_cpus":2},
 "precpu_stats":{"cpu_usage":{"total_usage":35874150},"system_cpu_usage":14582570000000,"online_cpus":2},
 "memory_stats":{"usage":401408,"limit":25276063744,"stats":{"total_inactive_file":4096,"cache":4096}},
 "networks":{"eth0":{"rx_bytes":486,"tx_bytes":10},"eth1":{"rx_bytes":14,"tx_bytes":5}}})";

} // namespace

class TestDockerCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void apiVersions_data();
    void apiVersions();
    void errorsMapToCodes_data();
    void errorsMapToCodes();
    void inspect();
    void inspectOfStoppedContainerShowsConfiguredPorts();
    void malformedInspect_data();
    void malformedInspect();
    void containerList();
    void malformedLists_data();
    void malformedLists();
    void versionAndExec();
    void stats();
    void malformedStats_data();
    void malformedStats();
    void times_data();
    void times();
    void demultiplex_data();
    void demultiplex();
    void createBody();
    void randomBytesNeverCrash();
};

void TestDockerCodec::apiVersions_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("chosen"); // "" = error
    QTest::newRow("newer daemon") << u"1.50"_s << u"1.41"_s;
    QTest::newRow("same") << u"1.41"_s << u"1.41"_s;
    QTest::newRow("older daemon") << u"1.40"_s << u"1.40"_s;
    QTest::newRow("numeric, not text") << u"1.9"_s << u"1.9"_s;
    QTest::newRow("major 2") << u"2.0"_s << u"1.41"_s;
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("no minor") << u"1"_s << QString();
    QTest::newRow("prefixed") << u"v1.41"_s << QString();
    QTest::newRow("three parts") << u"1.41.2"_s << QString();
    QTest::newRow("letters") << u"1.x"_s << QString();
    QTest::newRow("huge") << u"1.99999999999"_s << QString();
}

void TestDockerCodec::apiVersions()
{
    QFETCH(QString, server);
    QFETCH(QString, chosen);
    const Result<QString> r = docker::negotiatedVersion(server);
    if (chosen.isEmpty()) {
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Protocol);
    } else {
        VERIFY_OK(r);
        QCOMPARE(*r, chosen);
    }
}

void TestDockerCodec::errorsMapToCodes_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("404") << 404 << QByteArray(R"({"message":"No such container: apache-8001"})")
                         << ErrorCode::NotFound << u"No such container: apache-8001"_s;
    QTest::newRow("409") << 409 << QByteArray(R"({"message":"You cannot remove a running container"})")
                         << ErrorCode::Conflict << u"You cannot remove a running container"_s;
    QTest::newRow("401") << 401 << QByteArray(R"({"message":"unauthorized"})") << ErrorCode::PermissionDenied
                         << u"unauthorized"_s;
    QTest::newRow("403") << 403 << QByteArray(R"({"message":"authorization denied by plugin"})")
                         << ErrorCode::PermissionDenied << u"authorization denied by plugin"_s;
    QTest::newRow("500") << 500 << QByteArray(R"({"message":"driver failed"})") << ErrorCode::Http
                         << u"driver failed"_s;
    QTest::newRow("400 text") << 400 << QByteArray("bad parameter\n") << ErrorCode::Http
                              << u"HTTP status 400: bad parameter"_s;
    QTest::newRow("500 empty") << 500 << QByteArray() << ErrorCode::Http << u"HTTP status 500"_s;
    QTest::newRow("message not a string") << 404 << QByteArray(R"({"message":[1]})") << ErrorCode::NotFound
                                          << uR"(HTTP status 404: {"message":[1]})"_s;
}

void TestDockerCodec::errorsMapToCodes()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(ErrorCode, code);
    QFETCH(QString, message);
    const QString where = u"docker at unix:///x.sock, container apache-8001"_s;
    const Error e = docker::decodeError(body, status, where);
    QCOMPARE(e.code, code);
    QCOMPARE(e.status, status);
    QCOMPARE(e.message, message);
    QCOMPARE(e.where, where);
}

void TestDockerCodec::inspect()
{
    const Result<ContainerInfo> r = docker::parseContainerInspect(InspectRunning);
    VERIFY_OK(r);
    QCOMPARE(r->id.size(), 64);
    QCOMPARE(r->name, u"apache-8001"_s);
    QCOMPARE(r->image, u"lbdeck/backend:test"_s);
    QCOMPARE(r->imageId, u"sha256:feedbeef"_s);
    QCOMPARE(r->state.status, u"running"_s);
    QVERIFY(r->state.running);
    QCOMPARE(r->state.exitCode, 0);
    QCOMPARE(r->state.startedAt, QDateTime(QDate(2024, 5, 1), QTime(10, 0, 1, 987), Qt::UTC));
    QCOMPARE(r->labels.value(u"lbdeck.backend"_s), u"apache-8001"_s);
    QCOMPARE(r->env, QStringList({u"LBDECK_BACKEND=apache-8001"_s, u"PATH=/bin"_s}));
    QCOMPARE(r->ports.size(), 1); // 443 is exposed, not published
    QCOMPARE(r->ports.first(), (PortBinding{u"127.0.1.20"_s, 8001, 80, u"tcp"_s}));
    QVERIFY(!r->tty);
}

void TestDockerCodec::inspectOfStoppedContainerShowsConfiguredPorts()
{
    QByteArray stopped = replaced(InspectRunning, R"("Running": true)", R"("Running": false)");
    stopped = replaced(
        stopped, R"("NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "127.0.1.20", "HostPort": "8001"}],)",
        R"("NetworkSettings": {"Ports": {)");
    stopped = replaced(stopped, R"("443/tcp": null)", "");
    const Result<ContainerInfo> r = docker::parseContainerInspect(stopped);
    VERIFY_OK(r);
    QVERIFY(!r->state.running);
    QCOMPARE(r->ports, QList<PortBinding>({PortBinding{u"127.0.1.20"_s, 8001, 80, u"tcp"_s}}));
}

void TestDockerCodec::malformedInspect_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("truncated") << InspectRunning.left(InspectRunning.size() / 2);
    QTest::newRow("array") << QByteArray("[]");
    QTest::newRow("null") << QByteArray("null");
    QTest::newRow("no id") << replaced(InspectRunning, R"("Id":)", R"("Ix":)");
    QTest::newRow("id a number") << QByteArray(R"({"Id": 5, "State": {}, "Config": {}})");
    QTest::newRow("state a string") << replaced(InspectRunning, R"("State": {)", R"("State": "x", "Old": {)");
    QTest::newRow("no config") << replaced(InspectRunning, R"("Config":)", R"("Konfig":)");
    QTest::newRow("running a string")
        << replaced(InspectRunning, R"("Running": true)", R"("Running": "yes")");
    QTest::newRow("exit code a string") << replaced(InspectRunning, R"("ExitCode": 0)", R"("ExitCode": "0")");
    QTest::newRow("labels an array") << replaced(InspectRunning, R"("Labels": {)", R"("Labels": [], "L": {)");
    QTest::newRow("label value a number")
        << replaced(InspectRunning, R"("lbdeck.port": "8001")", R"("lbdeck.port": 8001)");
    QTest::newRow("env holds a number") << replaced(InspectRunning, R"("PATH=/bin")", "7");
    QTest::newRow("tty a number") << replaced(InspectRunning, R"("Tty": false)", R"("Tty": 0)");
    QTest::newRow("port key not a port") << replaced(InspectRunning, R"("80/tcp": [)", R"("http/tcp": [)");
    QTest::newRow("port key too many parts")
        << replaced(InspectRunning, R"("80/tcp": [)", R"("80/tcp/x": [)");
    QTest::newRow("port out of range")
        << replaced(InspectRunning, R"("HostPort": "8001"}],)", R"("HostPort": "70000"}],)");
    QTest::newRow("port negative") << replaced(InspectRunning, R"("HostPort": "8001"}],)",
                                               R"("HostPort": "-1"}],)");
    QTest::newRow("bindings an object") << replaced(InspectRunning, R"("443/tcp": null)", R"("443/tcp": {})");
    QTest::newRow("binding a string")
        << replaced(InspectRunning, R"("443/tcp": null)", R"("443/tcp": ["x"])");
    QTest::newRow("ports an array") << QByteArray(
        R"({"Id":"x","State":{},"Config":{},"NetworkSettings":{"Ports":[]}})");
    QTest::newRow("deeply nested") << (QByteArray(2000, '[') + QByteArray(2000, ']'));
}

void TestDockerCodec::malformedInspect()
{
    QFETCH(QByteArray, body);
    const Result<ContainerInfo> r = docker::parseContainerInspect(body);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Protocol);
    QVERIFY(!r.error().message.isEmpty());
}

void TestDockerCodec::containerList()
{
    const QByteArray body = R"json([
      {"Id":"aaa","Names":["/apache-8001"],"Image":"lbdeck/backend:test","State":"running","Status":"Up 2 seconds",
       "Created":1714557600,"Labels":{"lbdeck.backend":"apache-8001"},
       "Ports":[{"IP":"127.0.1.20","PrivatePort":80,"PublicPort":8001,"Type":"tcp"},{"PrivatePort":443,"Type":"tcp"}]},
      {"Id":"bbb","Names":null,"Image":"x","State":"exited","Status":"Exited (0)","Created":0,"Labels":null,"Ports":null}
    ])json";
    const Result<QList<ContainerSummary>> r = docker::parseContainerList(body);
    VERIFY_OK(r);
    QCOMPARE(r->size(), 2);
    const ContainerSummary& a = r->at(0);
    QCOMPARE(a.names, QStringList{u"apache-8001"_s});
    QCOMPARE(a.state, u"running"_s);
    QCOMPARE(a.labels.value(u"lbdeck.backend"_s), u"apache-8001"_s);
    QCOMPARE(a.ports, QList<PortBinding>({PortBinding{u"127.0.1.20"_s, 8001, 80, u"tcp"_s}}));
    QCOMPARE(a.created.toSecsSinceEpoch(), 1714557600);
    QVERIFY(r->at(1).names.isEmpty());
    QVERIFY(r->at(1).labels.isEmpty());

    const Result<QList<ImageSummary>> images = docker::parseImageList(
        R"([{"Id":"sha256:1","RepoTags":["lbdeck/backend:test"],"Size":1234,"Created":1},{"Id":"sha256:2","RepoTags":null}])");
    VERIFY_OK(images);
    QCOMPARE(images->size(), 2);
    QCOMPARE(images->at(0).repoTags, QStringList{u"lbdeck/backend:test"_s});
    QCOMPARE(images->at(0).size, 1234);
    QVERIFY(images->at(1).repoTags.isEmpty());
    QVERIFY(docker::parseContainerList("[]").ok());
}

void TestDockerCodec::malformedLists_data()
{
    QTest::addColumn<QByteArray>("containers");
    QTest::addColumn<QByteArray>("images");
    QTest::newRow("object") << QByteArray("{}") << QByteArray("{}");
    QTest::newRow("element a string") << QByteArray(R"(["x"])") << QByteArray(R"(["x"])");
    QTest::newRow("no id") << QByteArray(R"([{"Names":[]}])") << QByteArray(R"([{"RepoTags":[]}])");
    QTest::newRow("names a string") << QByteArray(R"([{"Id":"a","Names":"/x"}])")
                                    << QByteArray(R"([{"Id":"a","RepoTags":"x"}])");
    QTest::newRow("negative numbers")
        << QByteArray(R"([{"Id":"a","Created":-5}])") << QByteArray(R"([{"Id":"a","Size":-1}])");
    QTest::newRow("port out of range")
        << QByteArray(R"([{"Id":"a","Ports":[{"PrivatePort":80,"PublicPort":65536}]}])")
        << QByteArray(R"([{"Id":"a","Created":"yesterday"}])");
    QTest::newRow("ports an object") << QByteArray(R"([{"Id":"a","Ports":{}}])")
                                     << QByteArray(R"([{"Id":"a","Size":1e300}])");
    QTest::newRow("binary") << QByteArray("\x00\xff[", 3) << QByteArray("\xfe\xff", 2);
}

void TestDockerCodec::malformedLists()
{
    QFETCH(QByteArray, containers);
    QFETCH(QByteArray, images);
    QVERIFY(!docker::parseContainerList(containers).ok());
    QVERIFY(!docker::parseImageList(images).ok());
}

void TestDockerCodec::versionAndExec()
{
    const Result<DockerVersion> v = docker::parseVersion(
        R"({"Version":"20.10.24","ApiVersion":"1.41","MinAPIVersion":"1.12","Os":"linux","Arch":"amd64","KernelVersion":"6.1.0"})");
    VERIFY_OK(v);
    QCOMPARE(v->apiVersion, u"1.41"_s);
    QCOMPARE(v->os, u"linux"_s);
    QCOMPARE(v->kernel, u"6.1.0"_s);
    QVERIFY(!docker::parseVersion(R"({"Version":"20.10"})").ok());
    QVERIFY(!docker::parseVersion(R"({"ApiVersion":1.41})").ok());
    QVERIFY(!docker::parseVersion(R"({"ApiVersion":"latest"})").ok());

    const Result<ExecState> done =
        docker::parseExecInspect(R"({"Running":false,"ExitCode":3,"ContainerID":"c"})");
    VERIFY_OK(done);
    QCOMPARE(done->exitCode, 3);
    const Result<ExecState> running = docker::parseExecInspect(R"({"Running":true,"ExitCode":null})");
    VERIFY_OK(running);
    QVERIFY(running->running);
    QCOMPARE(running->exitCode, -1);
    QVERIFY(!docker::parseExecInspect(R"({"Running":"no"})").ok());
    QVERIFY(!docker::parseExecInspect(R"({"ExitCode":"3"})").ok());
    QVERIFY(!docker::parseExecInspect("[]").ok());

    VERIFY_OK(docker::parseCreatedId(R"({"Id":"abc","Warnings":[]})"));
    QVERIFY(!docker::parseCreatedId(R"({"Id":""})").ok());
    QVERIFY(!docker::parseCreatedId(R"({"id":"abc"})").ok());
}

void TestDockerCodec::stats()
{
    const Result<QJsonObject> o = docker::parseObject(StatsSampleJson);
    VERIFY_OK(o);
    const Result<StatsSample> s = docker::parseStats(*o);
    VERIFY_OK(s);
    // 10 ms of CPU in 2 s of system time on 2 CPUs: 1 %.
    QCOMPARE(s->cpuPercent, 1.0);
    QCOMPARE(s->onlineCpus, 2);
    QCOMPARE(s->memoryUsage, 401408 - 4096);
    QCOMPARE(s->memoryLimit, 25276063744LL);
    QCOMPARE(s->networkRxBytes, 500);
    QCOMPARE(s->networkTxBytes, 15);
    QVERIFY(s->read.isValid());

    // A stream's first sample has no previous one: no CPU share yet, not a division by zero.
    QJsonObject first = *o;
    first.insert(u"precpu_stats"_s, QJsonObject{{u"cpu_usage"_s, QJsonObject{{u"total_usage"_s, 0}}}});
    const Result<StatsSample> f = docker::parseStats(first);
    VERIFY_OK(f);
    QCOMPARE(f->cpuPercent, 0.0);

    // What a stopped container streams: zero time, empty counters.
    const Result<StatsSample> idle = docker::parseStats(*docker::parseObject(
        R"({"read":"0001-01-01T00:00:00Z","cpu_stats":{"cpu_usage":{"total_usage":0}},"precpu_stats":{},"memory_stats":{}})"));
    VERIFY_OK(idle);
    QVERIFY(!idle->read.isValid());
    QCOMPARE(idle->memoryUsage, 0);
}

void TestDockerCodec::malformedStats_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("cpu a string") << replaced(StatsSampleJson, R"("cpu_stats":{)",
                                              R"("cpu_stats":"x","c":{)");
    QTest::newRow("usage negative") << replaced(StatsSampleJson, R"("usage":401408)", R"("usage":-1)");
    QTest::newRow("usage a string") << replaced(StatsSampleJson, R"("usage":401408)", R"("usage":"1")");
    QTest::newRow("network a number")
        << replaced(StatsSampleJson, R"("eth1":{"rx_bytes":14,"tx_bytes":5})", R"("eth1":3)");
    QTest::newRow("rx a string") << replaced(StatsSampleJson, R"("rx_bytes":14)", R"("rx_bytes":"14")");
    QTest::newRow("online cpus absurd")
        << replaced(StatsSampleJson, R"("online_cpus":2})", R"("online_cpus":1e12})");
    QTest::newRow("networks an array")
        << replaced(StatsSampleJson, R"("networks":{)", R"("networks":[],"n":{)");
    QTest::newRow("read a number") << replaced(StatsSampleJson, R"("read":"2026-11-26T01:36:27.069388663Z")",
                                               R"("read":5)");
}

void TestDockerCodec::malformedStats()
{
    QFETCH(QByteArray, body);
    const Result<QJsonObject> o = docker::parseObject(body);
    VERIFY_OK(o);
    QVERIFY(!docker::parseStats(*o).ok());
}

void TestDockerCodec::times_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");
    QTest::newRow("nanoseconds") << u"2024-05-01T10:00:01.987654321Z"_s
                                 << QDateTime(QDate(2024, 5, 1), QTime(10, 0, 1, 987), Qt::UTC);
    QTest::newRow("offset") << u"2024-05-01T12:00:01.5+02:00"_s
                            << QDateTime(QDate(2024, 5, 1), QTime(10, 0, 1, 500), Qt::UTC);
    QTest::newRow("no fraction") << u"2024-05-01T10:00:01Z"_s
                                 << QDateTime(QDate(2024, 5, 1), QTime(10, 0, 1), Qt::UTC);
    QTest::newRow("go zero time") << u"0001-01-01T00:00:00Z"_s << QDateTime();
    QTest::newRow("empty") << QString() << QDateTime();
    QTest::newRow("garbage") << u"yesterday"_s << QDateTime();
}

void TestDockerCodec::times()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const QDateTime t = docker::parseTime(text);
    QCOMPARE(t.isValid(), expected.isValid());
    if (expected.isValid())
        QCOMPARE(t, expected);
}

void TestDockerCodec::demultiplex_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<QByteArray>("err");
    QTest::newRow("empty") << QByteArray() << true << QByteArray() << QByteArray();
    QTest::newRow("one stdout frame")
        << frame(1, "index.html\n") << true << QByteArray("index.html\n") << QByteArray();
    QTest::newRow("interleaved") << frame(1, "a") + frame(2, "x") + frame(1, "b") + frame(2, "y") << true
                                 << QByteArray("ab") << QByteArray("xy");
    QTest::newRow("stdin goes to stdout") << frame(0, "in") << true << QByteArray("in") << QByteArray();
    QTest::newRow("empty frame") << frame(1, {}) + frame(2, "e") << true << QByteArray() << QByteArray("e");
    QTest::newRow("binary payload") << frame(1, QByteArray("\0\1\2\n\xff", 5)) << true
                                    << QByteArray("\0\1\2\n\xff", 5) << QByteArray();
    QTest::newRow("large frame") << frame(1, QByteArray(70000, 'z')) << true << QByteArray(70000, 'z')
                                 << QByteArray();
    QTest::newRow("truncated header") << frame(1, "abc").left(5) << false << QByteArray() << QByteArray();
    QTest::newRow("truncated payload")
        << frame(1, "abcdef").chopped(2) << false << QByteArray() << QByteArray();
    QTest::newRow("huge size, little data") << QByteArray("\x01\0\0\0\xff\xff\xff\xff"
                                                          "abc",
                                                          11)
                                            << false << QByteArray() << QByteArray();
    QTest::newRow("unknown stream") << frame(7, "x") << false << QByteArray() << QByteArray();
    QTest::newRow("non-zero padding")
        << QByteArray("\x01\x01\0\0\0\0\0\x01x", 9) << false << QByteArray() << QByteArray();
    QTest::newRow("raw tty text") << QByteArray("hello world\n") << false << QByteArray() << QByteArray();
    QTest::newRow("daemon error frame")
        << frame(1, "ok") + frame(3, "exec failed") << false << QByteArray() << QByteArray();
    QTest::newRow("garbage after frames")
        << frame(2, "e") + QByteArray("\x02\0\0", 3) << false << QByteArray() << QByteArray();
}

void TestDockerCodec::demultiplex()
{
    QFETCH(QByteArray, stream);
    QFETCH(bool, valid);
    QFETCH(QByteArray, out);
    QFETCH(QByteArray, err);
    const Result<StreamOutput> r = docker::demultiplex(stream);
    QCOMPARE(r.ok(), valid);
    if (valid) {
        QCOMPARE(r->stdOut, out);
        QCOMPARE(r->stdErr, err);
    } else {
        QVERIFY(!r.error().message.isEmpty());
    }
}

void TestDockerCodec::createBody()
{
    ContainerSpec spec;
    spec.image = u"lbdeck/backend:test"_s;
    spec.env = {u"LBDECK_BACKEND=apache-8001"_s};
    spec.labels = {{u"lbdeck.backend"_s, u"apache-8001"_s}};
    spec.hostname = u"apache-8001"_s;
    spec.ports = {PortBinding{u"127.0.1.20"_s, 8001, 80, u"tcp"_s},
                  PortBinding{u"127.0.1.21"_s, 8002, 80, u"tcp"_s}};
    const QJsonObject o = QJsonDocument::fromJson(docker::containerCreateBody(spec)).object();
    QCOMPARE(o.value(u"Image"_s).toString(), spec.image);
    QVERIFY(!o.contains(u"Cmd"_s)); // the image's own CMD
    QCOMPARE(o.value(u"Env"_s).toArray().first().toString(), spec.env.first());
    QCOMPARE(o.value(u"Hostname"_s).toString(), spec.hostname);
    QCOMPARE(o.value(u"Labels"_s).toObject().value(u"lbdeck.backend"_s).toString(), u"apache-8001"_s);
    QVERIFY(o.value(u"ExposedPorts"_s).toObject().contains(u"80/tcp"_s));
    const QJsonObject host = o.value(u"HostConfig"_s).toObject();
    QCOMPARE(host.value(u"RestartPolicy"_s).toObject().value(u"Name"_s).toString(), u"no"_s);
    const QJsonArray bindings = host.value(u"PortBindings"_s).toObject().value(u"80/tcp"_s).toArray();
    QCOMPARE(bindings.size(), 2);
    QCOMPARE(bindings.at(0).toObject().value(u"HostIp"_s).toString(), u"127.0.1.20"_s);
    QCOMPARE(bindings.at(0).toObject().value(u"HostPort"_s).toString(), u"8001"_s);

    spec.cmd = {u"/bin/busybox"_s, u"sh"_s, u"-c"_s, u"echo \"quoted\"; exit 3"_s};
    const QJsonObject withCmd = QJsonDocument::fromJson(docker::containerCreateBody(spec)).object();
    QCOMPARE(withCmd.value(u"Cmd"_s).toArray().at(3).toString(), spec.cmd.at(3));

    const QJsonObject exec = QJsonDocument::fromJson(docker::execCreateBody({u"ls"_s, u"/www"_s})).object();
    QCOMPARE(exec.value(u"AttachStdout"_s).toBool(), true);
    QCOMPARE(exec.value(u"AttachStderr"_s).toBool(), true);
    QCOMPARE(exec.value(u"Tty"_s).toBool(), false);
    QCOMPARE(exec.value(u"Cmd"_s).toArray().size(), 2);

    QCOMPARE(docker::filtersJson({{u"label"_s, {u"a=b"_s, u"c"_s}}}), QByteArray(R"({"label":["a=b","c"]})"));
}

// Everything the daemon sends goes through these; none may crash or hang on any bytes at all.
void TestDockerCodec::randomBytesNeverCrash()
{
    QRandomGenerator rng(4242);
    const QList<QByteArray> seeds{
        InspectRunning, StatsSampleJson, frame(1, "abc") + frame(2, "de"),
        R"([{"Id":"a","Names":["/x"],"Ports":[{"PrivatePort":80,"PublicPort":1}]}])"};
    int parsed = 0;
    for (int i = 0; i < 4000; ++i) {
        QByteArray input = seeds.at(i % seeds.size());
        const int edits = 1 + int(rng.bounded(8));
        for (int e = 0; e < edits && !input.isEmpty(); ++e) {
            const qsizetype at = qsizetype(rng.bounded(quint32(input.size())));
            switch (rng.bounded(3)) {
            case 0:
                input[at] = char(rng.bounded(256));
                break;
            case 1:
                input.remove(at, 1 + qsizetype(rng.bounded(16)));
                break;
            default:
                input.insert(at, char(rng.bounded(256)));
            }
        }
        parsed += docker::parseContainerInspect(input).ok();
        parsed += docker::parseContainerList(input).ok();
        parsed += docker::demultiplex(input).ok();
        if (Result<QJsonObject> o = docker::parseObject(input); o)
            parsed += docker::parseStats(*o).ok();
    }
    QVERIFY(parsed > 0); // reaching here without a crash is the test; some inputs do parse
}

QTEST_GUILESS_MAIN(TestDockerCodec)
#include "TestDockerCodec.moc"
