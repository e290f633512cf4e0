// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The exported bundle rebuilds the config: its confd template, run by lbdeck-engine's confd mode
// against a fresh etcd loaded from the bundle's keys, renders what the engine's built-in template
// renders, byte for byte but for the hash and revision marks the bundle's README names — at export,
// and again after keys come and go.
#include "core/cluster/ConfigExport.h"
#include "core/engine/Engine.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/support/Await.h"
#include "tests/testbed/EtcdServer.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

QString engineBinary()
{
    return qEnvironmentVariable("LBDECK_BINARY_DIR") + u"/app/lbdeck-engine"_s;
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

// The engine's render of the state, and its status as the GUI reads it.
struct Render
{
    QByteArray text;
    QJsonObject status;
};

// Where the built-in template writes the hash and the revision (the README's "marks"), masked.
QByteArray masked(QByteArray text)
{
    static const QRegularExpression header(uR"(at revision [0-9]+ \(config [0-9a-f]{16}\))"_s);
    static const QRegularExpression answer(uR"(return 200 "[0-9a-f]{16} [0-9]+\\n";)"_s);
    QString s = QString::fromUtf8(text);
    s.replace(header, u"at revision REVISION (config HASH)"_s);
    s.replace(answer, uR"(return 200 "HASH REVISION\n";)"_s);
    return s.toUtf8();
}

QString hashIn(const QByteArray& config)
{
    static const QRegularExpression re(uR"(\(config ([0-9a-f]{16})\))"_s);
    return re.match(QString::fromUtf8(config)).captured(1);
}

QString revisionIn(const QByteArray& config)
{
    static const QRegularExpression re(uR"(at revision ([0-9]+) )"_s);
    return re.match(QString::fromUtf8(config)).captured(1);
}

// The lines (from 1) the README says hold the marks.
QList<int> documentedMarkLines(const QByteArray& readme)
{
    static const QRegularExpression re(uR"(^  line ([0-9]+): )"_s, QRegularExpression::MultilineOption);
    QList<int> lines;
    for (auto it = re.globalMatch(QString::fromUtf8(readme)); it.hasNext();)
        lines << it.next().captured(1).toInt();
    return lines;
}

// The lines of b that a differs in, masked; lines from 1 when given.
QList<QByteArray> differingLines(const QByteArray& a, const QByteArray& b, const QList<int>& only = {})
{
    const QList<QByteArray> la = a.split('\n');
    const QList<QByteArray> lb = b.split('\n');
    QList<QByteArray> out;
    for (qsizetype i = 0; i < qMax(la.size(), lb.size()); ++i) {
        if ((only.isEmpty() && la.value(i) != lb.value(i)) || only.contains(int(i + 1)))
            out << masked(lb.value(i));
    }
    return out;
}

} // namespace

class TestConfigExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void bundleRebuildsTheEnginesRender();
    void differencesBeyondTheMarksAreDocumented();
    void noBundleWithoutTheEnginesTemplate();

private:
    Result<qint64> put(EtcdKv& etcd, const QByteArray& k, const QByteArray& v)
    {
        return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { etcd.put(k, v, 0, ctx, cb); });
    }
    Result<qint64> remove(EtcdKv& etcd, const QByteArray& k)
    {
        return await<qint64>([&](QObject* ctx, Callback<qint64> cb) { etcd.remove(k, ctx, cb); });
    }
    Result<KvSnapshot> keys(EtcdKv& etcd, const QByteArray& prefix)
    {
        return await<KvSnapshot>(
            [&](QObject* ctx, Callback<KvSnapshot> cb) { etcd.getPrefix(prefix, ctx, cb); });
    }
    // The built-in target with every parameter away from its default, rendered (noop: nothing
    // installed, no nginx needed).
    Result<Render> builtinRender(const QByteArray& prefix);
    // lbdeck-engine --onetime in confd mode over confdir, against the fresh etcd: what it installed.
    Result<QByteArray> confdRender(const QString& confdir, const QString& dest);
    Result<configexport::Bundle> bundleOf(const Render& r, const QByteArray& prefix);

    EtcdServer m_source; // the cluster the config was exported from
    EtcdServer m_fresh;  // where the bundle is loaded
    std::unique_ptr<EtcdV3Client> m_a;
    std::unique_ptr<EtcdV3Client> m_b;
    QTemporaryDir m_dir;
};

void TestConfigExport::initTestCase()
{
    QVERIFY(QFile::exists(engineBinary()));
    QVERIFY(m_dir.isValid());
    QCOMPARE(m_source.start(), QString());
    QCOMPARE(m_fresh.start(), QString());
    EtcdConfig a;
    a.endpoints = {m_source.clientUrl()};
    m_a = std::make_unique<EtcdV3Client>(a);
    EtcdConfig b;
    b.endpoints = {m_fresh.clientUrl()};
    m_b = std::make_unique<EtcdV3Client>(b);
    // Unrelated history first, so that the two etcds' revisions differ and the mark really varies.
    for (int i = 0; i < 5; ++i)
        VERIFY_OK(put(*m_a, "/elsewhere/k" + QByteArray::number(i), "x"));
    VERIFY_OK(put(*m_a, "/test/apache-8001", "127.0.1.3:8001"));
    VERIFY_OK(put(*m_a, "/test/apache-8002", "127.0.1.2:8002"));
}

