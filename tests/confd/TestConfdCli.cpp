// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// `lbdeck-engine confd` as a confd user runs it: lbdeck's own confd directory (tests/data/confd,
// expected files written from confd's documented behaviour) against a real etcd, and each confd
// flag with an effect that can be seen.
#include "ConfdCliSupport.h"
#include "core/confd/GoFlags.h"
#include "core/etcd/EtcdV2Client.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/support/Await.h"
#include "tests/testbed/EtcdServer.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

QString resource(const QString& name, const QString& keys, const QString& extra = {})
{
    return u"[template]\nsrc = \"%1.tmpl\"\ndest = \"out/%1.conf\"\nkeys = [%2]\n%3\n"_s.arg(name, keys,
                                                                                             extra);
}

// A confd directory in dir: conf.d/NAME.toml, templates/NAME.tmpl, out/, and keys.yaml.
void makeConfdDir(const QString& dir, const QString& name, const QString& toml, const QByteArray& tmpl,
                  const QByteArray& keys)
{
    writeFile(dir + u"/conf.d/"_s + name + u".toml"_s, toml.toUtf8());
    writeFile(dir + u"/templates/"_s + name + u".tmpl"_s, tmpl);
    writeFile(dir + u"/keys.yaml"_s, keys);
    QDir().mkpath(dir + u"/out"_s);
}

QStringList stageFiles(const QString& dir)
{
    QStringList out;
    for (const QString& name : QDir(dir).entryList(QDir::Files | QDir::Hidden)) {
        if (name.startsWith(u'.'))
            out << name;
    }
    return out;
}

QStringList fileArgs(const QString& dir)
{
    return {u"-backend"_s, u"file"_s, u"-file"_s, dir + u"/keys.yaml"_s, u"-confdir"_s, dir};
}

} // namespace

class TestConfdCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void ownConfdDirectoryAgainstEtcd();
    void etcdV2Keyspace();
    void tlsAndBasicAuth();
    void failedTemplateExitsOneAndWritesNothing();
    void noopWritesNothing();
    void syncOnlyRunsNeitherCheckNorReload();
    void keepStageFileLeavesIt();
    void prefixFlagReplacesResourcePrefix();
    void filterPicksFiles();
    void intervalPollsAgain();
    void watchFollowsEtcdAndSurvivesAFailingTemplate();
    void modeUidGidApplied();
    void worksThroughConfdSymlink();
    void confdTomlAndEnvBackend();
    void hostileValuesUnderDeclaredBackendsAreRejected();
    void flagErrors();
    void goFlagForms();

private:
    Result<qint64> put(const QByteArray& k, const QByteArray& v)
    {
        return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { m_etcd->put(k, v, 0, ctx, cb); });
    }
    Result<qint64> remove(const QByteArray& k)
    {
        return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { m_etcd->remove(k, ctx, cb); });
    }
    QString scratch(const QString& name) { return m_dir.filePath(name); }

    EtcdServer m_server;
    std::unique_ptr<EtcdV3Client> m_etcd;
    QTemporaryDir m_dir;
};

void TestConfdCli::initTestCase()
{
    QVERIFY(QFile::exists(engineBinary()));
    QCOMPARE(m_server.start(), QString());
    EtcdConfig c;
    c.endpoints = {m_server.clientUrl()};
    m_etcd = std::make_unique<EtcdV3Client>(c);
}

