// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Runtime directories name their owner: a later start removes those of a dead process, never those
// of a running one. The "other process" is this binary run again as a holder (see main()).
#include "core/ssh/RuntimeDirectory.h"
#include "tests/support/Await.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace lbdeck;
using namespace Qt::StringLiterals;

namespace {

// Holder mode: create a runtime directory under $HoldBaseEnv, print its path, then wait to be
// killed, or (ThenExec) replace this process with sleep: the same pid, now another program.
constexpr const char* HoldBaseEnv = "LBDECK_TEST_HOLD_RUNTIME_DIR";
constexpr const char* HoldThenEnv = "LBDECK_TEST_HOLD_THEN";

int holdRuntimeDirectory()
{
    Result<std::unique_ptr<RuntimeDirectory>> dir =
        RuntimeDirectory::create(qEnvironmentVariable(HoldBaseEnv), RuntimeDirectory::SshTunnelPrefix);
    if (!dir)
        return 1;
    const QByteArray line = QFile::encodeName((*dir)->path()) + '\n';
    if (::write(STDOUT_FILENO, line.constData(), size_t(line.size())) != line.size())
        return 1;
    if (qEnvironmentVariable(HoldThenEnv) == u"exec"_s) {
        ::execl("/bin/sleep", "sleep", "120", static_cast<char*>(nullptr));
        return 1;
    }
    for (;;)
        ::pause();
}

int modeOf(const QString& path)
{
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

} // namespace

class TestRuntimeDirectory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void privateDirectoryGoesWithItsObject();
    void runningOwnersDirectoriesStay();
    void deadOwnersDirectoryIsRemoved();
    void pidReusedByAnotherProgramCountsAsDead();
    void directoriesWithoutOwnerOrOtherNamesStay();
    void baseIsTheRuntimeDirectory();

private:
    // Starts a holder; returns its directory, or "" (and the process is still cleaned up).
    QString startHolder(QProcess& holder, const QString& then = {});

    std::unique_ptr<QTemporaryDir> m_base;
};

void TestRuntimeDirectory::init()
{
    m_base = std::make_unique<QTemporaryDir>();
    QVERIFY(m_base->isValid());
}

QString TestRuntimeDirectory::startHolder(QProcess& holder, const QString& then)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(HoldBaseEnv), m_base->path());
    env.insert(QString::fromLatin1(HoldThenEnv), then);
    holder.setProcessEnvironment(env);
    holder.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    holder.start(QCoreApplication::applicationFilePath(), {});
    if (!holder.waitForStarted(10000))
        return {};
    while (!holder.canReadLine()) {
        if (!holder.waitForReadyRead(10000))
            return {};
    }
    return QFile::decodeName(holder.readLine().trimmed());
}

void TestRuntimeDirectory::privateDirectoryGoesWithItsObject()
{
    QString path;
    {
        Result<std::unique_ptr<RuntimeDirectory>> dir =
            RuntimeDirectory::create(m_base->path(), RuntimeDirectory::AskpassPrefix);
        VERIFY_OK(dir);
        path = (*dir)->path();
        QVERIFY(QFileInfo(path).fileName().startsWith(u"lbdeck-askpass-"_s));
        QCOMPARE(QFileInfo(path).absolutePath(), QFileInfo(m_base->path()).absoluteFilePath());
        QCOMPARE(modeOf(path), 0700);
        QVERIFY(QFileInfo::exists(path + u"/owner.lock"_s));
        QFile socketStandIn(path + u"/askpass.sock"_s);
        QVERIFY(socketStandIn.open(QIODevice::WriteOnly));
    }
    QVERIFY(!QFileInfo::exists(path));
}