Result<Render> TestConfigExport::builtinRender(const QByteArray& prefix)
{
    EngineConfig c;
    c.etcd.endpoints = {m_source.clientUrl()};
    c.sources = {EngineSource{prefix, SourceKind::Backends, {}}};
    c.nginx.dest = m_dir.filePath(u"live/nginx.conf"_s);
    c.nginx.pidFile = m_dir.filePath(u"live/nginx.pid"_s);
    c.nginx.errorLog = m_dir.filePath(u"live/error.log"_s);
    c.nginx.tempDir = m_dir.filePath(u"live/tmp"_s);
    c.nginx.workers = 3;
    c.nginx.listen = u"127.0.0.1:18080"_s;
    c.nginx.statusListen = u"127.0.0.1:19914"_s;
    c.nginx.upstream = u"seed_backends"_s;
    c.statusListen.clear();
    Engine engine(c);
    QSignalSpy finished(&engine, &Engine::finished);
    if (Result<void> started = engine.start(Engine::Mode::Noop); !started)
        return started.error();
    if (!finished.wait(10000) || finished.first().first().toInt() != Engine::ExitOk)
        return makeError(ErrorCode::Unknown,
                         u"the noop render failed: "_s + engine.recentErrors().join(u"; "_s));
    return Render{engine.lastRendered(), engine.statusJson()};
}

Result<QByteArray> TestConfigExport::confdRender(const QString& confdir, const QString& dest)
{
    const QString config = m_dir.filePath(u"confd-engine.toml"_s);
    writeFile(config, u"[etcd]\nendpoints = [\"%1\"]\n\n[engine]\nconfdir = \"%2\"\nstatus_listen = \"\"\n"_s
                          .arg(m_fresh.clientUrl(), confdir)
                          .toUtf8());
    QProcess p;
    p.start(engineBinary(), {u"--onetime"_s, u"-c"_s, config});
    if (!p.waitForFinished(20000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        p.kill();
        return makeError(ErrorCode::Process, QString::fromUtf8(p.readAllStandardError()));
    }
    return readFile(dest);
}

Result<configexport::Bundle> TestConfigExport::bundleOf(const Render& r, const QByteArray& prefix)
{
    Result<KvSnapshot> snapshot = keys(*m_a, prefix);
    if (!snapshot)
        return snapshot.error();
    configexport::Bundle bundle;
    bundle.config = r.text;
    bundle.prefix = prefix;
    bundle.revision = snapshot->revision;
    for (const KeyValue& kv : std::as_const(snapshot->kvs))
        bundle.keys.insert(kv.key, kv.value);
    bundle.setEngineStatus(r.status); // what ConfigView::exportBundle does with the engine link's status
    return bundle;
}

void TestConfigExport::bundleRebuildsTheEnginesRender()
{
    Result<Render> live = builtinRender("/test/");
    VERIFY_OK(live);
    QVERIFY(live->text.contains("listen 127.0.0.1:18080;"));
    QVERIFY(live->text.contains("upstream seed_backends {\n        server 127.0.1.2:8002;\n"
                                "        server 127.0.1.3:8001;\n    }"));

    Result<configexport::Bundle> bundle = bundleOf(*live, "/test/");
    VERIFY_OK(bundle);
    QCOMPARE(bundle->dest, m_dir.filePath(u"live/nginx.conf"_s)); // the engine's dest, from its status
    const QString rebuilt = m_dir.filePath(u"rebuilt/nginx.conf"_s);
    QDir().mkpath(QFileInfo(rebuilt).absolutePath());
    bundle->dest = rebuilt;
    bundle->checkCmd = u"test -s {{.src}}"_s;
    bundle->reloadCmd = u"true"_s;
    const QString dir = m_dir.filePath(u"bundle"_s);
    Result<QStringList> written = configexport::writeBundle(dir, *bundle);
    VERIFY_OK(written);
    QVERIFY(written->contains(u"README.txt"_s));
    QCOMPARE(readFile(dir + u"/nginx.conf"_s), live->text);
    const QByteArray readme = readFile(dir + u"/README.txt"_s);
    QVERIFY2(readme.contains("Every other byte is the same"), readme.constData());
    const QList<int> marks = documentedMarkLines(readme);
    QCOMPARE(marks.size(), 2); // the header comment and the status location's answer
    // What those lines say, whatever line they move to as backends come and go.
    const QList<QByteArray> markLines = differingLines({}, live->text, marks);
    const QByteArray tmpl = readFile(dir + u"/confd/templates/nginx.tmpl"_s);
    QVERIFY(tmpl.contains(ConfigRenderer::builtinTemplateText().toUtf8())); // the engine's own, unchanged

    // A fresh etcd, loaded by the bundle's own script.
    QProcess load;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"ETCDCTL_API"_s, u"3"_s);
    env.insert(u"ETCDCTL_ENDPOINTS"_s, m_fresh.clientUrl());
    load.setProcessEnvironment(env);
    load.start(u"sh"_s, {dir + u"/etcd-keys.sh"_s});
    QVERIFY(load.waitForFinished(20000));
    QVERIFY2(load.exitCode() == 0, load.readAllStandardError().constData());
    Result<KvSnapshot> loaded = keys(*m_b, "/test/");
    VERIFY_OK(loaded);
    QMap<QByteArray, QByteArray> fresh;
    for (const KeyValue& kv : std::as_const(loaded->kvs))
        fresh.insert(kv.key, kv.value);
    QCOMPARE(fresh, bundle->keys);

    // Three states: as exported, a backend added, a backend removed; each rendered both ways.
    const QList<std::function<void()>> changes{
        [] {},
        [this] {
            VERIFY_OK(put(*m_a, "/test/apache-8003", "127.0.1.4:8003"));
            VERIFY_OK(put(*m_b, "/test/apache-8003", "127.0.1.4:8003"));
        },
        [this] {
            VERIFY_OK(remove(*m_a, "/test/apache-8001"));
            VERIFY_OK(remove(*m_b, "/test/apache-8001"));
        },
    };
    const QList<QByteArray> expectServers{"127.0.1.3:8001", "127.0.1.4:8003", "127.0.1.2:8002"};
    for (qsizetype step = 0; step < changes.size(); ++step) {
        changes[step]();
        if (QTest::currentTestFailed())
            return;
        Result<Render> engine = step == 0 ? live : builtinRender("/test/");
        VERIFY_OK(engine);
        Result<QByteArray> confd = confdRender(dir + u"/confd"_s, rebuilt);
        VERIFY_OK(confd);
        QVERIFY(engine->text.contains("server " + expectServers[step] + ';'));
        QCOMPARE(confd->contains("server 127.0.1.3:8001;"), step < 2);
        // Byte for byte, the documented lines aside; those differ by the revision alone (the same
        // text has the same hash).
        QCOMPARE(masked(*confd), masked(engine->text));
        QCOMPARE(hashIn(*confd), hashIn(engine->text));
        QVERIFY(revisionIn(*confd) != revisionIn(engine->text));
        QCOMPARE(differingLines(*confd, engine->text), markLines);
    }
}