void TestConfdCli::ownConfdDirectoryAgainstEtcd()
{
    const QString dir = scratch(u"shop"_s);
    QVERIFY(copyTree(sourceDir() + u"/tests/data/confd/shop"_s, dir));
    QDir().mkpath(dir + u"/out"_s);
    // Values confd hands over as they are: blanks, quotes, braces, newlines, empty, not UTF-8.
    const QList<std::pair<QByteArray, QByteArray>> keys{
        {"/database/host", "127.0.0.1"},
        {"/database/port", "3306"},
        {"/database/user", "shop"},
        {"/database/password", "p@ss w;rd{}"},
        {"/database/replica", "127.0.0.2"},
        {"/database/options", "ssl compress charset=utf8"},
        {"/database/motd", "line one\nline \"two\""},
        {"/database/empty", ""},
        {"/database/latin1", "caf\xe9"},
        {"/shop/upstream/web/a", "172.17.8.203:8001"},
        {"/shop/upstream/web/b", "172.17.8.202:8002"},
        {"/shop/services/api/spec", R"({"name": "api", "ports": [8080, 8443]})"},
        {"/shop/services/cache/size", "64m"},
        {"/elsewhere/x", "not read"},
    };
    for (const auto& [k, v] : keys)
        VERIFY_OK(put(k, v));
    const ConfdRun r = runConfd(
        {u"-onetime"_s, u"-backend"_s, u"etcdv3"_s, u"-node"_s, m_server.clientUrl(), u"-confdir"_s, dir},
        dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dir + u"/out/database.conf"_s), readFile(dir + u"/expected/database.conf"_s));
    QCOMPARE(readFile(dir + u"/out/upstream.conf"_s), readFile(dir + u"/expected/upstream.conf"_s));
    struct stat st
    {
    };
    QCOMPARE(::stat(QFile::encodeName(dir + u"/out/database.conf"_s).constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, mode_t(0640));
    QVERIFY(r.err.contains("INFO Target config out/upstream.conf has been updated"));
    QVERIFY2(!r.err.contains("QFSFileEngine") && !r.err.contains("qt."), r.err.constData());
    // `etcd` is confd's alias of etcdv3; again nothing changes, nothing is written.
    const ConfdRun again = runConfd(
        {u"-onetime"_s, u"-backend"_s, u"etcd"_s, u"-node"_s, m_server.clientUrl(), u"-confdir"_s, dir}, dir);
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QVERIFY(!again.err.contains("has been updated"));
}

void TestConfdCli::etcdV2Keyspace()
{
    // The seed's etcd: `etcdctl set /test/apache-8001 ...` in the v2 keyspace.
    EtcdConfig c;
    c.endpoints = {m_server.clientUrl()};
    EtcdV2Client v2(c);
    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
        v2.put("/seed/apache-8001", "172.17.8.203:8001", 0, ctx, cb);
    }));
    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
        v2.put("/seed/apache-8002", "172.17.8.202:8002", 0, ctx, cb);
    }));
    const QString dir = scratch(u"v2"_s);
    makeConfdDir(dir, u"nginx"_s, resource(u"nginx"_s, u"\"/seed\""_s),
                 "upstream backend { {{range getvs \"/seed/*\"}} server {{.}};{{end}} }\n", {});
    const ConfdRun r = runConfd(
        {u"-onetime"_s, u"-backend"_s, u"etcdv2"_s, u"-node"_s, m_server.clientUrl(), u"-confdir"_s, dir},
        dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dir + u"/out/nginx.conf"_s),
             QByteArray("upstream backend {  server 172.17.8.202:8002; server 172.17.8.203:8001; }\n"));
}

