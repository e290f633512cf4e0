// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Starting and stopping a backend by click, against the whole test bed: etcd, an engine inside the
// app driving a real nginx, and a node reached over ssh:// (sshd + dockerd).
#include "core/cluster/ClusterSession.h"
#include "core/cluster/NodeConnection.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/engine/EngineFixture.h"
#include "tests/support/Await.h"
#include "tests/testbed/DockerDaemon.h"
#include "tests/testbed/SshServer.h"
#include "ui/Dialogs.h"
#include "ui/MainWindow.h"
#include "ui/dialogs/StartBackendDialog.h"
#include "ui/models/BackendsModel.h"
#include "ui/models/NodesModel.h"
#include "ui/models/UpstreamsModel.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTimer>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

class TestBackendsGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void startByClickReachesNginxThenStopRemovesIt();
    void unknownHostKeyShowsFingerprintAndNoWritesNothing();

private:
    ClusterProfile profile(const QString& name) const;
    SshTunnelOptions sshOptions(const QString& knownHosts) const;

    EngineFixture m_f;
    DockerDaemon m_docker;
    SshServer m_ssh;
    QTemporaryDir m_dir;
    QString m_engineToml;
};

void TestBackendsGui::initTestCase()
{
    if (!isRoot())
        QSKIP("dockerd needs root; CI runs this as root");
    QStandardPaths::setTestModeEnabled(true);
    QCOMPARE(m_f.start(), QString());
    QCOMPARE(m_docker.start(), QString());
    QCOMPARE(m_docker.buildBackendImage(), QString());
    QCOMPARE(m_ssh.start(), QString());
    EtcdConfig c;
    c.endpoints = {m_f.etcd.clientUrl()};
    EtcdV3Client etcd(c);
    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
        etcd.put("/test/apache-8001", "127.0.1.3:8001", 0, ctx, cb);
    }));
    VERIFY_OK(await<qint64>([&](QObject* ctx, Callback<qint64> cb) {
        etcd.put("/test/apache-8002", "127.0.1.2:8002", 0, ctx, cb);
    }));
    const EngineConfig e = m_f.engineConfig();
    m_engineToml = m_dir.filePath(u"engine.toml"_s);
    QFile toml(m_engineToml);
    QVERIFY(toml.open(QIODevice::WriteOnly));
    toml.write(
        u"[etcd]\nendpoints = [\"%1\"]\n[engine]\nstatus_listen = \"\"\n[nginx]\ndest = \"%2\"\nprefix = "
        u"\"%3\"\n"
        u"pid_file = \"%4\"\ntemp_dir = \"%5\"\nlisten = \"%6\"\nstatus_listen = \"%7\"\nuser = \"root\"\n"_s
            .arg(m_f.etcd.clientUrl(), e.nginx.dest, e.nginx.prefix, e.nginx.pidFile, e.nginx.tempDir,
                 e.nginx.listen, e.nginx.statusListen)
            .toUtf8());
}

ClusterProfile TestBackendsGui::profile(const QString& name) const
{
    ClusterProfile p;
    p.name = name;
    p.etcd.endpoints = {m_f.etcd.clientUrl()};
    p.nodes = {{u"node-b"_s, u"127.0.1.4"_s,
                u"ssh://%1@127.0.0.1:%2%3"_s.arg(m_ssh.user()).arg(m_ssh.port()).arg(m_docker.socketPath())}};
    p.backends.image = DockerDaemon::backendImage();
    p.balancer.engine = BalancerProfile::Engine::Embedded;
    p.balancer.engineConfigFile = m_engineToml;
    return p;
}

SshTunnelOptions TestBackendsGui::sshOptions(const QString& knownHosts) const
{
    SshTunnelOptions o;
    o.identityFile = m_ssh.clientKey();
    o.appKnownHostsFile = knownHosts;
    o.userKnownHostsFile = m_dir.filePath(u"user_known_hosts"_s);
    o.runtimeDirectory = m_dir.path();
    o.extraArgs = {u"-F"_s, u"/dev/null"_s};
    return o;
}

