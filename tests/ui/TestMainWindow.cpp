// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The window as an operator uses it, against the real test bed (etcd, nginx, an engine), with
// widgets found by object name and dialogs answered through the test hooks.
#include "core/cluster/ClusterSession.h"
#include "core/cluster/EngineLink.h"
#include "core/cluster/ProfileStore.h"
#include "core/etcd/EtcdV3Client.h"
#include "tests/engine/EngineFixture.h"
#include "tests/support/Await.h"
#include "ui/Dialogs.h"
#include "ui/HelpMenu.h"
#include "ui/MainWindow.h"
#include "ui/SecretStore.h"
#include "ui/dialogs/ProfileDialog.h"
#include "ui/models/BackendsModel.h"
#include "ui/models/UpstreamsModel.h"

#include <QDirIterator>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace Qt::StringLiterals;

namespace {

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

template<typename T>
T* child(QWidget* root, const QString& name)
{
    T* w = root->findChild<T*>(name);
    if (!w)
        qWarning("no widget named %s", qPrintable(name));
    return w;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void profilePasswordGoesToTheKeychainOnly();
    void seedBackendsAppearAndExportMatchesTheEngine();
    void shortcutsAreUniqueAndListed();

private:
    EngineFixture m_f;
    QTemporaryDir m_dir;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
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
}

void TestMainWindow::profilePasswordGoesToTheKeychainOnly()
{
    SecretStore secrets;
    ProfileDialog dialog(&secrets);
    dialog.show();
    const QString password = u"pw-%1-only-in-the-keychain"_s.arg(QDateTime::currentMSecsSinceEpoch());
    child<QLineEdit>(&dialog, u"profileName"_s)->setText(u"seed"_s);
    child<QLineEdit>(&dialog, u"etcdEndpoints"_s)->setText(m_f.etcd.clientUrl());
    QTest::keyClicks(child<QLineEdit>(&dialog, u"etcdUser"_s), u"lbdeck"_s);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"etcdPassword"_s), password);
    QSignalSpy saved(&dialog, &ProfileDialog::saved);
    QPushButton* save = nullptr;
    for (QPushButton* b : dialog.findChildren<QPushButton*>()) {
        if (b->text().contains(u"Save"_s))
            save = b;
    }
    QVERIFY(save);
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_COMPARE(saved.size(), 1);

    auto stored = await<QString>([&](QObject* ctx, Callback<QString> cb) {
        secrets.read(SecretStore::etcdPasswordKey(u"seed"_s), ctx, cb);
    });
    VERIFY_OK(stored);
    QCOMPARE(*stored, password);
    auto profile = ProfileStore().load(u"seed"_s);
    VERIFY_OK(profile);
    QCOMPARE(profile->etcd.user, u"lbdeck"_s);
    // Nothing under the config dir holds the password, in any form we can think of.
    const QString configDir = QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
    QDirIterator it(configDir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    int files = 0;
    while (it.hasNext()) {
        const QByteArray data = readFile(it.next());
        ++files;
        QVERIFY(!data.contains(password.toUtf8()));
        QVERIFY(!data.contains(password.toUtf8().toBase64()));
    }
    QVERIFY(files >= 1);
}