// confd's TLS flags against an etcd that requires client certificates, and its auth flags against
// one that requires a password (etcd's gateway takes no client certificate and a password at once).
void TestConfdCli::tlsAndBasicAuth()
{
    EtcdServer::Options tlsOptions;
    tlsOptions.tls = true;
    EtcdServer withTls(tlsOptions);
    EtcdServer::Options authOptions;
    authOptions.auth = true;
    EtcdServer withAuth(authOptions);
    for (EtcdServer* server : {&withTls, &withAuth}) {
        QCOMPARE(server->start(), QString());
        QCOMPARE(server->etcdctl({u"put"_s, u"/secure/name"_s, u"locked"_s}), QString());
    }
    const QString dir = scratch(u"tls"_s);
    makeConfdDir(dir, u"app"_s, resource(u"app"_s, u"\"/secure\""_s), "{{getv \"/secure/name\"}}\n", {});
    auto base = [&](const EtcdServer& server) {
        return QStringList{u"-onetime"_s,      u"-backend"_s, u"etcdv3"_s, u"-node"_s,
                           server.clientUrl(), u"-confdir"_s, dir};
    };
    const Certificates& c = withTls.certificates();
    ConfdRun r = runConfd(base(withTls) + QStringList{u"-client-cert"_s, c.clientCert, u"-client-key"_s,
                                                      c.clientKey, u"-client-ca-keys"_s, c.caCert},
                          dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), QByteArray("locked\n"));
    // Without the client certificate etcd refuses: exit 1, nothing written.
    QFile::remove(dir + u"/out/app.conf"_s);
    r = runConfd(base(withTls) + QStringList{u"-client-ca-keys"_s, c.caCert}, dir);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(!QFile::exists(dir + u"/out/app.conf"_s));

    const QString password = authOptions.authPassword;
    r = runConfd(base(withAuth) +
                     QStringList{u"-basic-auth"_s, u"-username"_s, u"root"_s, u"-password"_s, password},
                 dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), QByteArray("locked\n"));
    QVERIFY(!r.err.contains(password.toUtf8())); // never logged
    QFile::remove(dir + u"/out/app.conf"_s);
    r = runConfd(base(withAuth), dir);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(!QFile::exists(dir + u"/out/app.conf"_s));
    QVERIFY(r.err.contains("FATAL"));
}

void TestConfdCli::failedTemplateExitsOneAndWritesNothing()
{
    const QString dir = scratch(u"failing"_s);
    makeConfdDir(dir, u"good"_s, resource(u"good"_s, u"\"/app\""_s), "name={{getv \"/app/name\"}}\n",
                 "\"/app/name\": \"web\"\n");
    writeFile(dir + u"/conf.d/bad.toml"_s, resource(u"bad"_s, u"\"/app\""_s).toUtf8());
    writeFile(dir + u"/templates/bad.tmpl"_s, "before\n{{getv \"/app/missing\"}}\n");
    const ConfdRun r = runConfd(QStringList{u"-onetime"_s} + fileArgs(dir), dir);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(
        r.err.contains("ERROR template: bad.tmpl:2:2: executing \"bad.tmpl\" at <getv \"/app/missing\">: "
                       "error calling getv: key does not exist: /app/missing"),
        r.err.constData());
    QVERIFY(r.err.contains("FATAL template: bad.tmpl"));
    QVERIFY(!QFile::exists(dir + u"/out/bad.conf"_s));
    QCOMPARE(stageFiles(dir + u"/out"_s), QStringList());
    // As confd: the other resource is still processed.
    QCOMPARE(readFile(dir + u"/out/good.conf"_s), QByteArray("name=web\n"));
}

void TestConfdCli::noopWritesNothing()
{
    const QString dir = scratch(u"noop"_s);
    makeConfdDir(dir, u"app"_s, resource(u"app"_s, u"\"/app\""_s), "name={{getv \"/app/name\"}}\n",
                 "app:\n  name: web\n");
    const ConfdRun r = runConfd(QStringList{u"-onetime"_s, u"-noop"_s} + fileArgs(dir), dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.err.contains("WARNING Noop mode enabled. out/app.conf will not be modified"));
    QVERIFY(!QFile::exists(dir + u"/out/app.conf"_s));
    QCOMPARE(stageFiles(dir + u"/out"_s), QStringList());
}

