// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Two load balancers, each with its own lbdeck-engine process and nginx, one reached directly and
// one through its sshd: the window shows each one's generation, flags the one that lags behind etcd
// (its etcd link cut), the ones that disagree (same revision, different servers) and the one that
// does not answer, and clears each flag when it is over.
#include "core/cluster/BalancerFleet.h"
#include "core/cluster/ClusterSession.h"
#include "core/cluster/EngineLink.h"
#include "core/etcd/PrefixMirror.h"
#include "tests/engine/EngineFixture.h"
#include "tests/testbed/SshServer.h"
#include "tests/testbed/TcpProxy.h"
#include "tests/testbed/TestProcess.h"
#include "ui/MainWindow.h"
#include "ui/models/BalancersModel.h"
#include "ui/models/LedgerModel.h"
#include "ui/models/OverviewModel.h"
#include "ui/models/TrafficModel.h"
#include "ui/views/BalancersPanel.h"
#include "ui/views/ConfigView.h"
#include "ui/views/TrafficView.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

class TestBalancersGui : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void bothServeOneSet();
    void trafficPerBalancer();
    void configPerBalancer();
    void lagsWhileItsEtcdLinkIsCut();
    void disagreesWhenItKeepsAnOlderSet();
    void unreachableIsNotLagging();

private:
    QString writeToml(const QString& name, const QString& etcd, const NginxServer& nginx, quint16 status,
                      quint16 nginxStatus, int minBackends);
    bool startEngine(TestProcess& p, const QString& name);
    QString put(const QByteArray& key, const QByteArray& value) const
    {
        return m_f.etcd.etcdctl({u"put"_s, QString::fromUtf8(key), QString::fromUtf8(value)});
    }
    QString remove(const QByteArray& key) const
    {
        return m_f.etcd.etcdctl({u"del"_s, QString::fromUtf8(key)});
    }
    const BalancerState& state(int i) const { return m_session->fleet()->states().at(i); }
    // Load balancer i's box in the Overview.
    OverviewModel::State drawn(int i) const
    {
        return m_overview->index(i, 0).data(OverviewModel::StateRole).value<OverviewModel::State>();
    }
    QString row(int i) const // the window's row for load balancer i, as shown
    {
        QStringList cells;
        for (int c = 0; c < BalancersModel::ColumnCount; ++c)
            cells << m_model->index(i, c).data().toString();
        return cells.join(u" | "_s);
    }

    EngineFixture m_f;
    NginxServer m_nginxB;
    NginxServer m_backend8003; // the fixture serves 8001 and 8002
    SshServer m_ssh;
    std::unique_ptr<TcpProxy> m_proxy;
    QTemporaryDir m_dir;
    TestProcess m_engineA;
    TestProcess m_engineB;
    quint16 m_statusA = 0;
    quint16 m_statusB = 0;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<MainWindow> m_window;
    BalancersModel* m_model = nullptr;
    OverviewModel* m_overview = nullptr;
    std::unique_ptr<QAbstractItemModelTester> m_overviewTester;
};

QString TestBalancersGui::writeToml(const QString& name, const QString& etcd, const NginxServer& nginx,
                                    quint16 status, quint16 nginxStatus, int minBackends)
{
    const QString path = m_dir.filePath(name + u".toml"_s);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return QString();
    f.write(u"[etcd]\nendpoints = [\"%1\"]\n[engine]\nstatus_listen = \"127.0.0.1:%2\"\nquiet_ms = "
            u"5\nmin_backends = %3\n"
            u"[nginx]\ndest = \"%4\"\nprefix = \"%5\"\npid_file = \"%6\"\ntemp_dir = \"%7\"\nlisten = "
            u"\"127.0.0.1:%8\"\n"
            u"status_listen = \"127.0.0.1:%9\"\n"_s.arg(etcd)
                .arg(status)
                .arg(minBackends)
                .arg(nginx.confPath(), nginx.prefix(), nginx.pidFile(), nginx.prefix() + u"/tmp"_s)
                .arg(nginx.port())
                .arg(nginxStatus)
                .toUtf8());
    if (isRoot())
        f.write("user = \"root\"\n");
    // nginx's per-request lines go to each engine's own socket: each counts its own requests.
    f.write(
        u"[traffic]\naccess_log_socket = \"%1\"\n"_s.arg(m_dir.filePath(name + u"-access.sock"_s)).toUtf8());
    return path;
}

