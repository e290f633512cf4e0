// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// nginx.conf as a single-file bind mount (how a containerised nginx often gets its config): rename
// over it fails with EBUSY, so the engine must say so and rewrite the file in place — whole, with
// its owner and mode — and nginx must still end up running the new config. Runs in a private mount
// namespace of its own (root), so the host's mount table never sees the bind mount.
#include "EngineFixture.h"
#include "core/engine/ConfigInstaller.h"
#include "core/engine/Engine.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/support/Await.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace Qt::StringLiterals;

namespace {

QString g_namespaceError; // set by main() when the private mount namespace could not be made

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

QString bindMount(const QString& source, const QString& target)
{
    if (::mount(QFile::encodeName(source).constData(), QFile::encodeName(target).constData(), nullptr,
                MS_BIND, nullptr) != 0)
        return u"mount --bind %1 %2: %3"_s.arg(source, target, QString::fromLocal8Bit(std::strerror(errno)));
    return {};
}

QStringList stagedFilesIn(const QString& dir)
{
    return QDir(dir).entryList({u"*.lbdeck-*"_s}, QDir::Files | QDir::Hidden); // ConfigInstaller::stagePrefix
}

} // namespace

class TestBindMount : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void installerRewritesABindMountedFileInPlace();
    void engineReloadsNginxThroughABindMount();
};

void TestBindMount::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP("a bind mount needs root; CI runs this as root");
    QVERIFY2(g_namespaceError.isEmpty(), qPrintable(g_namespaceError));
}

void TestBindMount::installerRewritesABindMountedFileInPlace()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString host = dir.filePath(u"host-nginx.conf"_s);
    const QString target = dir.filePath(u"etc/nginx.conf"_s);
    QVERIFY(QDir().mkpath(QFileInfo(target).absolutePath()));
    const QByteArray old = QByteArray("# the old config, longer than the new one\n").repeated(50);
    QVERIFY(writeFile(host, old));
    QVERIFY(writeFile(target, "placeholder\n"));
    QCOMPARE(::chown(QFile::encodeName(host).constData(), 4321, 4321), 0);
    QCOMPARE(::chmod(QFile::encodeName(host).constData(), 0640), 0);
    QCOMPARE(bindMount(host, target), QString());
    auto unmount = qScopeGuard([&] { ::umount(QFile::encodeName(target).constData()); });
    QCOMPARE(readFile(target), old);

    Result<StagedFile> staged = ConfigInstaller::stage(target, "the new config\n", {});
    QVERIFY2(staged, qPrintable(staged ? QString() : staged.error().toString()));
    Result<ConfigInstaller::Method> installed = ConfigInstaller::install(*staged);
    QVERIFY2(installed, qPrintable(installed ? QString() : installed.error().toString()));
    QCOMPARE(*installed, ConfigInstaller::Method::InPlace); // and not a silent failure

    QCOMPARE(readFile(target), QByteArray("the new config\n")); // whole: truncated to the new length
    QCOMPARE(readFile(host), QByteArray("the new config\n"));   // the host's file is the one that changed
    struct stat st
    {
    };
    QCOMPARE(::stat(QFile::encodeName(host).constData(), &st), 0);
    QCOMPARE(st.st_uid, uid_t(4321));
    QCOMPARE(st.st_gid, gid_t(4321));
    QCOMPARE(st.st_mode & 07777, mode_t(0640));
    staged = StagedFile(); // the staged copy goes once the rewrite is on disk
    QCOMPARE(stagedFilesIn(QFileInfo(target).absolutePath()), QStringList());
}

void TestBindMount::engineReloadsNginxThroughABindMount()
{
    EngineFixture f;
    QCOMPARE(f.start(), QString());
    const EngineConfig config = f.engineConfig();
    const QString dest = config.nginx.dest;
    QTemporaryDir hostDir;
    QVERIFY(hostDir.isValid());
    const QString host = hostDir.filePath(u"nginx.conf"_s);
    QVERIFY(writeFile(host, readFile(dest))); // what runs now
    QCOMPARE(bindMount(host, dest), QString());
    auto unmount = qScopeGuard([&] { ::umount(QFile::encodeName(dest).constData()); });

    EtcdConfig c;
    c.endpoints = {f.etcd.clientUrl()};
    EtcdV3Client etcd(c);
    for (const auto& [k, v] : {std::pair<QByteArray, QByteArray>{"/test/apache-8001", "127.0.1.3:8001"},
                               {"/test/apache-8002", "127.0.1.2:8002"}}) {
        Result<qint64> put =
            await<qint64>([&](QObject* ctx, Callback<qint64> cb) { etcd.put(k, v, 0, ctx, cb); });
        QVERIFY2(put, why(put).constData());
    }
    Engine engine(config);
    const Result<void> started = engine.start();
    QVERIFY2(started, why(started).constData());
    QVERIFY(QTest::qWaitFor([&] { return engine.ledger().total() >= 1; }, 15000));
    const LedgerEntry& e = engine.ledger().entries().last();
    QVERIFY2(e.report.ok(), qPrintable(e.report.message));
    QVERIFY(e.report.inPlace);   // said so
    QVERIFY(e.report.confirmed); // nginx runs it: read from nginx, not assumed
    QVERIFY(readFile(host).contains("server 127.0.1.3:8001;"));
    QCOMPARE(readFile(host), readFile(dest));
    const QMap<QByteArray, int> seen = f.spread(20);
    QCOMPARE(seen.keys(), (QList<QByteArray>{"backend 8001", "backend 8002"}));
    QCOMPARE(stagedFilesIn(QFileInfo(dest).absolutePath()), QStringList());
}

int main(int argc, char** argv)
{
    // Before any thread exists (unshare(CLONE_NEWNS) refuses a process that shares its fs state).
    if (::geteuid() == 0) {
        if (::unshare(CLONE_NEWNS) != 0)
            g_namespaceError = u"unshare(CLONE_NEWNS): "_s + QString::fromLocal8Bit(std::strerror(errno));
        else if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            g_namespaceError = u"making / private: "_s + QString::fromLocal8Bit(std::strerror(errno));
    }
    QCoreApplication app(argc, argv);
    TestBindMount test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestBindMount.moc"