void TestConfdCli::syncOnlyRunsNeitherCheckNorReload()
{
    const QString dir = scratch(u"synconly"_s);
    const QString checked = dir + u"/checked"_s;
    const QString reloaded = dir + u"/reloaded"_s;
    makeConfdDir(dir, u"app"_s,
                 resource(u"app"_s, u"\"/app\""_s,
                          u"check_cmd = \"test -s {{.src}} && touch %1\"\nreload_cmd = \"touch %2\""_s.arg(
                              checked, reloaded)),
                 "name={{getv \"/app/name\"}}\n", "app:\n  name: one\n");
    ConfdRun r = runConfd(QStringList{u"-onetime"_s, u"-sync-only"_s} + fileArgs(dir), dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), QByteArray("name=one\n"));
    QVERIFY(!QFile::exists(checked));
    QVERIFY(!QFile::exists(reloaded));
    writeFile(dir + u"/keys.yaml"_s, "app:\n  name: two\n");
    r = runConfd(QStringList{u"-onetime"_s} + fileArgs(dir), dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), QByteArray("name=two\n"));
    QVERIFY(QFile::exists(checked));
    QVERIFY(QFile::exists(reloaded));
    // A failing check_cmd: "Config check failed", dest kept, exit 1.
    writeFile(dir + u"/conf.d/app.toml"_s,
              resource(u"app"_s, u"\"/app\""_s, u"check_cmd = \"false\""_s).toUtf8());
    writeFile(dir + u"/keys.yaml"_s, "app:\n  name: three\n");
    r = runConfd(QStringList{u"-onetime"_s} + fileArgs(dir), dir);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("Config check failed: exit status 1"), r.err.constData());
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), QByteArray("name=two\n"));
    QCOMPARE(stageFiles(dir + u"/out"_s), QStringList());
}

void TestConfdCli::keepStageFileLeavesIt()
{
    const QString dir = scratch(u"keep"_s);
    makeConfdDir(dir, u"app"_s, resource(u"app"_s, u"\"/app\""_s), "name={{getv \"/app/name\"}}\n",
                 "app:\n  name: web\n");
    ConfdRun r = runConfd(QStringList{u"-onetime"_s} + fileArgs(dir), dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(stageFiles(dir + u"/out"_s), QStringList());
    // In sync: the staged candidate is not renamed, and -keep-stage-file leaves it in dest's directory.
    r = runConfd(QStringList{u"-onetime"_s, u"-keep-stage-file"_s} + fileArgs(dir), dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QStringList kept = stageFiles(dir + u"/out"_s);
    QCOMPARE(kept.size(), 1);
    QVERIFY(kept.first().startsWith(u".app.conf"_s));
    QCOMPARE(readFile(dir + u"/out/"_s + kept.first()), QByteArray("name=web\n"));
    QVERIFY(r.err.contains("Keeping staged file: out/.app.conf"));
}

void TestConfdCli::prefixFlagReplacesResourcePrefix()
{
    const QString dir = scratch(u"prefix"_s);
    makeConfdDir(dir, u"app"_s, resource(u"app"_s, u"\"/name\""_s, u"prefix = \"/blue\""_s),
                 "{{getv \"/name\"}}\n", "blue:\n  name: blue-value\ngreen:\n  name: green-value\n");
    ConfdRun r = runConfd(QStringList{u"-onetime"_s} + fileArgs(dir), dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), QByteArray("blue-value\n"));
    r = runConfd(QStringList{u"-onetime"_s, u"-prefix"_s, u"/green"_s} + fileArgs(dir), dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), QByteArray("green-value\n"));
}

void TestConfdCli::filterPicksFiles()
{
    const QString dir = scratch(u"filter"_s);
    makeConfdDir(dir, u"app"_s, resource(u"app"_s, u"\"/name\""_s), "{{getv \"/name\"}}\n", {});
    writeFile(dir + u"/keys/one.yaml"_s, "name: one\n");
    writeFile(dir + u"/keys/two.yml"_s, "name: two\n");
    const QStringList base{u"-onetime"_s,    u"-backend"_s, u"file"_s, u"-file"_s,
                           dir + u"/keys"_s, u"-confdir"_s, dir};
    ConfdRun r = runConfd(base, dir); // "*": both, the later file wins
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), QByteArray("two\n"));
    r = runConfd(base + QStringList{u"-filter"_s, u"*.yaml"_s}, dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), QByteArray("one\n"));
}