void TestMainWindow::seedBackendsAppearAndExportMatchesTheEngine()
{
    // The engine runs inside the app for this profile, writing the test bed's balancer config.
    const QString engineToml = m_dir.filePath(u"engine.toml"_s);
    const EngineConfig e = m_f.engineConfig();
    QFile toml(engineToml);
    QVERIFY(toml.open(QIODevice::WriteOnly));
    toml.write(
        u"[etcd]\nendpoints = [\"%1\"]\n[engine]\nstatus_listen = \"\"\n[nginx]\ndest = \"%2\"\nprefix = "
        u"\"%3\"\n"
        u"pid_file = \"%4\"\ntemp_dir = \"%5\"\nlisten = \"%6\"\nstatus_listen = \"%7\"\nuser = \"%8\"\n"_s
            .arg(m_f.etcd.clientUrl(), e.nginx.dest, e.nginx.prefix, e.nginx.pidFile, e.nginx.tempDir,
                 e.nginx.listen, e.nginx.statusListen, e.nginx.user)
            .toUtf8());
    toml.close();
    ClusterProfile profile;
    profile.name = u"seed"_s;
    profile.etcd.endpoints = {m_f.etcd.clientUrl()};
    profile.balancer().engine = BalancerProfile::Engine::Embedded;
    profile.balancer().engineConfigFile = engineToml;

    ClusterSession session(profile);
    MainWindow window;
    window.setSession(&session);
    window.show();
    session.open();

    auto* backends = child<QTableView>(&window, u"backendsView"_s);
    QVERIFY(backends);
    QTRY_COMPARE(backends->model()->rowCount(), 2);
    QCOMPARE(backends->model()->index(0, BackendsModel::Name).data().toString(), u"apache-8001"_s);
    QCOMPARE(backends->model()->index(1, BackendsModel::Address).data().toString(), u"127.0.1.2:8002"_s);
    QVERIFY(window.windowTitle().startsWith(u"seed"_s));

    auto* upstreams = child<QTableView>(&window, u"upstreamsView"_s);
    QTRY_COMPARE(upstreams->model()->rowCount(), 2);
    QTRY_VERIFY(
        upstreams->model()->index(0, UpstreamsModel::Health).data(UpstreamsModel::HealthyRole).toBool());

    auto* running = child<QPlainTextEdit>(&window, u"runningConfig"_s);
    QTRY_VERIFY(running->toPlainText().contains(u"server 127.0.1.3:8001;"_s));

    const QString exported = m_dir.filePath(u"exported-nginx.conf"_s);
    dialogs::setNextFileName(exported);
    auto* exportButton = child<QPushButton>(&window, u"exportConfigButton"_s);
    QTRY_VERIFY(exportButton->isEnabled());
    QTest::mouseClick(exportButton, Qt::LeftButton);
    QTRY_VERIFY(QFile::exists(exported));
    QCOMPARE(readFile(exported), readFile(e.nginx.dest)); // byte-identical to what the engine rendered
    QVERIFY(readFile(exported).contains("upstream backend {"));
}

void TestMainWindow::shortcutsAreUniqueAndListed()
{
    MainWindow window;
    // Every shortcut belongs to one action (the same action may sit in a menu, a toolbar and a
    // context menu); two actions on one key would make Qt fire neither.
    QHash<QString, QString> owner;
    QSet<const QAction*> seen;
    for (const QAction* a : window.findChildren<QAction*>()) {
        if (a->shortcut().isEmpty() || seen.contains(a))
            continue;
        seen.insert(a);
        const QString key = a->shortcut().toString();
        QVERIFY2(!owner.contains(key),
                 qPrintable(u"%1 is on both \"%2\" and \"%3\""_s.arg(key, owner.value(key), a->text())));
        owner.insert(key, a->text());
    }
    QVERIFY2(seen.size() >= 15, qPrintable(u"only %1 shortcuts"_s.arg(seen.size())));
    // Menu mnemonics (Alt+letter) must not collide with the tabs' either.
    QSet<QChar> mnemonics;
    auto mnemonic = [](const QString& text) {
        const qsizetype at = text.indexOf(u'&');
        return at >= 0 && at + 1 < text.size() ? text.at(at + 1).toLower() : QChar();
    };
    for (const QAction* top : window.menuBar()->actions()) {
        const QChar m = mnemonic(top->text());
        QVERIFY2(!m.isNull() && !mnemonics.contains(m), qPrintable(top->text()));
        mnemonics.insert(m);
    }
    auto* tabs = window.findChild<QTabWidget*>();
    QVERIFY(tabs);
    for (int i = 0; i < tabs->count(); ++i) {
        const QChar m = mnemonic(tabs->tabText(i));
        QVERIFY2(!mnemonics.contains(m),
                 qPrintable(u"Alt+%1: tab \"%2\" and a menu"_s.arg(m, tabs->tabText(i))));
        mnemonics.insert(m);
    }
    // Help → Keyboard shortcuts lists the main actions with their keys.
    const QString summary = shortcutSummary(&window);
    for (const QString& expected : {u"Start backend…"_s, u"Drain and stop"_s, u"Export nginx.conf…"_s,
                                    u"New cluster profile…"_s, u"Keyboard shortcuts"_s})
        QVERIFY2(summary.contains(expected), qPrintable(summary));
    QVERIFY2(summary.contains(QKeySequence(Qt::CTRL | Qt::Key_E).toString(QKeySequence::NativeText)),
             qPrintable(summary));
}

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
