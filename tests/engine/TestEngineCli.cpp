// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// lbdeck-engine as it is deployed: a separate process, a TOML config, exit codes, signals, confd
// template resources, and kill -9 in the middle of installs.
#include "core/etcd/EtcdV3Client.h"
#include "tests/support/Await.h"
#include "tests/testbed/EtcdServer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
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

QString engineBinary()
{
    return qEnvironmentVariable("LBDECK_BINARY_DIR") + u"/app/lbdeck-engine"_s;
}

QString sourceDir()
{
    return qEnvironmentVariable("LBDECK_SOURCE_DIR");
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Lines of the engine's log whose category is not one of lbdeck's own ("lbdeck.engine: ..."):
// Qt's own warnings ("default: QFSFileEngine::open: ...") must never reach an operator.
QStringList foreignLogLines(const QByteArray& err)
{
    QStringList out;
    for (const QByteArray& line : err.split('\n')) {
        if (line.isEmpty())
            continue;
        const QList<QByteArray> words = line.simplified().split(' ');
        const bool ours = words.size() > 3 && words[3].startsWith("lbdeck.");
        if (!ours)
            out << QString::fromUtf8(line);
    }
    return out;
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runEngine(const QStringList& args, int timeoutMs = 20000)
{
    QProcess p;
    p.start(engineBinary(), args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace

class TestEngineCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void confdTemplateRendersLikeConfd();
    void noopAndRenderChangeNothing();
    void confdValuesReachTheTemplateVerbatim();
    void exitCodes();
    void sigtermAndSighup();
    void killNineDuringInstallsLeavesOldOrNew();

private:
    Result<qint64> put(const QByteArray& k, const QByteArray& v)
    {
        return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { m_etcd->put(k, v, 0, ctx, cb); });
    }
    QString confdConfig(const QString& name, const QString& dest, const QString& extra = {});

    EtcdServer m_server;
    std::unique_ptr<EtcdV3Client> m_etcd;
    QTemporaryDir m_dir;
};

void TestEngineCli::initTestCase()
{
    QVERIFY(QFile::exists(engineBinary()));
    QCOMPARE(m_server.start(), QString());
    EtcdConfig c;
    c.endpoints = {m_server.clientUrl()};
    m_etcd = std::make_unique<EtcdV3Client>(c);
    // The seed's values, as its etcdctl wrote them (rendered into configs only, never contacted).
    VERIFY_OK(put("/test/apache-8001", "172.17.8.203:8001"));
    VERIFY_OK(put("/test/apache-8002", "172.17.8.202:8002"));
}

// A confd directory as a confd user lays it out, plus the engine's own config pointing at it.
QString TestEngineCli::confdConfig(const QString& name, const QString& dest, const QString& extra)
{
    const QString confdir = m_dir.filePath(name);
    writeFile(confdir + u"/templates/nginx.tmpl"_s,
              readFile(sourceDir() + u"/tests/data/templates/seed-nginx.tmpl"_s));
    writeFile(confdir + u"/conf.d/nginx.toml"_s,
              u"[template]\nsrc = \"nginx.tmpl\"\ndest = \"%1\"\nkeys = [\"/test\"]\n"
              u"mode = \"0644\"\ncheck_cmd = \"test -s {{.src}}\"\nreload_cmd = \"true\"\n"_s.arg(dest)
                  .toUtf8());
    const QString config = m_dir.filePath(name + u".toml"_s);
    writeFile(
        config,
        u"[etcd]\nendpoints = [\"%1\"]\n\n[engine]\nconfdir = \"%2\"\nstatus_listen = \"\"\nquiet_ms = 5\n%3\n"_s
            .arg(m_server.clientUrl(), confdir, extra)
            .toUtf8());
    return config;
}

void TestEngineCli::confdTemplateRendersLikeConfd()
{
    const QString dest = m_dir.filePath(u"confd-out/nginx.conf"_s);
    QDir().mkpath(QFileInfo(dest).absolutePath());
    const Run r = runEngine({u"--onetime"_s, u"-c"_s, confdConfig(u"confd"_s, dest)});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(dest), readFile(sourceDir() + u"/tests/data/templates/seed-nginx.golden"_s));
    QVERIFY2(foreignLogLines(r.err).isEmpty(), qPrintable(foreignLogLines(r.err).join(u"\n"_s)));
    // Again: nothing to do, nothing written.
    const QDateTime mtime = QFileInfo(dest).lastModified();
    QTest::qWait(20);
    const Run again = runEngine({u"--onetime"_s, u"-c"_s, confdConfig(u"confd"_s, dest)});
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(QFileInfo(dest).lastModified(), mtime);
}

void TestEngineCli::noopAndRenderChangeNothing()
{
    const QString dest = m_dir.filePath(u"noop-out/nginx.conf"_s);
    QDir().mkpath(QFileInfo(dest).absolutePath());
    const QString config = confdConfig(u"noop"_s, dest);
    QCOMPARE(runEngine({u"--onetime"_s, u"-c"_s, config}).exitCode, 0);
    const QByteArray installed = readFile(dest);
    VERIFY_OK(put("/test/apache-8003", "172.17.8.204:8003"));
    const Run noop = runEngine({u"--noop"_s, u"-c"_s, config});
    QCOMPARE(noop.exitCode, 0);
    QVERIFY2(noop.out.contains("+    server 172.17.8.204:8003;"), noop.out.constData());
    QVERIFY(noop.out.startsWith("--- " + dest.toUtf8()));
    QCOMPARE(readFile(dest), installed);
    const Run render = runEngine({u"render"_s, u"-c"_s, config});
    QCOMPARE(render.exitCode, 0);
    QVERIFY(render.out.startsWith("upstream backend {"));
    QVERIFY(render.out.contains("server 172.17.8.204:8003;"));
    QCOMPARE(render.out.count("upstream backend {"), 1); // exactly one config
    QVERIFY2(foreignLogLines(render.err).isEmpty(), qPrintable(foreignLogLines(render.err).join(u"\n"_s)));
    QVERIFY2(foreignLogLines(noop.err).isEmpty(), qPrintable(foreignLogLines(noop.err).join(u"\n"_s)));
    QCOMPARE(readFile(dest), installed);
    VERIFY_OK(await<qint64>(
        [&](QObject* ctx, Callback<qint64> cb) { m_etcd->remove("/test/apache-8003", ctx, cb); }));

    const Run tmpl = runEngine({u"template"_s});
    QCOMPARE(tmpl.exitCode, 0);
    QVERIFY(tmpl.out.contains("upstream {{.Upstream}}"));
}

// confd's semantics for a confd resource: values that are not addresses, with blanks, quotes and
// braces, reach the template as etcd holds them; /status lists what nginx could misread.
void TestEngineCli::confdValuesReachTheTemplateVerbatim()
{
    VERIFY_OK(put("/cfg/motd", "hello \"world\"; {x}"));
    VERIFY_OK(put("/cfg/port", "3306"));
    const QString confdir = m_dir.filePath(u"verbatim"_s);
    const QString dest = m_dir.filePath(u"verbatim-out/app.conf"_s);
    QDir().mkpath(QFileInfo(dest).absolutePath());
    writeFile(confdir + u"/templates/app.tmpl"_s,
              "motd={{getv \"/cfg/motd\"}} port={{getv \"/cfg/port\"}}\n");
    writeFile(confdir + u"/conf.d/app.toml"_s,
              u"[template]\nsrc = \"app.tmpl\"\ndest = \"%1\"\nkeys = [\"/cfg\"]\n"_s.arg(dest).toUtf8());
    const QString config = m_dir.filePath(u"verbatim.toml"_s);
    writeFile(config, u"[etcd]\nendpoints = [\"%1\"]\n\n[engine]\nconfdir = \"%2\"\nstatus_listen = "
                      u"\"127.0.0.1:0\"\nquiet_ms = 5\n"_s.arg(m_server.clientUrl(), confdir)
                          .toUtf8());
    QProcess engine;
    QByteArray err;
    connect(&engine, &QProcess::readyReadStandardError, this, [&] { err += engine.readAllStandardError(); });
    engine.start(engineBinary(), {u"-c"_s, config});
    QTRY_COMPARE_WITH_TIMEOUT(readFile(dest), QByteArray("motd=hello \"world\"; {x} port=3306\n"), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(err.contains("status endpoint on http://"), 5000);
    const QByteArray url = err.mid(err.indexOf("status endpoint on ") + 19).split('\n').first().trimmed();
    QProcess curl;
    curl.start(u"curl"_s, {u"-sf"_s, QString::fromLatin1(url + "/status")});
    QVERIFY(curl.waitForFinished(10000));
    const QJsonObject status = QJsonDocument::fromJson(curl.readAllStandardOutput()).object();
    const QJsonArray warnings = status.value(u"backends"_s).toObject().value(u"warnings"_s).toArray();
    QCOMPARE(warnings.size(), 1);
    QCOMPARE(warnings.first().toObject().value(u"key"_s).toString(), u"/cfg/motd"_s);
    QVERIFY(status.value(u"backends"_s).toObject().value(u"rejected"_s).toArray().isEmpty());
    ::kill(pid_t(engine.processId()), SIGTERM);
    QVERIFY(engine.waitForFinished(10000));
    QVERIFY2(foreignLogLines(err).isEmpty(), qPrintable(foreignLogLines(err).join(u"\n"_s)));
}

void TestEngineCli::exitCodes()
{
    const QString bad = m_dir.filePath(u"bad.toml"_s);
    writeFile(bad, "[engine\nquiet_ms = 5\n");
    Run r = runEngine({u"--onetime"_s, u"-c"_s, bad});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("bad.toml") && r.err.contains("line 1"), r.err.constData());

    writeFile(bad, "[engine]\nquiet_ms = \"fast\"\n[nginx]\ndest = \"/tmp/x\"\n");
    r = runEngine({u"--onetime"_s, u"-c"_s, bad});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("quiet_ms"), r.err.constData());

    writeFile(bad, "[engine]\nquiet_ms = 5\n"); // no destination
    QCOMPARE(runEngine({u"--onetime"_s, u"-c"_s, bad}).exitCode, 2);
    QCOMPARE(runEngine({u"explode"_s}).exitCode, 2);

    const QString dest = m_dir.filePath(u"codes-out/nginx.conf"_s);
    QDir().mkpath(QFileInfo(dest).absolutePath());
    const QString unreachable = m_dir.filePath(u"unreachable.toml"_s);
    writeFile(
        unreachable,
        u"[etcd]\nendpoints = [\"http://127.0.0.1:%1\"]\ntimeout_ms = 500\n[nginx]\ndest = \"%2\"\n[engine]\nstatus_listen = \"\"\n"_s
            .arg(freePort())
            .arg(dest)
            .toUtf8());
    r = runEngine({u"--onetime"_s, u"-c"_s, unreachable});
    QCOMPARE(r.exitCode, 3);
    QVERIFY(!QFile::exists(dest));

    const QString empty = m_dir.filePath(u"empty.toml"_s);
    writeFile(
        empty,
        u"[etcd]\nendpoints = [\"%1\"]\n[[source]]\nprefix = \"/nothing-here/\"\n[nginx]\ndest = \"%2\"\n[engine]\nstatus_listen = \"\"\n"_s
            .arg(m_server.clientUrl(), dest)
            .toUtf8());
    r = runEngine({u"--onetime"_s, u"-c"_s, empty});
    QCOMPARE(r.exitCode, 4);
    QVERIFY2(r.err.contains("keeping the last good config"), r.err.constData());
    QVERIFY(!QFile::exists(dest));
}

