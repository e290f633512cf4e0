// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The event log shows what happened in the cluster, not only what this window did: every reload
// with what nginx -t said, a reload somebody else made, etcd edits made with etcdctl (and not the
// app's own), and containers dying on a node — against the real test bed.
#include "core/cluster/BackendOperation.h"
#include "core/cluster/BackendService.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/EngineLink.h"
#include "core/cluster/NodeConnection.h"
#include "core/engine/ConfigRenderer.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/engine/EngineFixture.h"
#include "tests/support/Await.h"
#include "tests/testbed/DockerDaemon.h"
#include "ui/MainWindow.h"
#include "ui/models/EventLogModel.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

// The log's lines that contain every needle.
QStringList linesWith(const EventLogModel* log, const QStringList& needles)
{
    QStringList out;
    for (int r = 0; r < log->rowCount(); ++r) {
        const QString text = log->index(r, EventLogModel::Message).data().toString();
        if (std::all_of(needles.cbegin(), needles.cend(), [&](const QString& n) { return text.contains(n); }))
            out << text;
    }
    return out;
}

bool isErrorLine(const EventLogModel* log, const QString& needle)
{
    for (int r = 0; r < log->rowCount(); ++r) {
        if (log->index(r, EventLogModel::Message).data().toString().contains(needle))
            return log->index(r, 0).data(EventLogModel::IsErrorRole).toBool();
    }
    return false;
}

} // namespace

class TestEventLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void reloadsAndEtcdctlEditsAreLoggedWithNginxCheck();
    void reloadByAnotherProcessIsLogged();
    void appsOwnWritesAreNotOutsideChanges();
    void aBurstOfOutsideChangesIsSummarized();
    void failedCheckShowsWhatNginxSaid();
    void containerStartAndKillAreLogged();

private:
    ClusterProfile profile(const QString& engineToml) const;
    QString writeEngineToml(const QString& name, const QString& templateFile = {}) const;
    QString etcdctl(const QStringList& args) const;
    // Until the engine inside the session has read etcd and the window has its first status.
    bool waitUntilLive(ClusterSession& session, MainWindow& window) const;

    EngineFixture m_f;
    DockerDaemon m_docker;
    bool m_haveDocker = false;
    QTemporaryDir m_dir;
};

void TestEventLog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qputenv("ETCDCTL_API", "3");
    QCOMPARE(m_f.start(), QString());
    EtcdConfig c;
    c.endpoints = {m_f.etcd.clientUrl()};
    EtcdV3Client etcd(c);
    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
        etcd.put("/test/apache-8001", "127.0.1.3:8001", 0, ctx, cb);
    }));
    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
        etcd.put("/test/apache-8002", "127.0.1.2:8002", 0, ctx, cb);
    }));
    if (isRoot()) {
        QCOMPARE(m_docker.start(), QString());
        QCOMPARE(m_docker.buildBackendImage(), QString());
        m_haveDocker = true;
    }
}

QString TestEventLog::writeEngineToml(const QString& name, const QString& templateFile) const
{
    const EngineConfig e = m_f.engineConfig();
    const QString path = m_dir.filePath(name);
    QFile toml(path);
    if (!toml.open(QIODevice::WriteOnly))
        return QString();
    toml.write(
        u"[etcd]\nendpoints = [\"%1\"]\n[engine]\nstatus_listen = \"\"\n[nginx]\ndest = \"%2\"\nprefix = "
        u"\"%3\"\n"
        u"pid_file = \"%4\"\ntemp_dir = \"%5\"\nlisten = \"%6\"\nstatus_listen = \"%7\"\nuser = \"%8\"\n"_s
            .arg(m_f.etcd.clientUrl(), e.nginx.dest, e.nginx.prefix, e.nginx.pidFile, e.nginx.tempDir,
                 e.nginx.listen, e.nginx.statusListen, e.nginx.user)
            .toUtf8());
    if (!templateFile.isEmpty())
        toml.write(u"template = \"%1\"\n"_s.arg(templateFile).toUtf8());
    return path;
}