void TestConfdCli::intervalPollsAgain()
{
    const QString dir = scratch(u"interval"_s);
    makeConfdDir(dir, u"app"_s, resource(u"app"_s, u"\"/app\""_s), "{{getv \"/app/name\"}}\n",
                 "app:\n  name: first\n");
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(engineBinary(), QStringList{u"confd"_s, u"-interval"_s, u"1"_s} + fileArgs(dir));
    QTRY_COMPARE_WITH_TIMEOUT(readFile(dir + u"/out/app.conf"_s), QByteArray("first\n"), 10000);
    writeFile(dir + u"/keys.yaml"_s, "app:\n  name: second\n");
    // No -watch: the next poll, a second later, picks the change up.
    QTRY_COMPARE_WITH_TIMEOUT(readFile(dir + u"/out/app.conf"_s), QByteArray("second\n"), 10000);
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardError().contains("Captured terminated. Exiting..."));
}

void TestConfdCli::watchFollowsEtcdAndSurvivesAFailingTemplate()
{
    VERIFY_OK(put("/watch/app/name", "first"));
    const QString dir = scratch(u"watch"_s);
    makeConfdDir(dir, u"app"_s, resource(u"app"_s, u"\"/watch/app\""_s), "{{getv \"/watch/app/name\"}}\n",
                 {});
    QProcess p;
    p.setWorkingDirectory(dir);
    QByteArray err;
    connect(&p, &QProcess::readyReadStandardError, this, [&] { err += p.readAllStandardError(); });
    p.start(engineBinary(), {u"confd"_s, u"-watch"_s, u"-backend"_s, u"etcdv3"_s, u"-node"_s,
                             m_server.clientUrl(), u"-confdir"_s, dir});
    QTRY_COMPARE_WITH_TIMEOUT(readFile(dir + u"/out/app.conf"_s), QByteArray("first\n"), 10000);
    VERIFY_OK(put("/watch/app/name", "second"));
    QTRY_COMPARE_WITH_TIMEOUT(readFile(dir + u"/out/app.conf"_s), QByteArray("second\n"), 10000);
    // The key the template needs goes away: confd logs the error, writes nothing, keeps watching.
    VERIFY_OK(remove("/watch/app/name"));
    QTRY_VERIFY_WITH_TIMEOUT(err.contains("key does not exist: /watch/app/name"), 10000);
    QCOMPARE(p.state(), QProcess::Running);
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), QByteArray("second\n"));
    QCOMPARE(stageFiles(dir + u"/out"_s), QStringList());
    VERIFY_OK(put("/watch/app/name", "third"));
    QTRY_COMPARE_WITH_TIMEOUT(readFile(dir + u"/out/app.conf"_s), QByteArray("third\n"), 10000);
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
}