void TestEngineCli::sigtermAndSighup()
{
    const QString dest = m_dir.filePath(u"signals-out/nginx.conf"_s);
    QDir().mkpath(QFileInfo(dest).absolutePath());
    const QString config = confdConfig(u"signals"_s, dest);
    QProcess engine;
    engine.start(engineBinary(), {u"-c"_s, config});
    QVERIFY(engine.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(readFile(dest).contains("172.17.8.203:8001"), 10000);

    // SIGHUP: a changed config file is taken without a restart (here: a different template).
    const QString confdir = m_dir.filePath(u"signals"_s);
    writeFile(confdir + u"/templates/nginx.tmpl"_s,
              "# reloaded\n{{range getvs \"/test/*\"}}server {{.}};\n{{end}}");
    ::kill(pid_t(engine.processId()), SIGHUP);
    QTRY_VERIFY_WITH_TIMEOUT(readFile(dest).startsWith("# reloaded"), 10000);
    QCOMPARE(engine.state(), QProcess::Running);

    ::kill(pid_t(engine.processId()), SIGTERM);
    QVERIFY(engine.waitForFinished(5000));
    QCOMPARE(engine.exitStatus(), QProcess::NormalExit);
    QCOMPARE(engine.exitCode(), 0);
    QVERIFY(engine.readAllStandardError().contains("finishing the step in progress"));
}

void TestEngineCli::killNineDuringInstallsLeavesOldOrNew()
{
    if (!isRoot())
        QSKIP("keeping a foreign owner needs root (chown); CI runs as root");
    // A big file (so that writing it takes a while) whose every line carries the current value.
    const QString confdir = m_dir.filePath(u"kill9"_s);
    const QString dest = m_dir.filePath(u"kill9-out/app.conf"_s);
    QDir().mkpath(QFileInfo(dest).absolutePath());
    writeFile(confdir + u"/templates/app.tmpl"_s,
              "{{$v := getv \"/kill9/value\"}}{{range seq 1 20000}}line {{.}} {{$v}}\n{{end}}");
    writeFile(
        confdir + u"/conf.d/app.toml"_s,
        u"[template]\nsrc = \"app.tmpl\"\ndest = \"%1\"\nkeys = [\"/kill9\"]\ncheck_cmd = \"test -s {{.src}}\"\n"_s
            .arg(dest)
            .toUtf8());
    const QString config = m_dir.filePath(u"kill9.toml"_s);
    writeFile(
        config,
        u"[etcd]\nendpoints = [\"%1\"]\n[[source]]\nprefix = \"/kill9\"\nkind = \"raw\"\n[engine]\nconfdir = \"%2\"\nstatus_listen = \"\"\n"_s
            .arg(m_server.clientUrl(), confdir)
            .toUtf8());
    VERIFY_OK(put("/kill9/value", "OLD"));
    const Run first = runEngine({u"--onetime"_s, u"-c"_s, config});
    QVERIFY2(first.exitCode == 0, first.err.constData());
    QVERIFY(::chown(QFile::encodeName(dest).constData(), 4242, 4243) == 0);
    QVERIFY(::chmod(QFile::encodeName(dest).constData(), 0640) == 0);

    auto wholeVersionOf = [](const QByteArray& text) -> QByteArray {
        const QList<QByteArray> lines = text.split('\n');
        if (lines.size() != 20001 || !lines.last().isEmpty())
            return {};
        const QByteArray value = lines.first().split(' ').value(2);
        for (int i = 0; i < 20000; ++i) {
            if (lines[i] != "line " + QByteArray::number(i + 1) + ' ' + value)
                return {};
        }
        return value;
    };
    int changed = 0;
    int killedBeforeInstall = 0;
    QByteArray current = "OLD";
    for (int i = 0; i < 200; ++i) {
        const QByteArray next = "V" + QByteArray::number(i);
        VERIFY_OK(put("/kill9/value", next));
        QProcess engine;
        engine.start(engineBinary(), {u"--onetime"_s, u"-c"_s, config});
        QVERIFY(engine.waitForStarted());
        // Startup takes ~20 ms; the install itself a few ms: kill anywhere in that window.
        QThread::usleep(QRandomGenerator::global()->bounded(5000u, 60000u));
        ::kill(pid_t(engine.processId()), SIGKILL);
        engine.waitForFinished();
        const QByteArray version = wholeVersionOf(readFile(dest));
        QVERIFY2(version == current || version == next,
                 qPrintable(u"iteration %1: the file is neither the old nor the new config"_s.arg(i)));
        if (version == next)
            ++changed;
        else
            ++killedBeforeInstall;
        current = version;
        struct stat st = {};
        QCOMPARE(::stat(QFile::encodeName(dest).constData(), &st), 0);
        QCOMPARE(st.st_mode & 07777, mode_t(0640));
        QCOMPARE(st.st_uid, uid_t(4242));
        QCOMPARE(st.st_gid, gid_t(4243));
    }
    qInfo("200 kills: %d after the new file was in place, %d before", changed, killedBeforeInstall);
    QVERIFY(changed > 0 && killedBeforeInstall > 0); // the kills did land on both sides of installs
    // A normal run cleans up what the killed ones left staged.
    QCOMPARE(runEngine({u"--onetime"_s, u"-c"_s, config}).exitCode, 0);
    const QStringList leftovers = QDir(QFileInfo(dest).absolutePath()).entryList(QDir::Files | QDir::Hidden);
    // The engine's lock on the destination stays (a flock goes with its process; the file may not).
    QCOMPARE(leftovers, (QStringList{u".app.conf.lock"_s, u"app.conf"_s}));
}

QTEST_GUILESS_MAIN(TestEngineCli)
#include "TestEngineCli.moc"