ClusterProfile TestEventLog::profile(const QString& engineToml) const
{
    ClusterProfile p;
    p.name = u"events"_s;
    p.etcd.endpoints = {m_f.etcd.clientUrl()};
    p.balancer().engine = BalancerProfile::Engine::Embedded;
    p.balancer().engineConfigFile = engineToml;
    return p;
}

QString TestEventLog::etcdctl(const QStringList& args) const
{
    QByteArray out;
    const QString error =
        runCommand(u"etcdctl"_s, QStringList{u"--endpoints"_s, m_f.etcd.clientUrl()} + args, &out);
    return error.isEmpty() ? QString() : error + u": "_s + QString::fromUtf8(out);
}

bool TestEventLog::waitUntilLive(ClusterSession& session, MainWindow& window) const
{
    return QTest::qWaitFor(
        [&] {
            EngineLink* engine = session.engine();
            return engine && engine->isReachable() && !engine->configHash().isEmpty() &&
                   !linesWith(window.eventLog(), {u"Watching /test/"_s}).isEmpty();
        },
        15000);
}

void TestEventLog::reloadsAndEtcdctlEditsAreLoggedWithNginxCheck()
{
    ClusterSession session(profile(writeEngineToml(u"engine.toml"_s)));
    MainWindow window;
    window.setSession(&session);
    window.show();
    session.open();
    QVERIFY(waitUntilLive(session, window));
    const EventLogModel* log = window.eventLog();

    // An edit made with etcdctl: the log says so, then the reload it caused, with nginx -t's "ok".
    QCOMPARE(etcdctl({u"put"_s, u"/test/x"_s, u"127.0.1.9:8009"_s}), QString());
    QTRY_COMPARE_WITH_TIMEOUT(
        linesWith(log, {u"/test/x"_s, u"\"127.0.1.9:8009\""_s, u"set outside lbdeck"_s}).size(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(linesWith(log, {u"Reload: applied"_s, u"+127.0.1.9:8009"_s}).size(), 1, 10000);
    const QString reload = linesWith(log, {u"Reload: applied"_s, u"+127.0.1.9:8009"_s}).first();
    QVERIFY2(reload.endsWith(u"nginx -t: ok"_s), qPrintable(reload));
    QVERIFY2(reload.contains(session.engine()->configHash()), qPrintable(reload));
    // The ledger carries the check's answer too.
    const QJsonArray ledger = session.engine()->status().value(u"ledger"_s).toArray();
    QCOMPARE(ledger.last().toObject().value(u"checkOutput"_s).toString(), u"ok"_s);

    QCOMPARE(etcdctl({u"put"_s, u"/test/x"_s, u"127.0.1.9:8010"_s}), QString());
    QTRY_COMPARE_WITH_TIMEOUT(linesWith(log, {u"/test/x"_s, u"changed outside lbdeck"_s,
                                              u"\"127.0.1.9:8009\" → \"127.0.1.9:8010\""_s})
                                  .size(),
                              1, 10000);
    QCOMPARE(etcdctl({u"del"_s, u"/test/x"_s}), QString());
    QTRY_COMPARE_WITH_TIMEOUT(linesWith(log, {u"/test/x"_s, u"deleted outside lbdeck"_s}).size(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(linesWith(log, {u"Reload: applied"_s, u"−127.0.1.9:8010"_s}).size(), 1, 10000);
    // The keys that were there before the window opened are not news, and the engine's own
    // reloads are not taken for somebody else's.
    QVERIFY(linesWith(log, {u"apache-8001"_s, u"outside lbdeck"_s}).isEmpty());
    QVERIFY2(linesWith(log, {u"outside the engine"_s}).isEmpty(),
             qPrintable(linesWith(log, {u"outside the engine"_s}).join(u'\n')));
}

void TestEventLog::reloadByAnotherProcessIsLogged()
{
    ClusterSession session(profile(writeEngineToml(u"engine.toml"_s)));
    MainWindow window;
    window.setSession(&session);
    window.show();
    session.open();
    QVERIFY(waitUntilLive(session, window));
    // The engine watches nginx's workers; after a reload of its own it gives nginx a moment.
    QTRY_VERIFY(
        !session.engine()->status().value(u"nginx"_s).toObject().value(u"workers"_s).toArray().isEmpty());
    const QString hupAt =
        session.engine()->status().value(u"lastReload"_s).toObject().value(u"hupAt"_s).toString();
    if (!hupAt.isEmpty()) {
        const QDateTime at = QDateTime::fromString(hupAt, Qt::ISODateWithMs);
        QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentDateTimeUtc() > at.addMSecs(2500), 5000);
    }
    const QList<qint64> before = m_f.balancer.workerPids();
    // What an operator would type on the load-balancer node.
    const EngineConfig e = m_f.engineConfig();
    QByteArray out;
    QCOMPARE(runCommand(u"/usr/sbin/nginx"_s,
                        {u"-p"_s, e.nginx.prefix, u"-c"_s, e.nginx.dest, u"-s"_s, u"reload"_s}, &out),
             QString());
    QTRY_VERIFY_WITH_TIMEOUT(
        !linesWith(window.eventLog(), {u"nginx was reloaded outside the engine"_s}).isEmpty(), 10000);
    const QString line = linesWith(window.eventLog(), {u"nginx was reloaded outside the engine"_s}).first();
    QVERIFY2(line.contains(session.engine()->configHash()), qPrintable(line));
    const QList<qint64> after = m_f.balancer.workerPids();
    QVERIFY(!after.isEmpty());
    for (qint64 pid : after) {
        QVERIFY(!before.contains(pid));
        QVERIFY2(line.contains(QString::number(pid)), qPrintable(line));
    }
    QCOMPARE(session.engine()->status().value(u"nginx"_s).toObject().value(u"outsideReloads"_s).toInteger(),
             1);
}

void TestEventLog::appsOwnWritesAreNotOutsideChanges()
{
    ClusterSession session(profile(writeEngineToml(u"engine.toml"_s)));
    MainWindow window;
    window.setSession(&session);
    window.show();
    session.open();
    QVERIFY(waitUntilLive(session, window));
    QTRY_VERIFY(session.backendService());
    EtcdConfig c;
    c.endpoints = {m_f.etcd.clientUrl()};
    EtcdV3Client etcd(c);

    // Said before the watch shows it (the revision is the next one: nobody else writes now).
    const qint64 next = session.backends()->revision() + 1;
    Q_EMIT session.backendService()->wroteKey("/test/own-early", next);
    auto early = await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
        etcd.put("/test/own-early", "127.0.1.5:8005", 0, ctx, cb);
    });
    VERIFY_OK(early);
    QCOMPARE(*early, next);
    // Said once etcd answered, whether the watch was faster or not; deleted as BackendService
    // deletes, on the key's mod revision.
    QObject ctx;
    qint64 lateRevision = 0;
    etcd.put("/test/own-late", "127.0.1.6:8006", 0, &ctx, [&](const Result<qint64>& r) {
        if (!r)
            return;
        lateRevision = *r;
        Q_EMIT session.backendService()->wroteKey("/test/own-late", *r);
    });
    QTRY_VERIFY(lateRevision > 0 && session.backends()->entries().contains("/test/own-late"));
    etcd.removeIf("/test/own-late", lateRevision, &ctx, [&session](const Result<qint64>& r) {
        if (r)
            Q_EMIT session.backendService()->wroteKey("/test/own-late", *r);
    });
    QTRY_VERIFY(!session.backends()->entries().contains("/test/own-late"));
    // Somebody else's edit after them: changes are held and shown in order, so once it shows,
    // the app's would have shown too.
    QCOMPARE(etcdctl({u"put"_s, u"/test/other"_s, u"127.0.1.7:8007"_s}), QString());
    QTRY_COMPARE_WITH_TIMEOUT(
        linesWith(window.eventLog(), {u"/test/other"_s, u"set outside lbdeck"_s}).size(), 1, 10000);
    QVERIFY2(linesWith(window.eventLog(), {u"/test/own-"_s}).isEmpty(),
             qPrintable(linesWith(window.eventLog(), {u"/test/own-"_s}).join(u'\n')));
    QCOMPARE(etcdctl({u"del"_s, u"/test/own-early"_s}), QString());
    QTRY_COMPARE_WITH_TIMEOUT(
        linesWith(window.eventLog(), {u"/test/own-early"_s, u"deleted outside lbdeck"_s}).size(), 1, 10000);
    QCOMPARE(etcdctl({u"del"_s, u"/test/other"_s}), QString());
    QTRY_COMPARE_WITH_TIMEOUT(
        linesWith(window.eventLog(), {u"/test/other"_s, u"deleted outside lbdeck"_s}).size(), 1, 10000);
}

void TestEventLog::aBurstOfOutsideChangesIsSummarized()
{
    ClusterSession session(profile(writeEngineToml(u"engine.toml"_s)));
    MainWindow window;
    window.setSession(&session);
    window.show();
    session.open();
    QVERIFY(waitUntilLive(session, window));
    EtcdConfig c;
    c.endpoints = {m_f.etcd.clientUrl()};
    EtcdV3Client etcd(c);
    for (int i = 0; i < 30; ++i) {
        VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
            etcd.put("/test/burst-" + QByteArray::number(i), "127.0.1.5:" + QByteArray::number(9100 + i), 0,
                     ctx, cb);
        }));
    }
    // Every change is counted, a line each or in a summary line, whatever the timing.
    const auto counted = [&](const QString& kind) {
        qint64 n = linesWith(window.eventLog(), {u"/test/burst-"_s, kind}).size();
        static const QRegularExpression more(u"etcd: (\\d+) more changes under /test/"_s);
        for (const QString& line : linesWith(window.eventLog(), {u"more changes under /test/"_s}))
            n += more.match(line).captured(1).toLongLong();
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(counted(u"set outside lbdeck"_s), qint64(30), 10000);
    const int before = window.eventLog()->rowCount();
    // One deleterange: 30 changes at one revision, shown as ten lines and a count.
    VERIFY_OK(await<qint64>(
        [&](QObject* ctx, Callback<qint64> cb) { etcd.removePrefix("/test/burst-", ctx, cb); }));
    QTRY_VERIFY_WITH_TIMEOUT(
        !linesWith(window.eventLog(), {u"20 more changes under /test/ outside lbdeck"_s}).isEmpty(), 10000);
    QCOMPARE(linesWith(window.eventLog(), {u"/test/burst-"_s, u"deleted outside lbdeck"_s}).size(), 10);
    int etcdLines = 0;
    for (int r = before; r < window.eventLog()->rowCount(); ++r)
        etcdLines +=
            window.eventLog()->index(r, EventLogModel::Message).data().toString().startsWith(u"etcd:"_s);
    QCOMPARE(etcdLines, 11);
}

