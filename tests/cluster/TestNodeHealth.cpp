// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// A node's link notices by itself when its dockerd stops or freezes, and when it answers again.
#include "core/cluster/NodeConnection.h"
#include "core/docker/DockerClient.h"
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/TestProcess.h"

#include <QElapsedTimer>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace lbdeck;
using namespace lbdeck::testbed;

class TestNodeHealth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stoppedAndRestartedDaemon();
    void frozenDaemon();
};

void TestNodeHealth::stoppedAndRestartedDaemon()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root");
    DockerDaemon docker;
    QCOMPARE(docker.start(), QString());
    NodeConnection node(NodeProfile{u"node-h"_s, u"127.0.1.6"_s, docker.host()});
    node.setHealthInterval(std::chrono::milliseconds(500));
    node.start();
    QTRY_COMPARE_WITH_TIMEOUT(node.state(), NodeConnection::State::Ready, 20000);
    DockerClient* client = node.docker();

    docker.stop();
    QElapsedTimer t;
    t.start();
    QTRY_COMPARE_WITH_TIMEOUT(node.state(), NodeConnection::State::Failed, 10000);
    qInfo("a stopped dockerd was noticed after %lld ms (probe every 500 ms, 2 misses)", qint64(t.elapsed()));
    QVERIFY2(node.detail().contains(u"stopped answering"_s), qPrintable(node.detail()));

    QCOMPARE(docker.start(), QString());
    QTRY_COMPARE_WITH_TIMEOUT(node.state(), NodeConnection::State::Ready, 30000);
    QCOMPARE(node.docker(), client); // the same client: nobody holding it is left with a dead one
}

void TestNodeHealth::frozenDaemon()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root");
    DockerDaemon docker;
    QCOMPARE(docker.start(), QString());
    NodeConnection node(NodeProfile{u"node-f"_s, u"127.0.1.6"_s, docker.host()});
    node.setHealthInterval(std::chrono::milliseconds(500));
    node.start();
    QTRY_COMPARE_WITH_TIMEOUT(node.state(), NodeConnection::State::Ready, 20000);
    // A frozen daemon accepts connections and never answers: only the ping's own deadline sees it.
    QVERIFY(docker.daemonPid() > 0);
    QCOMPARE(::kill(pid_t(docker.daemonPid()), SIGSTOP), 0);
    QTRY_COMPARE_WITH_TIMEOUT(node.state(), NodeConnection::State::Failed, 20000);
    QCOMPARE(::kill(pid_t(docker.daemonPid()), SIGCONT), 0);
    QTRY_COMPARE_WITH_TIMEOUT(node.state(), NodeConnection::State::Ready, 20000);
}

QTEST_GUILESS_MAIN(TestNodeHealth)
#include "TestNodeHealth.moc"