bool TestBalancersGui::startEngine(TestProcess& p, const QString& name)
{
    return p.start(qEnvironmentVariable("LBDECK_BINARY_DIR") + u"/app/lbdeck-engine"_s,
                   {u"-c"_s, m_dir.filePath(name + u".toml"_s)}, m_dir.filePath(name + u".log"_s));
}

void TestBalancersGui::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCOMPARE(m_f.start(), QString());
    QCOMPARE(m_nginxB.start(
                 u"server { listen 127.0.0.1:@PORT@; location / { return 200 \"before lbdeck\\n\"; } }"_s),
             QString());
    QCOMPARE(m_ssh.start(), QString());
    QCOMPARE(
        m_backend8003.start(
            u"server { listen 127.0.0.1:@PORT@; listen 127.0.1.2:8003; location / { return 200 \"backend 8003\\n\"; } }"_s),
        QString());
    // core-b reads etcd through a link the test can cut; core-a directly.
    m_proxy = std::make_unique<TcpProxy>(u"127.0.0.1"_s, m_f.etcd.clientPort());
    QCOMPARE(put("/test/apache-8001", "127.0.1.3:8001"), QString());
    QCOMPARE(put("/test/apache-8002", "127.0.1.2:8002"), QString());
    QCOMPARE(put("/test/apache-8003", "127.0.1.2:8003"), QString());
    m_statusA = freePort();
    m_statusB = freePort();
    QVERIFY(
        !writeToml(u"core-a"_s, m_f.etcd.clientUrl(), m_f.balancer, m_statusA, m_f.statusPort, 1).isEmpty());
    // core-b keeps its last good config below two servers: a set of its own at the same revision.
    QVERIFY(!writeToml(u"core-b"_s, m_proxy->url(), m_nginxB, m_statusB, freePort(), 2).isEmpty());
    QVERIFY(startEngine(m_engineA, u"core-a"_s));
    QVERIFY(startEngine(m_engineB, u"core-b"_s));

    ClusterProfile p;
    p.name = u"two-balancers"_s;
    p.etcd.endpoints = {m_f.etcd.clientUrl()};
    p.balancers = {
        BalancerProfile{u"core-a"_s,
                        BalancerProfile::Engine::Remote,
                        u"http://127.0.0.1:%1"_s.arg(m_statusA),
                        {},
                        {},
                        u"http://127.0.0.1:%1"_s.arg(m_f.balancer.port())},
        // Its status endpoint is open on the load balancer only: reached through its sshd.
        BalancerProfile{u"core-b"_s,
                        BalancerProfile::Engine::Remote,
                        u"http://127.0.0.1:%1"_s.arg(m_statusB),
                        u"ssh://%1@127.0.0.1:%2"_s.arg(m_ssh.user()).arg(m_ssh.port()),
                        {},
                        u"http://127.0.0.1:%1"_s.arg(m_nginxB.port())},
    };
    QFile kh(m_dir.filePath(u"known_hosts"_s));
    QVERIFY(kh.open(QIODevice::WriteOnly));
    kh.write(m_ssh.knownHostsLine().toUtf8() + '\n');
    kh.close();
    SshTunnelOptions ssh;
    ssh.identityFile = m_ssh.clientKey();
    ssh.appKnownHostsFile = kh.fileName();
    ssh.userKnownHostsFile = m_dir.filePath(u"user_known_hosts"_s);
    ssh.runtimeDirectory = m_dir.path();
    ssh.extraArgs = {u"-F"_s, u"/dev/null"_s};
    m_session = std::make_unique<ClusterSession>(p);
    m_session->setSshOptions(ssh);
    m_window = std::make_unique<MainWindow>();
    m_window->setSession(m_session.get());
    m_window->show();
    m_overview = m_window->findChild<OverviewModel*>();
    QVERIFY(m_overview);
    m_overviewTester = std::make_unique<QAbstractItemModelTester>(
        m_overview, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_session->open();
    QTRY_VERIFY_WITH_TIMEOUT(m_session->fleet(), 10000);
    m_model = m_window->findChild<BalancersModel*>();
    QVERIFY(m_model);
    QCOMPARE(m_session->balancers().size(), 2);
}

void TestBalancersGui::cleanupTestCase()
{
    m_overviewTester.reset();
    m_window.reset();
    m_session.reset();
    m_engineA.stop();
    m_engineB.stop();
}

