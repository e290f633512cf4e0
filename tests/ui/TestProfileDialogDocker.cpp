// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// "Test connection" against real Docker engines (root: dockerd), reached directly and over SSH: a
// node answers with its Docker version, an unknown host key is refused with its fingerprint and
// recorded nowhere. The checks that need no root are in TestProfileDialog.
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/EtcdServer.h"
#include "tests/testbed/SshServer.h"
#include "ui/dialogs/ProfileDialog.h"

#include <QListWidget>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

QStringList lines(QListWidget* list)
{
    QStringList out;
    for (int i = 0; i < list->count(); ++i)
        out << list->item(i)->text();
    return out;
}

bool allAnswered(QListWidget* list)
{
    const QStringList l = lines(list);
    return !l.isEmpty() &&
           std::all_of(l.cbegin(), l.cend(), [](const QString& s) { return !s.startsWith(u"…"_s); });
}

} // namespace

class TestProfileDialogDocker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void nodesAnswerDirectlyAndOverSsh();

private:
    EtcdServer m_etcd;
    DockerDaemon m_docker;
    SshServer m_ssh;
    QTemporaryDir m_dir;
};

void TestProfileDialogDocker::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root (TestProfileDialog has the checks without it)");
    QStandardPaths::setTestModeEnabled(true);
    QCOMPARE(m_etcd.start(), QString());
    QCOMPARE(m_docker.start(), QString());
    QCOMPARE(m_ssh.start(), QString());
}

void TestProfileDialogDocker::nodesAnswerDirectlyAndOverSsh()
{
    const QString knownHosts = m_dir.filePath(u"known_hosts"_s);
    SshTunnelOptions ssh;
    ssh.identityFile = m_ssh.clientKey();
    ssh.appKnownHostsFile = knownHosts;
    ssh.userKnownHostsFile = m_dir.filePath(u"user_known_hosts"_s);
    ssh.runtimeDirectory = m_dir.path();
    ssh.extraArgs = {u"-F"_s, u"/dev/null"_s};

    ProfileDialog dialog(nullptr);
    dialog.setSshOptions(ssh);
    dialog.show();
    ClusterProfile p;
    p.name = u"docker"_s;
    p.etcd.endpoints = {m_etcd.clientUrl()};
    const QString sshUrl =
        u"ssh://%1@127.0.0.1:%2%3"_s.arg(m_ssh.user()).arg(m_ssh.port()).arg(m_docker.socketPath());
    p.nodes = {{u"local"_s, u"127.0.0.1"_s, m_docker.host()}, {u"remote"_s, u"127.0.0.1"_s, sshUrl}};
    dialog.setProfile(p);
    auto* results = dialog.findChild<QListWidget*>(u"testResults"_s);
    auto* test = dialog.findChild<QPushButton*>(u"testConnection"_s);
    QVERIFY(results && test);

    // The host key is not known yet: refused with its fingerprint, and nothing recorded.
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(allAnswered(results), 40000);
    QStringList l = lines(results);
    QCOMPARE(l.size(), 3);
    QVERIFY2(l.at(0).startsWith(u"✔"_s), qPrintable(l.at(0)));
    QVERIFY2(l.at(1).startsWith(u"✔"_s) && l.at(1).contains(u"node local"_s) &&
                 l.at(1).contains(u"Docker "_s),
             qPrintable(l.at(1)));
    QVERIFY2(l.at(2).startsWith(u"✘"_s) && l.at(2).contains(m_ssh.hostKeyFingerprint()), qPrintable(l.at(2)));
    QVERIFY(!QFileInfo::exists(knownHosts) || QFileInfo(knownHosts).size() == 0);

    // Once the key is known, the same node answers over its tunnel.
    QFile kh(knownHosts);
    QVERIFY(kh.open(QIODevice::WriteOnly));
    kh.write(m_ssh.knownHostsLine().toUtf8() + '\n');
    kh.close();
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(allAnswered(results), 40000);
    l = lines(results);
    QCOMPARE(l.size(), 3);
    QVERIFY2(l.at(2).startsWith(u"✔"_s) && l.at(2).contains(u"over SSH"_s), qPrintable(l.at(2)));
}

QTEST_MAIN(TestProfileDialogDocker)
#include "TestProfileDialogDocker.moc"