void TestRuntimeDirectory::runningOwnersDirectoriesStay()
{
    // This process's own, and another running process's.
    Result<std::unique_ptr<RuntimeDirectory>> own =
        RuntimeDirectory::create(m_base->path(), RuntimeDirectory::SshTunnelPrefix);
    VERIFY_OK(own);
    QProcess holder;
    const QString other = startHolder(holder);
    QVERIFY2(!other.isEmpty(), holder.readAllStandardError().constData());

    QCOMPARE(RuntimeDirectory::removeStale(m_base->path()), QStringList());
    QVERIFY(QFileInfo::exists((*own)->path() + u"/owner.lock"_s));
    QVERIFY(QFileInfo::exists(other + u"/owner.lock"_s));
    holder.kill();
    holder.waitForFinished(5000);
}

void TestRuntimeDirectory::deadOwnersDirectoryIsRemoved()
{
    QProcess holder;
    const QString dir = startHolder(holder);
    QVERIFY(!dir.isEmpty());
    QFile leftover(dir + u"/127.0.0.1.sock"_s);
    QVERIFY(leftover.open(QIODevice::WriteOnly));
    leftover.close();
    holder.kill(); // SIGKILL: no destructor runs
    QVERIFY(holder.waitForFinished(5000));
    QVERIFY(QFileInfo::exists(dir));

    QCOMPARE(RuntimeDirectory::removeStale(m_base->path()), QStringList{dir});
    QVERIFY(!QFileInfo::exists(dir));
    QCOMPARE(QDir(m_base->path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList());
}

void TestRuntimeDirectory::pidReusedByAnotherProgramCountsAsDead()
{
    QProcess holder;
    const QString dir = startHolder(holder, u"exec"_s);
    QVERIFY(!dir.isEmpty());
    // The lock's pid is alive, but it runs sleep now, not the program that took the lock.
    QTRY_COMPARE(QFileInfo(QFileInfo(u"/proc/%1/exe"_s.arg(holder.processId())).symLinkTarget()).fileName(),
                 u"sleep"_s);
    QCOMPARE(::kill(pid_t(holder.processId()), 0), 0);

    QCOMPARE(RuntimeDirectory::removeStale(m_base->path()), QStringList{dir});
    QVERIFY(!QFileInfo::exists(dir));
    holder.kill();
    holder.waitForFinished(5000);
}

void TestRuntimeDirectory::directoriesWithoutOwnerOrOtherNamesStay()
{
    const QDir base(m_base->path());
    // An lbdeck-ssh-* without an owner lock: being created right now, or from an older lbdeck.
    QVERIFY(base.mkdir(u"lbdeck-ssh-noowner"_s));
    // A dead owner's directory under a name that is not ours, and a symlink with our name to it.
    QProcess holder;
    const QString dead = startHolder(holder);
    QVERIFY(!dead.isEmpty());
    holder.kill();
    QVERIFY(holder.waitForFinished(5000));
    const QString foreign = base.filePath(u"someone-else"_s);
    QVERIFY(QDir().rename(dead, foreign));
    QVERIFY(QFile::link(foreign, base.filePath(u"lbdeck-askpass-link"_s)));

    QCOMPARE(RuntimeDirectory::removeStale(m_base->path()), QStringList());
    QVERIFY(QFileInfo(base.filePath(u"lbdeck-ssh-noowner"_s)).isDir());
    QVERIFY(QFileInfo::exists(foreign + u"/owner.lock"_s));
    QVERIFY(QFileInfo(base.filePath(u"lbdeck-askpass-link"_s)).isSymLink());
}

void TestRuntimeDirectory::baseIsTheRuntimeDirectory()
{
    QCOMPARE(RuntimeDirectory::base(u"/somewhere"_s), u"/somewhere"_s);
    const QByteArray saved = qgetenv("XDG_RUNTIME_DIR");
    QVERIFY(QFile::setPermissions(m_base->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_base->path()));
    const QString base = RuntimeDirectory::base();
    if (saved.isNull())
        qunsetenv("XDG_RUNTIME_DIR");
    else
        qputenv("XDG_RUNTIME_DIR", saved);
    QCOMPARE(base, m_base->path());
}

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet(HoldBaseEnv))
        return holdRuntimeDirectory();
    TestRuntimeDirectory test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestRuntimeDirectory.moc"