void TestBalancersGui::bothServeOneSet()
{
    QTRY_VERIFY2_WITH_TIMEOUT(
        m_session->fleet()->allInSync() && state(0).servers == 3 && state(1).servers == 3,
        qPrintable(m_session->fleet()->summary() + u"\n"_s + row(0) + u"\n"_s + row(1)), 30000);
    const qint64 newest = m_session->backends()->lastChangeRevision();
    QVERIFY2(state(0).revision >= newest && state(1).revision >= newest,
             qPrintable(row(0) + u"\n"_s + row(1)));
    QCOMPARE(state(0).configHash.isEmpty(), false);
    QVERIFY2(state(1).engine.contains(u"through ssh://"_s), qPrintable(state(1).engine));
    // Both views show the generations and say that the set is one.
    const QList<BalancersPanel*> panels = m_window->findChildren<BalancersPanel*>();
    QCOMPARE(panels.size(), 2);
    for (BalancersPanel* panel : panels)
        QVERIFY2(panel->summary().startsWith(u"All 2 load balancers serve the same 3 servers"_s),
                 qPrintable(panel->summary()));
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(m_model->index(1, BalancersModel::Name).data().toString(), u"core-b"_s);
    QCOMPARE(m_model->index(1, BalancersModel::Revision).data().toLongLong(), state(1).revision);
    QCOMPARE(m_model->index(1, BalancersModel::State).data().toString(), u"in sync"_s);
    // The Overview draws both, each as its own engine says.
    for (int i = 0; i < 2; ++i) {
        const QModelIndex box = m_overview->index(i, 0);
        QCOMPARE(box.data(OverviewModel::KindRole).value<OverviewModel::Kind>(),
                 OverviewModel::Kind::LoadBalancer);
        QCOMPARE(box.data(OverviewModel::NameRole).toString(), i == 0 ? u"core-a"_s : u"core-b"_s);
        QTRY_COMPARE(drawn(i), OverviewModel::State::Ok);
    }
    QVERIFY2(m_overview->index(1, 0).data(OverviewModel::DetailRole).toString().contains(u"through ssh://"_s),
             qPrintable(m_overview->index(1, 0).data(OverviewModel::DetailRole).toString()));
}

void TestBalancersGui::trafficPerBalancer()
{
    auto* view = m_window->findChild<TrafficView*>();
    QVERIFY(view);
    auto* tabs = m_window->findChild<QTabWidget*>();
    QVERIFY(tabs);
    tabs->setCurrentWidget(view); // the links fetch /traffic while it is shown
    TrafficModel* model = view->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QStringList backends{u"127.0.1.2:8002"_s, u"127.0.1.2:8003"_s, u"127.0.1.3:8001"_s};
    const auto rowsThere = [&] {
        for (const QString& b : backends)
            for (const QString& key : {b, b + u" @ core-a"_s, b + u" @ core-b"_s})
                if (model->rowOf(key) < 0)
                    return false;
        return true;
    };
    const auto dump = [&] {
        QStringList lines;
        for (int r = 0; r < model->rowCount(); ++r)
            lines << model->addressAt(r) + u" 2xx="_s +
                         model->index(r, TrafficModel::Status2xx).data(TrafficModel::ValueRole).toString();
        return lines.join(u'\n');
    };
    QTRY_VERIFY2_WITH_TIMEOUT(rowsThere(), qPrintable(dump()), 20000);
    QVERIFY(model->isPerBalancer());
    QVERIFY(!view->table()->isColumnHidden(TrafficModel::Balancer));
    const auto ok2xx = [&](const QString& key) {
        return model->index(model->rowOf(key), TrafficModel::Status2xx)
            .data(TrafficModel::ValueRole)
            .toLongLong();
    };
    const auto balancerSum = [&](const QString& suffix) {
        qint64 n = 0;
        for (const QString& b : backends)
            n += ok2xx(b + suffix);
        return n;
    };
    const qint64 baseA = balancerSum(u" @ core-a"_s);
    const qint64 baseB = balancerSum(u" @ core-b"_s);
    // 30 requests through core-a's nginx, 12 through core-b's: each engine counts its own.
    for (int i = 0; i < 30; ++i)
        QCOMPARE(httpGet(u"127.0.0.1"_s, m_f.balancer.port(), "/", nullptr, 2000), 200);
    for (int i = 0; i < 12; ++i)
        QCOMPARE(httpGet(u"127.0.0.1"_s, m_nginxB.port(), "/", nullptr, 2000), 200);
    QTRY_VERIFY2_WITH_TIMEOUT(balancerSum(u" @ core-a"_s) == baseA + 30 &&
                                  balancerSum(u" @ core-b"_s) == baseB + 12,
                              qPrintable(dump()), 15000);
    // Each backend's summed row is its load balancers' rows added up, and says over how many.
    QTRY_VERIFY2_WITH_TIMEOUT(balancerSum(QString()) == baseA + baseB + 42, qPrintable(dump()), 5000);
    for (const QString& b : backends) {
        const int sum = model->rowOf(b);
        QCOMPARE(ok2xx(b), ok2xx(b + u" @ core-a"_s) + ok2xx(b + u" @ core-b"_s));
        QCOMPARE(model->index(sum, TrafficModel::Balancer).data().toString(), u"all 2"_s);
        QCOMPARE(model->index(sum, TrafficModel::Backend).data().toString(), b);
        QCOMPARE(model->index(model->rowOf(b + u" @ core-b"_s), TrafficModel::Balancer).data().toString(),
                 u"core-b"_s);
        // Shares are within each load balancer's own rows (round-robin's 1/3 each), the sum's over all.
        QCOMPARE(model->index(sum, TrafficModel::RrShare).data(TrafficModel::ValueRole).toDouble(),
                 100.0 / 3);
    }
    // The totals count every backend once (the summed rows), with all 42 requests.
    QCOMPARE(model->totals().backends, 3);
    QCOMPARE(model->totals().requests, baseA + baseB + 42);
    tabs->setCurrentIndex(0);
}