void TestBackendsGui::startByClickReachesNginxThenStopRemovesIt()
{
    const QString knownHosts = m_dir.filePath(u"known_hosts"_s);
    QFile kh(knownHosts);
    QVERIFY(kh.open(QIODevice::WriteOnly));
    kh.write(m_ssh.knownHostsLine().toUtf8() + '\n');
    kh.close();
    ClusterSession session(profile(u"gui"_s));
    session.setSshOptions(sshOptions(knownHosts));
    MainWindow window;
    window.setSession(&session);
    window.show();
    session.open();

    auto* nodes = window.findChild<QTableView*>(u"nodesView"_s);
    QTRY_COMPARE(nodes->model()->rowCount(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(nodes->model()->index(0, 0).data(NodesModel::ReadyRole).toBool(), 20000);
    QVERIFY(nodes->model()->index(0, NodesModel::Connection).data().toString().contains(u"SSH"_s));
    auto* backends = window.findChild<QTableView*>(u"backendsView"_s);
    QTRY_COMPARE(backends->model()->rowCount(), 2); // the seed's two

    // Start: the dialog comes up modal; answer it like an operator would.
    QTimer::singleShot(0, this, [] {
        auto* dialog = qobject_cast<StartBackendDialog*>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        dialog->findChild<QLineEdit*>(u"startPort"_s)->setText(u"8003"_s);
        QCOMPARE(dialog->findChild<QComboBox*>(u"startNode"_s)->currentText(), u"node-b"_s);
        dialog->accept();
    });
    auto* start = window.findChild<QAction*>(u"actionStartBackend"_s);
    QTRY_VERIFY(start->isEnabled());
    start->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(backends->model()->rowCount(), 3, 20000);
    // The view shows the model through its filter: rows are the model's, mapped for the view.
    BackendsModel* model = window.backendsModel();
    const int row = model->rowOf("/test/apache-8003");
    QVERIFY(row >= 0);
    QTRY_VERIFY_WITH_TIMEOUT(model->index(row, 0).data(BackendsModel::ConsistentRole).toBool(), 30000);
    QCOMPARE(model->index(row, BackendsModel::Container).data().toString(), u"running"_s);
    QCOMPARE(model->index(row, BackendsModel::Registered).data().toString(), u"registered"_s);
    QCOMPARE(model->index(row, BackendsModel::Live).data().toString(), u"✔"_s);
    // And an HTTP request through nginx reaches it.
    QTRY_VERIFY_WITH_TIMEOUT(m_f.spread(9).contains("<h1>Running from Docker on lbdeck: apache-8003</h1>"),
                             10000);

    // Stop: select the row, press Stop; it disappears everywhere.
    auto* shown = qobject_cast<QSortFilterProxyModel*>(backends->model());
    QVERIFY(shown);
    backends->selectRow(shown->mapFromSource(model->index(model->rowOf("/test/apache-8003"), 0)).row());
    auto* stop = window.findChild<QAction*>(u"actionStopBackend"_s);
    QTRY_VERIFY(stop->isEnabled());
    dialogs::transcript().clear();
    dialogs::setNextAnswer(QMessageBox::Yes); // the confirmation, with its impact
    stop->trigger();
    QVERIFY(!dialogs::transcript().isEmpty());
    QVERIFY2(dialogs::transcript().last().contains(u"2 of 3 servers remain"_s),
             qPrintable(dialogs::transcript().last()));
    QTRY_COMPARE_WITH_TIMEOUT(backends->model()->rowCount(), 2, 30000);
    QVERIFY(window.upstreamsModel());
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (int r = 0; r < window.upstreamsModel()->rowCount(); ++r) {
                if (window.upstreamsModel()->index(r, 0).data().toString() == u"127.0.1.4:8003"_s)
                    return false;
            }
            return true;
        }(),
        20000);
    QByteArray names;
    m_docker.docker({u"ps"_s, u"-a"_s, u"--format"_s, u"{{.Names}}"_s}, &names);
    QVERIFY(!names.contains("apache-8003"));
    QCOMPARE(m_f.spread(10).keys(), (QList<QByteArray>{"backend 8001", "backend 8002"}));
}

void TestBackendsGui::unknownHostKeyShowsFingerprintAndNoWritesNothing()
{
    const QString fresh = m_dir.filePath(u"fresh_known_hosts"_s);
    ClusterProfile p = profile(u"untrusted"_s);
    p.balancer.engine = BalancerProfile::Engine::Remote; // no engine needed here
    p.balancer.engineConfigFile.clear();
    ClusterSession session(p);
    session.setSshOptions(sshOptions(fresh));
    MainWindow window;
    window.setSession(&session);
    window.show();
    dialogs::transcript().clear();
    dialogs::setNextAnswer(QMessageBox::No);
    session.open();
    QTRY_VERIFY_WITH_TIMEOUT(!dialogs::transcript().isEmpty(), 20000);
    QVERIFY2(dialogs::transcript().last().contains(m_ssh.hostKeyFingerprint()),
             qPrintable(dialogs::transcript().last()));
    QTRY_COMPARE(session.nodes().first()->state(), NodeConnection::State::Failed);
    QVERIFY(!QFile::exists(fresh) || QFileInfo(fresh).size() == 0);
}

QTEST_MAIN(TestBackendsGui)
#include "TestBackendsGui.moc"