void TestConfdCli::modeUidGidApplied()
{
    const bool root = ::geteuid() == 0;
    const uid_t uid = root ? 65534 : ::geteuid();
    const gid_t gid = root ? 65534 : ::getegid();
    const QString dir = scratch(u"mode"_s);
    makeConfdDir(
        dir, u"app"_s,
        resource(u"app"_s, u"\"/app\""_s, u"mode = \"0600\"\nuid = %1\ngid = %2"_s.arg(uid).arg(gid)),
        "{{getv \"/app/name\"}}\n", "app:\n  name: web\n");
    const ConfdRun r = runConfd(QStringList{u"-onetime"_s} + fileArgs(dir), dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    struct stat st
    {
    };
    QCOMPARE(::stat(QFile::encodeName(dir + u"/out/app.conf"_s).constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, mode_t(0600));
    QCOMPARE(st.st_uid, uid);
    QCOMPARE(st.st_gid, gid);
    // Only the mode changes: dest is out of sync, and is brought back.
    writeFile(dir + u"/conf.d/app.toml"_s,
              resource(u"app"_s, u"\"/app\""_s, u"mode = \"0644\"\nuid = %1\ngid = %2"_s.arg(uid).arg(gid))
                  .toUtf8());
    const ConfdRun again = runConfd(QStringList{u"-onetime"_s} + fileArgs(dir), dir);
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QVERIFY(again.err.contains("has mode -rw------- should be -rw-r--r--"));
    QCOMPARE(::stat(QFile::encodeName(dir + u"/out/app.conf"_s).constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, mode_t(0644));
}

void TestConfdCli::worksThroughConfdSymlink()
{
    const QString dir = scratch(u"symlink"_s);
    makeConfdDir(dir, u"app"_s, resource(u"app"_s, u"\"/app\""_s), "{{getv \"/app/name\"}}\n",
                 "app:\n  name: linked\n");
    const QString link = dir + u"/bin/confd"_s;
    QDir().mkpath(dir + u"/bin"_s);
    QVERIFY(QFile::link(engineBinary(), link));
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(link, QStringList{u"-onetime"_s} + fileArgs(dir));
    QVERIFY(p.waitForFinished(20000));
    QCOMPARE(p.exitCode(), 0);
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), QByteArray("linked\n"));
    QVERIFY(p.readAllStandardError().contains("INFO Backend set to file"));
}

void TestConfdCli::confdTomlAndEnvBackend()
{
    const QString dir = scratch(u"env"_s);
    makeConfdDir(dir, u"app"_s, resource(u"app"_s, u"\"/database\""_s),
                 "{{getv \"/database/host\"}}:{{getv \"/database/port\"}}\n", {});
    // confd.toml names the backend and the confdir; the environment holds the values.
    writeFile(dir + u"/confd.toml"_s, u"backend = \"env\"\nconfdir = \"%1\"\n"_s.arg(dir).toUtf8());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"DATABASE_HOST"_s, u"db.internal"_s);
    env.insert(u"DATABASE_PORT"_s, u"5432"_s);
    const ConfdRun r = runConfd({u"-onetime"_s, u"-config-file"_s, dir + u"/confd.toml"_s}, dir, 20000, env);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), QByteArray("db.internal:5432\n"));
    QVERIFY(r.err.contains("INFO Backend set to env"));
}

void TestConfdCli::hostileValuesUnderDeclaredBackendsAreRejected()
{
    const QString dir = scratch(u"hostile"_s);
    const QByteArray tmpl =
        "upstream backend {\n{{range getvs \"/upstream/*\"}}    server {{.}};\n{{end}}}\n";
    const QString toml = resource(u"app"_s, u"\"/upstream\""_s, u"lbdeck_backends = [\"/upstream\"]"_s);
    const QByteArray good =
        "\"/upstream/a\": \"172.17.8.203:8001\"\n\"/upstream/b\": \"172.17.8.202:8002\"\n";
    makeConfdDir(dir, u"app"_s, toml, tmpl, good);
    ConfdRun r = runConfd(QStringList{u"-onetime"_s} + fileArgs(dir), dir);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QByteArray clean = readFile(dir + u"/out/app.conf"_s);
    QVERIFY(clean.contains("server 172.17.8.203:8001;"));
    // 10,000 values that would change nginx's config if they got in.
    const QList<QByteArray> shapes{"1.2.3.4:80; include /etc/passwd",
                                   "10.0.0.1:80 backup",
                                   "a{b}:80",
                                   "$host:80",
                                   "unix:/run/x.sock",
                                   "127.0.0.1:99999",
                                   "\\\"q\\\":1",
                                   "x:1\\n}",
                                   "#:80",
                                   "[::1]:80;"};
    QByteArray hostile = good;
    for (int i = 0; i < 10000; ++i)
        hostile += "\"/upstream/h" + QByteArray::number(i) + "\": \"" + shapes[i % shapes.size()] + "\"\n";
    writeFile(dir + u"/keys.yaml"_s, hostile);
    QFile::remove(dir + u"/out/app.conf"_s);
    r = runConfd(QStringList{u"-onetime"_s, u"-log-level"_s, u"error"_s} + fileArgs(dir), dir, 60000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dir + u"/out/app.conf"_s), clean);
    // At the default level each refused value is named.
    r = runConfd(QStringList{u"-onetime"_s, u"-noop"_s} + fileArgs(dir), dir, 60000);
    QCOMPARE(r.err.count("value left out"), 10000);
}