void TestBalancersGui::configPerBalancer()
{
    auto* config = m_window->findChild<ConfigView*>();
    QVERIFY(config);
    auto* pick = config->findChild<QComboBox*>(u"configBalancer"_s);
    QVERIFY(pick);
    QCOMPARE(pick->count(), 2);
    QCOMPARE(pick->itemText(1), u"core-b"_s);
    QCOMPARE(config->shownEngine(), m_session->balancers().at(0).link);
    auto* running = config->findChild<QPlainTextEdit*>(u"runningConfig"_s);
    auto* summary = config->findChild<QLabel*>(u"configSummary"_s);
    QVERIFY(running && summary);
    // Each engine renders its own nginx.conf: core-a's and core-b's listen on their own ports.
    const QString listenA = u"listen 127.0.0.1:%1"_s.arg(m_f.balancer.port());
    const QString listenB = u"listen 127.0.0.1:%1"_s.arg(m_nginxB.port());
    QTRY_VERIFY2(running->toPlainText().contains(listenA), qPrintable(running->toPlainText().left(400)));
    pick->setCurrentIndex(1);
    QCOMPARE(config->shownEngine(), m_session->balancers().at(1).link);
    QTRY_VERIFY2(running->toPlainText().contains(listenB), qPrintable(running->toPlainText().left(400)));
    QVERIFY(!running->toPlainText().contains(listenA));
    QVERIFY2(summary->text().contains(u"through ssh://"_s), qPrintable(summary->text()));
    // core-b's own reloads, as its engine lists them.
    QTRY_COMPARE(config->ledgerModel()->rowCount(),
                 int(m_session->balancers().at(1).link->status().value(u"ledger"_s).toArray().size()));
    QVERIFY(config->ledgerModel()->rowCount() > 0);
    pick->setCurrentIndex(0);
    QTRY_VERIFY(running->toPlainText().contains(listenA));
}

