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
#include <memory>

using namespace Qt::StringLiterals;
using namespace lbdeck;
using namespace lbdeck::testbed;

class TestNodeHealth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void stoppedAndRestartedDaemon();
    void frozenDaemon();

private:
    // A link to the test's dockerd, probed every 500 ms, once it is Ready; null if it never is.
    std::unique_ptr<NodeConnection> readyNode(const QString& name);

    DockerDaemon m_docker;
};

void TestNodeHealth::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root");
    QCOMPARE(m_docker.start(), QString());
}

std::unique_ptr<NodeConnection> TestNodeHealth::readyNode(const QString& name)
{
    auto node = std::make_unique<NodeConnection>(NodeProfile{name, u"127.0.1.6"_s, m_docker.host()});
    node->setHealthInterval(std::chrono::milliseconds(500));
    node->start();
    if (!QTest::qWaitFor([&] { return node->state() == NodeConnection::State::Ready; }, 20000))
        return nullptr;
    return node;
}

void TestNodeHealth::stoppedAndRestartedDaemon()
{
    const std::unique_ptr<NodeConnection> node = readyNode(u"node-h"_s);
    QVERIFY(node);
    DockerClient* client = node->docker();

    m_docker.stop();
    QElapsedTimer t;
    t.start();
    QTRY_COMPARE_WITH_TIMEOUT(node->state(), NodeConnection::State::Failed, 10000);
    qInfo("a stopped dockerd was noticed after %lld ms (probe every 500 ms, 2 misses)", qint64(t.elapsed()));
    QVERIFY2(node->detail().contains(u"stopped answering"_s), qPrintable(node->detail()));

    QCOMPARE(m_docker.start(), QString());
    QTRY_COMPARE_WITH_TIMEOUT(node->state(), NodeConnection::State::Ready, 30000);
    QCOMPARE(node->docker(), client); // the same client: nobody holding it is left with a dead one
}

void TestNodeHealth::frozenDaemon()
{
    const std::unique_ptr<NodeConnection> node = readyNode(u"node-f"_s);
    QVERIFY(node);
    // A frozen daemon accepts connections and never answers: only the ping's own deadline sees it.
    const qint64 pid = m_docker.daemonPid();
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid_t(pid), SIGSTOP), 0);
    QTRY_COMPARE_WITH_TIMEOUT(node->state(), NodeConnection::State::Failed, 20000);
    QCOMPARE(::kill(pid_t(pid), SIGCONT), 0);
    QTRY_COMPARE_WITH_TIMEOUT(node->state(), NodeConnection::State::Ready, 20000);
}

QTEST_GUILESS_MAIN(TestNodeHealth)
#include "TestNodeHealth.moc"