void TestConfdCli::flagErrors()
{
    const QString dir = scratch(u"flags"_s);
    QDir().mkpath(dir);
    ConfdRun r = runConfd({u"-onetime"_s, u"-bogus"_s}, dir);
    QCOMPARE(r.exitCode, 2); // Go's flag package
    QVERIFY(r.err.startsWith("flag provided but not defined: -bogus\nUsage of confd:\n"));
    r = runConfd({u"-onetime"_s, u"-interval"_s, u"soon"_s}, dir);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("invalid value \"soon\" for flag -interval: parse error"));
    r = runConfd({u"-onetime"_s, u"-backend"_s, u"consul"_s, u"-confdir"_s, dir}, dir);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("FATAL -backend consul: lbdeck does not support this confd backend"),
             r.err.constData());
    r = runConfd({u"-onetime"_s, u"-srv-record"_s, u"_etcd._tcp.example.com"_s}, dir);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains(
        "-srv-record is not supported: lbdeck does not look etcd nodes up in DNS SRV records"));
    r = runConfd({u"-h"_s}, dir);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.err.contains("-onetime"));
}

void TestConfdCli::goFlagForms()
{
    using confd::GoFlags;
    GoFlags f;
    f.add(u"onetime"_s, GoFlags::Type::Bool, {});
    f.add(u"noop"_s, GoFlags::Type::Bool, {});
    f.add(u"watch"_s, GoFlags::Type::Bool, {}, u"true"_s);
    f.add(u"node"_s, GoFlags::Type::List, {});
    f.add(u"confdir"_s, GoFlags::Type::String, {}, u"/etc/confd"_s);
    f.add(u"interval"_s, GoFlags::Type::Int, {}, u"600"_s);
    VERIFY_OK(f.parse({u"--onetime"_s, u"-noop=true"_s, u"-watch=false"_s, u"-node=http://a:2379"_s,
                       u"-node"_s, u"http://b:2379"_s, u"--confdir"_s, u"/x"_s, u"-interval=0x10"_s,
                       u"rest"_s, u"-noop=false"_s}));
    QVERIFY(f.boolValue(u"onetime"_s));
    QVERIFY(f.boolValue(u"noop"_s)); // after "rest" nothing is a flag
    QVERIFY(!f.boolValue(u"watch"_s));
    QCOMPARE(f.listValue(u"node"_s), (QStringList{u"http://a:2379"_s, u"http://b:2379"_s}));
    QCOMPARE(f.stringValue(u"confdir"_s), u"/x"_s);
    QCOMPARE(f.intValue(u"interval"_s), 16);
    QCOMPARE(f.positional(), (QStringList{u"rest"_s, u"-noop=false"_s}));
    GoFlags g;
    g.add(u"onetime"_s, GoFlags::Type::Bool, {});
    g.add(u"node"_s, GoFlags::Type::List, {});
    // A boolean takes no separate value: "false" ends the flags.
    VERIFY_OK(g.parse({u"-onetime"_s, u"false"_s, u"-node"_s, u"x"_s}));
    QVERIFY(g.boolValue(u"onetime"_s));
    QVERIFY(g.listValue(u"node"_s).isEmpty());
    GoFlags h;
    h.add(u"onetime"_s, GoFlags::Type::Bool, {});
    h.add(u"node"_s, GoFlags::Type::List, {});
    QCOMPARE(h.parse({u"-onetime=maybe"_s}).error().message,
             u"invalid boolean value \"maybe\" for -onetime: parse error"_s);
    QCOMPARE(h.parse({u"-node"_s}).error().message, u"flag needs an argument: -node"_s);
    QCOMPARE(h.parse({u"---node"_s}).error().message, u"bad flag syntax: ---node"_s);
}

QTEST_GUILESS_MAIN(TestConfdCli)
#include "TestConfdCli.moc"