void TestEventLog::failedCheckShowsWhatNginxSaid()
{
    const QString broken = m_dir.filePath(u"broken.tmpl"_s);
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(ConfigRenderer::builtinTemplateText()
                .replace(u"access_log off;"_s, u"access_log off;\n    this_is_not_nginx on;"_s)
                .toUtf8());
    f.close();
    ClusterSession session(profile(writeEngineToml(u"broken.toml"_s, broken)));
    MainWindow window;
    window.setSession(&session);
    window.show();
    session.open();
    QTRY_VERIFY_WITH_TIMEOUT(!linesWith(window.eventLog(), {u"Watching /test/"_s}).isEmpty(), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(session.engine() && session.engine()->isReachable(), 15000);
    QCOMPARE(etcdctl({u"put"_s, u"/test/y"_s, u"127.0.1.8:8008"_s}), QString());
    QTRY_VERIFY_WITH_TIMEOUT(
        !linesWith(window.eventLog(), {u"Reload refused"_s, u"this_is_not_nginx"_s}).isEmpty(), 10000);
    const QString line = linesWith(window.eventLog(), {u"Reload refused"_s, u"this_is_not_nginx"_s}).last();
    QVERIFY2(line.contains(u"nginx -t: "_s) && line.contains(u"[emerg]"_s) &&
                 line.contains(u"unknown directive \"this_is_not_nginx\" in <candidate>"_s) &&
                 line.endsWith(u"test failed"_s),
             qPrintable(line));
    QVERIFY2(!line.contains(u".lbdeck"_s), qPrintable(line)); // no temporary file names
    QVERIFY(isErrorLine(window.eventLog(), u"Reload refused"_s));
    const QJsonObject last = session.engine()->status().value(u"ledger"_s).toArray().last().toObject();
    QVERIFY2(last.value(u"checkOutput"_s).toString().contains(u"this_is_not_nginx"_s),
             qPrintable(last.value(u"checkOutput"_s).toString()));
    QCOMPARE(etcdctl({u"del"_s, u"/test/y"_s}), QString());
}

void TestEventLog::containerStartAndKillAreLogged()
{
    if (!m_haveDocker)
        QSKIP("dockerd needs root; CI runs this as root");
    ClusterProfile p = profile(writeEngineToml(u"engine.toml"_s));
    p.nodes = {{u"node-b"_s, u"127.0.1.4"_s, m_docker.host()}};
    ClusterSession session(p);
    MainWindow window;
    window.setSession(&session);
    window.show();
    session.open();
    QTRY_VERIFY_WITH_TIMEOUT(!session.nodes().isEmpty() &&
                                 session.nodes().first()->state() == NodeConnection::State::Ready,
                             20000);
    // A backend somebody started and then killed by hand on the node.
    QCOMPARE(m_docker.docker({u"run"_s, u"-d"_s, u"--name"_s, u"evlog-8011"_s, DockerDaemon::backendImage()}),
             QString());
    QTRY_VERIFY_WITH_TIMEOUT(
        !linesWith(window.eventLog(), {u"Node node-b: container evlog-8011 started"_s}).isEmpty(), 20000);
    QCOMPARE(m_docker.docker({u"kill"_s, u"evlog-8011"_s}), QString());
    QTRY_VERIFY_WITH_TIMEOUT(
        !linesWith(window.eventLog(), {u"Node node-b: container evlog-8011 exited with code 137"_s})
             .isEmpty(),
        20000);
    QCOMPARE(m_docker.docker({u"rm"_s, u"evlog-8011"_s}), QString());

    // A backend started and stopped by the app: its container events show, its etcd writes are
    // the app's own and do not.
    NodeConnection* node = session.nodes().first();
    BackendOperation* start = session.backendService()->start(node, 8012);
    QTRY_VERIFY_WITH_TIMEOUT(start->isFinished(), 30000);
    VERIFY_OK(start->result());
    QTRY_VERIFY(session.backends()->entries().contains("/test/apache-8012"));
    QTRY_VERIFY_WITH_TIMEOUT(
        !linesWith(window.eventLog(), {u"Node node-b: container apache-8012 started"_s}).isEmpty(), 20000);
    BackendOperation* stop = session.backendService()->stop(node, 8012);
    QTRY_VERIFY_WITH_TIMEOUT(stop->isFinished(), 30000);
    VERIFY_OK(stop->result());
    QTRY_VERIFY_WITH_TIMEOUT(
        !linesWith(window.eventLog(), {u"Node node-b: container apache-8012 exited with code"_s}).isEmpty(),
        20000);
    // Somebody else's edit afterwards: changes show in order, so the app's would be there by now.
    QCOMPARE(etcdctl({u"put"_s, u"/test/after-8012"_s, u"127.0.1.7:8013"_s}), QString());
    QTRY_COMPARE_WITH_TIMEOUT(
        linesWith(window.eventLog(), {u"/test/after-8012"_s, u"set outside lbdeck"_s}).size(), 1, 10000);
    QVERIFY2(linesWith(window.eventLog(), {u"apache-8012"_s, u"outside lbdeck"_s}).isEmpty(),
             qPrintable(linesWith(window.eventLog(), {u"apache-8012"_s}).join(u'\n')));
    QCOMPARE(etcdctl({u"del"_s, u"/test/after-8012"_s}), QString());
}

QTEST_MAIN(TestEventLog)
#include "TestEventLog.moc"