void TestConfigExport::differencesBeyondTheMarksAreDocumented()
{
    // One value under two keys: lbdeck serves it once, confd's getvs would list it twice.
    VERIFY_OK(put(*m_a, "/twice/a", "127.0.1.5:8005"));
    VERIFY_OK(put(*m_a, "/twice/b", "127.0.1.5:8005"));
    Result<Render> live = builtinRender("/twice/");
    VERIFY_OK(live);
    QCOMPARE(live->text.count("server 127.0.1.5:8005;"), 1);
    Result<configexport::Bundle> bundle = bundleOf(*live, "/twice/");
    VERIFY_OK(bundle);
    const QString dir = m_dir.filePath(u"twice"_s);
    VERIFY_OK(configexport::writeBundle(dir, *bundle));
    const QByteArray readme = readFile(dir + u"/README.txt"_s);
    QVERIFY2(readme.contains("Other differences found when exporting"), readme.constData());
    QVERIFY2(readme.contains("\n+        server 127.0.1.5:8005;\n"), readme.constData());
    QVERIFY(!readme.contains("Every other byte is the same"));
    QCOMPARE(documentedMarkLines(readme).size(), 2); // the marks are found, and not in the diff
    QVERIFY2(!readme.contains("@LBDECK-CONFIG-HASH@ @LBDECK-REVISION@"), readme.constData());
}

void TestConfigExport::noBundleWithoutTheEnginesTemplate()
{
    configexport::Bundle bundle;
    bundle.config = "events {}\n";
    bundle.keys.insert("/test/apache-8001", "127.0.1.3:8001");
    bundle.setEngineStatus(QJsonObject{{u"config"_s, QJsonObject{{u"hash"_s, u"0123456789abcdef"_s}}}});
    const QString dir = m_dir.filePath(u"old-engine"_s);
    Result<QStringList> written = configexport::writeBundle(dir, bundle);
    QVERIFY(!written);
    QVERIFY2(written.error().message.contains(u"does not say which template"_s),
             qPrintable(written.error().toString()));
    QVERIFY(!QFileInfo::exists(dir + u"/confd/templates/nginx.tmpl"_s));

    // Two prefixes merged into one upstream: no getvs can say that, and the bundle says so.
    configexport::EngineTemplate merged;
    merged.name = u"nginx.tmpl"_s;
    merged.text = ConfigRenderer::builtinTemplateText();
    merged.builtin = true;
    merged.prefixes = {u"/a/"_s, u"/b/"_s};
    bundle.engine = merged;
    written = configexport::writeBundle(dir, bundle);
    QVERIFY(!written);
    QVERIFY2(written.error().message.contains(u"2 prefixes (/a/, /b/)"_s),
             qPrintable(written.error().toString()));
}

QTEST_GUILESS_MAIN(TestConfigExport)
#include "TestConfigExport.moc"
