// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The real lbdeck binary, offscreen, with a profile whose node is reached over ssh:// (a real sshd):
// SIGTERM/SIGINT end it cleanly, and a start after a kill -9 removes what the dead one left, but
// nothing of an lbdeck that still runs.
#include "core/cluster/ClusterProfile.h"
#include "tests/testbed/EtcdServer.h"
#include "tests/testbed/SshServer.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <sys/prctl.h>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

constexpr int StartMs = 30000; // etcd, the window, the host-key check and ssh's login
constexpr int ExitMs = 10000;  // SIGTERM to exit, ssh children included

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

// Children of pid running ssh, from /proc/<child>/stat: "pid (comm) state ppid ...".
QList<qint64> sshChildrenOf(qint64 pid)
{
    QList<qint64> children;
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& entry : entries) {
        QFile stat(u"/proc/%1/stat"_s.arg(entry));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const qsizetype open = line.indexOf('(');
        const qsizetype close = line.lastIndexOf(')');
        if (open < 0 || close < open)
            continue;
        const QList<QByteArray> rest = line.mid(close + 2).split(' ');
        if (rest.size() > 1 && rest.at(1).toLongLong() == pid &&
            line.mid(open + 1, close - open - 1) == "ssh")
            children << entry.toLongLong();
    }
    return children;
}

bool isAlive(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    const qsizetype close = line.lastIndexOf(')');
    return close > 0 && line.mid(close + 2, 1) != "Z";
}

} // namespace

class TestAppShutdown : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void signalEndsItCleanly_data();
    void signalEndsItCleanly();
    void afterKillNineTheNextStartRemovesOnlyTheDeadOnesDirectories();

private:
    std::unique_ptr<QProcess> startLbdeck();
    // Waits until the runtime base holds, beyond `before`, one tunnel directory with ssh's socket
    // and one askpass directory: this instance's. Returns their names, or none.
    QStringList waitForNewDirectories(const QStringList& before);
    QStringList runtimeEntries() const;
    bool exists(const QStringList& names) const;
    bool stopWith(QProcess& lbdeck, int signalNumber);

    EtcdServer m_etcd;
    SshServer m_sshd;
    QTemporaryDir m_dir;
    QString m_home;
    QString m_runtime;
    int m_runs = 0;
    QString m_profileFile;
    std::vector<std::unique_ptr<QProcess>> m_started;
};

void TestAppShutdown::initTestCase()
{
    QVERIFY(QFile::exists(QStringLiteral(LBDECK_EXECUTABLE)));
    QVERIFY(m_dir.isValid());
    QCOMPARE(m_etcd.start(), QString());
    QCOMPARE(m_sshd.start(), QString());
    m_home = m_dir.filePath(u"home"_s);
    QVERIFY(QDir().mkpath(m_home + u"/.ssh"_s));
    QVERIFY(QDir().mkpath(m_home + u"/tmp"_s));
    QVERIFY(writeFile(m_home + u"/.ssh/known_hosts"_s, m_sshd.knownHostsLine().toUtf8() + '\n'));
    const QString sshConfig = m_dir.filePath(u"ssh_config"_s);
    QVERIFY(
        writeFile(sshConfig, u"IdentityFile %1\nIdentitiesOnly yes\n"_s.arg(m_sshd.clientKey()).toUtf8()));

    ClusterProfile profile;
    profile.name = u"shutdown"_s;
    profile.etcd.endpoints = {m_etcd.clientUrl()};
    // Nobody listens on the remote socket: the tunnel itself is what this test is about.
    profile.nodes = {{u"node-b"_s, u"127.0.0.1"_s,
                      u"ssh://%1@127.0.0.1:%2%3/no-docker.sock"_s.arg(m_sshd.user())
                          .arg(m_sshd.port())
                          .arg(m_dir.path())}};
    profile.sshConfigFile = sshConfig;
    m_profileFile = m_dir.filePath(u"profile.json"_s);
    QVERIFY(writeFile(m_profileFile, QJsonDocument(profile.toJson()).toJson()));
}

void TestAppShutdown::init()
{
    // A runtime base of each test's own, 0700 as XDG_RUNTIME_DIR must be; short, for socket paths.
    m_runtime = m_dir.filePath(u"run%1"_s.arg(++m_runs));
    QVERIFY(QDir().mkpath(m_runtime));
    QVERIFY(QFile::setPermissions(m_runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
}

void TestAppShutdown::cleanup()
{
    for (const std::unique_ptr<QProcess>& p : m_started) {
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished(5000);
        }
    }
    m_started.clear();
    QDir(m_runtime).removeRecursively();
}

std::unique_ptr<QProcess> TestAppShutdown::startLbdeck()
{
    auto p = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"HOME"_s, m_home);
    env.insert(u"XDG_RUNTIME_DIR"_s, m_runtime);
    env.insert(u"TMPDIR"_s, m_home + u"/tmp"_s);
    env.insert(u"XDG_CONFIG_HOME"_s, m_home + u"/.config"_s);
    env.insert(u"XDG_DATA_HOME"_s, m_home + u"/.local/share"_s);
    env.insert(u"XDG_CACHE_HOME"_s, m_home + u"/.cache"_s);
    for (const QString& name : {u"SSH_AUTH_SOCK"_s, u"SSH_ASKPASS"_s, u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s})
        env.remove(name);
    p->setProcessEnvironment(env);
    p->setProcessChannelMode(QProcess::MergedChannels);
    p->setStandardOutputFile(m_dir.filePath(u"lbdeck.log"_s), QIODevice::Append);
    p->setStandardInputFile(QProcess::nullDevice());
    // If this test dies, lbdeck goes too.
    p->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    p->start(QStringLiteral(LBDECK_EXECUTABLE), {u"--profile-file"_s, m_profileFile});
    return p;
}