void TestBalancersGui::lagsWhileItsEtcdLinkIsCut()
{
    m_proxy->cut();
    QCOMPARE(put("/test/apache-8004", "127.0.1.2:8004"), QString());
    QElapsedTimer clock;
    clock.start();
    // Its engine still answers /status, with the revision from before the cut.
    QTRY_VERIFY2_WITH_TIMEOUT(state(1).health == BalancerState::Health::Lagging, qPrintable(row(1)), 5000);
    qInfo("core-b flagged lagging %lld ms after the change it missed", qint64(clock.elapsed()));
    QVERIFY2(m_model->index(1, BalancersModel::State).data(BalancersModel::FlaggedRole).toBool(),
             qPrintable(row(1)));
    QCOMPARE(m_model->index(1, BalancersModel::State).data().toString(), u"lagging"_s);
    QTRY_COMPARE(drawn(1), OverviewModel::State::Stale);
    QVERIFY2(m_overview->index(1, 0).data(OverviewModel::DetailRole).toString().contains(u"lagging: "_s),
             qPrintable(m_overview->index(1, 0).data(OverviewModel::DetailRole).toString()));
    QCOMPARE(drawn(0), OverviewModel::State::Ok);
    QTRY_COMPARE_WITH_TIMEOUT(state(0).servers, 4, 5000);
    QCOMPARE(state(0).health, BalancerState::Health::InSync);
    QCOMPARE(state(1).servers, 3);
    QVERIFY2(m_session->fleet()->summary().contains(u"core-b lagging"_s),
             qPrintable(m_session->fleet()->summary()));

    // The link comes back: the engine catches up and the flag clears.
    m_proxy->restore();
    QTRY_VERIFY2_WITH_TIMEOUT(state(1).health == BalancerState::Health::InSync && state(1).servers == 4,
                              qPrintable(row(1)), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(m_session->fleet()->allInSync(), 5000);
    QCOMPARE(m_model->index(1, BalancersModel::State).data(BalancersModel::FlaggedRole).toBool(), false);
}

void TestBalancersGui::disagreesWhenItKeepsAnOlderSet()
{
    // One server left: core-a follows, core-b (two at least) keeps what it had.
    QCOMPARE(remove("/test/apache-8002"), QString());
    QCOMPARE(remove("/test/apache-8003"), QString());
    QCOMPARE(remove("/test/apache-8004"), QString());
    QTRY_VERIFY2_WITH_TIMEOUT(state(0).health == BalancerState::Health::Disagreeing &&
                                  state(1).health == BalancerState::Health::Disagreeing,
                              qPrintable(row(0) + u"\n"_s + row(1)), 10000);
    // Both have seen the newest change under the prefix (their store revisions need not match).
    const qint64 newest = m_session->backends()->lastChangeRevision();
    QVERIFY2(state(0).revision >= newest && state(1).revision >= newest,
             qPrintable(row(0) + u"\n"_s + row(1)));
    QCOMPARE(state(0).servers, 1);
    // Its last set of two or more (the deletes may reach it in one batch or several).
    QVERIFY2(state(1).servers >= 2, qPrintable(row(1)));
    QVERIFY2(state(1).detail.contains(u"core-a serves 1"_s), qPrintable(state(1).detail));
    QCOMPARE(m_model->index(0, BalancersModel::State).data().toString(), u"disagrees"_s);
    QTRY_COMPARE(drawn(0), OverviewModel::State::Drift);
    QVERIFY(!m_session->fleet()->allInSync());

    // Two servers again: both serve them, the flags clear.
    QCOMPARE(put("/test/apache-8002", "127.0.1.2:8002"), QString());
    QTRY_VERIFY2_WITH_TIMEOUT(m_session->fleet()->allInSync() && state(0).servers == 2 &&
                                  state(1).servers == 2,
                              qPrintable(row(0) + u"\n"_s + row(1)), 10000);
}

void TestBalancersGui::unreachableIsNotLagging()
{
    QStringList lagging; // every load balancer the fleet calls lagging from here on
    const QMetaObject::Connection seen =
        connect(m_session->fleet(), &BalancerFleet::healthChanged, this,
                [&lagging](const QString& name, BalancerState::Health health, const QString&) {
                    if (health == BalancerState::Health::Lagging)
                        lagging << name;
                });
    m_engineB.stop();
    QCOMPARE(put("/test/apache-8003", "127.0.1.2:8003"), QString());
    QTRY_VERIFY2_WITH_TIMEOUT(state(1).health == BalancerState::Health::Unreachable, qPrintable(row(1)),
                              10000);
    // core-a follows the change core-b misses; core-b is never called lagging meanwhile.
    QTRY_COMPARE_WITH_TIMEOUT(state(0).servers, 3, 10000);
    QCOMPARE(state(1).health, BalancerState::Health::Unreachable);
    disconnect(seen);
    QVERIFY2(!lagging.contains(u"core-b"_s), qPrintable(lagging.join(u", "_s)));
    QCOMPARE(m_model->index(1, BalancersModel::State).data().toString(), u"unreachable"_s);
    QTRY_COMPARE(drawn(1), OverviewModel::State::Down);
    QCOMPARE(drawn(0), OverviewModel::State::Ok);
    QCOMPARE(state(0).health, BalancerState::Health::InSync);
    QVERIFY2(m_session->fleet()->summary().contains(u"core-b unreachable"_s),
             qPrintable(m_session->fleet()->summary()));
}

QTEST_MAIN(TestBalancersGui)
#include "TestBalancersGui.moc"