QStringList TestAppShutdown::runtimeEntries() const
{
    return QDir(m_runtime).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

bool TestAppShutdown::exists(const QStringList& names) const
{
    for (const QString& name : names) {
        if (!QFileInfo::exists(m_runtime + u'/' + name + u"/owner.lock"_s))
            return false;
    }
    return !names.isEmpty();
}

QStringList TestAppShutdown::waitForNewDirectories(const QStringList& before)
{
    QStringList found;
    const bool ok = QTest::qWaitFor(
        [&] {
            found.clear();
            const QStringList entries = runtimeEntries();
            QString ssh;
            QString askpass;
            for (const QString& e : entries) {
                if (before.contains(e))
                    continue;
                if (e.startsWith(u"lbdeck-ssh-"_s))
                    ssh = e;
                else if (e.startsWith(u"lbdeck-askpass-"_s))
                    askpass = e;
            }
            if (ssh.isEmpty() || askpass.isEmpty() ||
                QDir(m_runtime + u'/' + ssh)
                    .entryList({u"*.sock"_s}, QDir::AllEntries | QDir::System)
                    .isEmpty())
                return false;
            found = {ssh, askpass};
            return true;
        },
        StartMs);
    if (!ok) {
        QFile log(m_dir.filePath(u"lbdeck.log"_s));
        if (log.open(QIODevice::ReadOnly))
            qWarning("lbdeck's output:\n%s", log.readAll().right(4000).constData());
        qWarning() << "runtime directory:" << runtimeEntries();
    }
    return ok ? found : QStringList();
}

bool TestAppShutdown::stopWith(QProcess& lbdeck, int signalNumber)
{
    ::kill(pid_t(lbdeck.processId()), signalNumber);
    return lbdeck.waitForFinished(ExitMs) && lbdeck.exitStatus() == QProcess::NormalExit &&
           lbdeck.exitCode() == 0;
}

void TestAppShutdown::signalEndsItCleanly_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestAppShutdown::signalEndsItCleanly()
{
    QFETCH(int, signalNumber);
    m_started.push_back(startLbdeck());
    QProcess& lbdeck = *m_started.back();
    QVERIFY(lbdeck.waitForStarted(10000));
    const QStringList dirs = waitForNewDirectories({});
    QVERIFY(exists(dirs));
    const QList<qint64> ssh = sshChildrenOf(lbdeck.processId());
    QVERIFY2(!ssh.isEmpty(), "the tunnel's ssh runs as lbdeck's child");

    QVERIFY2(stopWith(lbdeck, signalNumber),
             qPrintable(u"exit status %1, code %2"_s.arg(int(lbdeck.exitStatus())).arg(lbdeck.exitCode())));
    QCOMPARE(runtimeEntries(), QStringList());
    for (qint64 pid : ssh)
        QVERIFY2(!isAlive(pid), qPrintable(u"ssh %1 outlived lbdeck"_s.arg(pid)));
}

void TestAppShutdown::afterKillNineTheNextStartRemovesOnlyTheDeadOnesDirectories()
{
    m_started.push_back(startLbdeck());
    QProcess& killed = *m_started.back();
    const QStringList killedDirs = waitForNewDirectories({});
    QVERIFY(exists(killedDirs));

    // A second instance starts while the first runs: the first one's directories stay.
    m_started.push_back(startLbdeck());
    QProcess& survivor = *m_started.back();
    const QStringList survivorDirs = waitForNewDirectories(killedDirs);
    QVERIFY(exists(survivorDirs));
    QVERIFY(exists(killedDirs));

    killed.kill();
    QVERIFY(killed.waitForFinished(5000));
    QCOMPARE(killed.exitStatus(), QProcess::CrashExit);
    QVERIFY2(exists(killedDirs), "kill -9 leaves the directories behind: nothing to test otherwise");

    // A third start removes the dead one's, and not the survivor's.
    m_started.push_back(startLbdeck());
    QProcess& third = *m_started.back();
    const QStringList thirdDirs = waitForNewDirectories(killedDirs + survivorDirs);
    QVERIFY(exists(thirdDirs));
    for (const QString& name : killedDirs)
        QVERIFY2(!QFileInfo::exists(m_runtime + u'/' + name), qPrintable(name));
    QVERIFY(exists(survivorDirs));
    QCOMPARE(runtimeEntries().size(), 4);

    QVERIFY(stopWith(survivor, SIGTERM));
    QVERIFY(stopWith(third, SIGTERM));
    QCOMPARE(runtimeEntries(), QStringList());
}

QTEST_GUILESS_MAIN(TestAppShutdown)
#include "TestAppShutdown.moc"
