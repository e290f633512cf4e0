// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The profile dialog as an operator fills it in: every field refuses a bad value beside itself and
// Save stays off, examples are never saved, and "Test connection" answers one line per endpoint
// against a real etcd (and things that are not there).
#include "core/cluster/ProfileStore.h"
#include "tests/testbed/EtcdServer.h"
#include "tests/testbed/TestProcess.h"
#include "ui/dialogs/BalancersEditor.h"
#include "ui/dialogs/ProfileDialog.h"

#include <QComboBox>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

template<typename T>
T* child(QWidget* root, const QString& name)
{
    T* w = root->findChild<T*>(name);
    if (!w)
        qWarning("no widget named %s", qPrintable(name));
    return w;
}

QString anExistingFile()
{
    return QCoreApplication::applicationFilePath();
}

// A dialog whose every field is valid, with one node.
void fillValid(ProfileDialog& dialog)
{
    ClusterProfile p;
    p.name = u"valid-%1"_s.arg(QDateTime::currentMSecsSinceEpoch());
    p.etcd.endpoints = {u"http://127.0.0.1:2379"_s};
    p.nodes = {{u"b"_s, u"127.0.0.1"_s, u"unix:///var/run/docker.sock"_s}};
    dialog.setProfile(p);
}

QStringList lines(QListWidget* list)
{
    QStringList out;
    for (int i = 0; i < list->count(); ++i)
        out << list->item(i)->text();
    return out;
}

// LBDECK_SHOT_DIR set: a picture of the dialog to look at (the layout is judged by eye).
void saveShot(QWidget* w, const QString& name)
{
    const QString dir = qEnvironmentVariable("LBDECK_SHOT_DIR");
    if (!dir.isEmpty() && !w->grab().save(dir + u'/' + name))
        qWarning("could not save %s", qPrintable(name));
}

// The one cell editor open in the table, once editors closed before it are gone.
QLineEdit* openEditor(QTableWidget* table)
{
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    const QList<QLineEdit*> editors = table->viewport()->findChildren<QLineEdit*>();
    return editors.size() == 1 ? editors.first() : nullptr;
}

bool allAnswered(QListWidget* list)
{
    const QStringList l = lines(list);
    return !l.isEmpty() &&
           std::all_of(l.cbegin(), l.cend(), [](const QString& s) { return !s.startsWith(u"…"_s); });
}

} // namespace

class TestProfileDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void validProfileSaves();
    void fieldRefusesBadValue_data();
    void fieldRefusesBadValue();
    void nodeRowRefusesBadValue_data();
    void nodeRowRefusesBadValue();
    void nodeValuesAccepted_data();
    void nodeValuesAccepted();
    void nodeNamesAreUnique();
    void embeddedEngineNeedsItsConfig();
    void severalLoadBalancersAreEdited();
    void addedNodeStartsEmptyAndPlaceholdersAreNotSaved();
    void nodeTableIsReadable();
    void testConnectionOneLinePerEndpoint();
    void testConnectionUsesTheTypedPassword();
    void testConnectionReadsTheEmbeddedEngineConfig();
    void closingCancelsTheTest();

private:
    QTemporaryDir m_dir;
};

void TestProfileDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void TestProfileDialog::validProfileSaves()
{
    ProfileDialog dialog(nullptr);
    dialog.show();
    fillValid(dialog);
    QVERIFY(child<QPushButton>(&dialog, u"saveProfile"_s)->isEnabled());
    for (QLabel* l : dialog.findChildren<QLabel*>()) {
        if (l->objectName().endsWith(u"Error"_s))
            QVERIFY2(!l->isVisible(), qPrintable(l->objectName() + u": "_s + l->text()));
    }
    QSignalSpy saved(&dialog, &ProfileDialog::saved);
    QTest::mouseClick(child<QPushButton>(&dialog, u"saveProfile"_s), Qt::LeftButton);
    QCOMPARE(saved.size(), 1);
    QVERIFY(ProfileStore().load(dialog.profile().name).ok());
}

void TestProfileDialog::fieldRefusesBadValue_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("errorLabel"); // where the refusal is shown
    QTest::addColumn<QString>("says");       // part of what it says

    QTest::newRow("name empty") << u"profileName"_s << u"  "_s << u"profileNameError"_s << u"name"_s;
    QTest::newRow("etcd none") << u"etcdEndpoints"_s << QString() << u"etcdEndpointsError"_s << u"at least"_s;
    QTest::newRow("etcd no scheme") << u"etcdEndpoints"_s << u"10.0.0.1:2379"_s << u"etcdEndpointsError"_s
                                    << u"http://"_s;
    QTest::newRow("etcd no port") << u"etcdEndpoints"_s << u"http://10.0.0.1"_s << u"etcdEndpointsError"_s
                                  << u"no port"_s;
    QTest::newRow("etcd ftp") << u"etcdEndpoints"_s << u"ftp://10.0.0.1:2379"_s << u"etcdEndpointsError"_s
                              << u"http://"_s;
    QTest::newRow("etcd unix") << u"etcdEndpoints"_s << u"unix:///run/etcd.sock"_s << u"etcdEndpointsError"_s
                               << u"http://"_s;
    QTest::newRow("etcd path") << u"etcdEndpoints"_s << u"http://10.0.0.1:2379/v3"_s
                               << u"etcdEndpointsError"_s << u"path"_s;
    QTest::newRow("etcd empty item") << u"etcdEndpoints"_s << u"http://a:2379,,http://b:2379"_s
                                     << u"etcdEndpointsError"_s << u"between commas"_s;
    QTest::newRow("etcd twice") << u"etcdEndpoints"_s << u"http://a:2379, http://a:2379"_s
                                << u"etcdEndpointsError"_s << u"twice"_s;
    QTest::newRow("etcd second bad") << u"etcdEndpoints"_s << u"http://a:2379, http://b"_s
                                     << u"etcdEndpointsError"_s << u"http://b"_s;
    QTest::newRow("prefix relative") << u"keyPrefix"_s << u"test/"_s << u"keyPrefixError"_s << u"'/'"_s;
    QTest::newRow("prefix space") << u"keyPrefix"_s << u"/te st/"_s << u"keyPrefixError"_s << u"spaces"_s;
    QTest::newRow("user space") << u"etcdUser"_s << u"lb deck"_s << u"etcdUserError"_s << u"spaces"_s;
    QTest::newRow("user colon") << u"etcdUser"_s << u"lb:deck"_s << u"etcdUserError"_s << u"':'"_s;
    QTest::newRow("password no user")
        << u"etcdPassword"_s << u"secret"_s << u"etcdUserError"_s << u"needs a user"_s;
    QTest::newRow("ca missing") << u"etcdCaFile"_s << u"/nonexistent/ca.pem"_s << u"etcdCaFileError"_s
                                << u"not a readable file"_s;
    QTest::newRow("ca relative") << u"etcdCaFile"_s << u"ca.pem"_s << u"etcdCaFileError"_s << u"absolute"_s;
    QTest::newRow("cert without key")
        << u"etcdCertFile"_s << anExistingFile() << u"etcdKeyFileError"_s << u"both or neither"_s;
    QTest::newRow("key missing") << u"etcdKeyFile"_s << u"/nonexistent/key.pem"_s << u"etcdKeyFileError"_s
                                 << u"not a readable file"_s;
    QTest::newRow("image empty") << u"backendImage"_s << QString() << u"backendImageError"_s << u"image"_s;
    QTest::newRow("image space") << u"backendImage"_s << u"lbdeck/backend test"_s << u"backendImageError"_s
                                 << u"spaces"_s;
    QTest::newRow("engine no scheme")
        << u"engineUrl"_s << u"127.0.0.1:9913"_s << u"engineUrlError"_s << u"http://"_s;
    QTest::newRow("engine no port") << u"engineUrl"_s << u"http://127.0.0.1"_s << u"engineUrlError"_s
                                    << u"no port"_s;
    QTest::newRow("engine unix relative")
        << u"engineUrl"_s << u"unix://run/engine.sock"_s << u"engineUrlError"_s << u"absolute"_s;
    QTest::newRow("nginx not a url") << u"nginxUrl"_s << u"nginx"_s << u"nginxUrlError"_s << u"http://"_s;
}

void TestProfileDialog::fieldRefusesBadValue()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, errorLabel);
    QFETCH(QString, says);
    ProfileDialog dialog(nullptr);
    dialog.show();
    fillValid(dialog);
    auto* edit = child<QLineEdit>(&dialog, field);
    auto* error = child<QLabel>(&dialog, errorLabel);
    auto* save = child<QPushButton>(&dialog, u"saveProfile"_s);
    QVERIFY(edit && error && save);
    QVERIFY(save->isEnabled());
    QVERIFY(!error->isVisible());
    const QString before = edit->text();

    edit->clear();
    QTest::keyClicks(edit, value);
    QCOMPARE(edit->text(), value); // refused, never corrected
    QVERIFY2(error->isVisible(), qPrintable(errorLabel));
    QVERIFY2(error->text().contains(says), qPrintable(error->text()));
    QVERIFY(!save->isEnabled());

    // Not even a direct save() gets it through.
    const QString name = dialog.profile().name;
    QSignalSpy saved(&dialog, &ProfileDialog::saved);
    dialog.save();
    QCOMPARE(saved.size(), 0);
    QVERIFY(dialog.isVisible());
    if (!name.trimmed().isEmpty())
        QVERIFY(!ProfileStore().load(name).ok());

    edit->setText(before);
    QVERIFY(!error->isVisible());
    QVERIFY(save->isEnabled());
}

void TestProfileDialog::nodeRowRefusesBadValue_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("says");

    QTest::newRow("name empty") << 0 << u" "_s << u"needs a name"_s;
    QTest::newRow("address empty") << 1 << QString() << u"missing"_s;
    QTest::newRow("address not ipv4") << 1 << u"10.0.0.300"_s << u"not an IPv4"_s;
    QTest::newRow("address bracketed") << 1 << u"[::1]"_s << u"without brackets"_s;
    QTest::newRow("address with port") << 1 << u"10.0.0.1:80"_s << u"not an IPv4"_s;
    QTest::newRow("address space") << 1 << u"node b"_s << u"host name"_s;
    QTest::newRow("address semicolon") << 1 << u"10.0.0.1;"_s << u"host name"_s;
    QTest::newRow("endpoint empty") << 2 << QString() << u"missing"_s;
    QTest::newRow("endpoint no scheme") << 2 << u"10.0.0.2:2376"_s << u"not a Docker endpoint"_s;
    QTest::newRow("endpoint http") << 2 << u"http://10.0.0.2:2375"_s << u"not a Docker endpoint"_s;
    QTest::newRow("tcp no port") << 2 << u"tcp://10.0.0.2"_s << u"no port"_s;
    QTest::newRow("tcp path") << 2 << u"tcp://10.0.0.2:2376/x"_s << u"path"_s;
    QTest::newRow("unix relative") << 2 << u"unix://docker.sock"_s << u"absolute"_s;
    QTest::newRow("unix directory") << 2 << u"unix:///var/run/"_s << u"socket file"_s;
    QTest::newRow("ssh no host") << 2 << u"ssh://core@"_s << u"host is missing"_s;
    QTest::newRow("ssh port 0") << 2 << u"ssh://core@10.0.0.2:0"_s << u"port"_s;
    QTest::newRow("ssh password") << 2 << u"ssh://core:pw@10.0.0.2"_s << u"password"_s;
    QTest::newRow("ssh option") << 2 << u"ssh://-oProxyCommand=x"_s << u"not a host name"_s;
    QTest::newRow("ssh relative socket") << 2 << u"ssh://core@10.0.0.2/../x"_s << u"socket path"_s;
}

void TestProfileDialog::nodeRowRefusesBadValue()
{
    QFETCH(int, column);
    QFETCH(QString, value);
    QFETCH(QString, says);
    ProfileDialog dialog(nullptr);
    dialog.show();
    fillValid(dialog);
    auto* table = child<QTableWidget>(&dialog, u"nodesTable"_s);
    auto* error = child<QLabel>(&dialog, u"nodesError"_s);
    auto* save = child<QPushButton>(&dialog, u"saveProfile"_s);
    QVERIFY(table && error && save);
    QVERIFY(save->isEnabled());
    QVERIFY(!error->isVisible());

    table->item(0, column)->setText(value);
    QCOMPARE(table->item(0, column)->text(), value);
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().startsWith(u"Row 1:"_s), qPrintable(error->text()));
    QVERIFY2(error->text().contains(says), qPrintable(error->text()));
    QVERIFY2(table->item(0, column)->toolTip().contains(says), qPrintable(table->item(0, column)->toolTip()));
    QVERIFY(!save->isEnabled());
    QSignalSpy saved(&dialog, &ProfileDialog::saved);
    dialog.save();
    QCOMPARE(saved.size(), 0);
    QVERIFY(!ProfileStore().load(dialog.profile().name).ok());
}

void TestProfileDialog::nodeValuesAccepted_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("value");

    QTest::newRow("ipv6") << 1 << u"::1"_s;
    QTest::newRow("ipv6 long") << 1 << u"fd00::2"_s;
    QTest::newRow("host name") << 1 << u"node-b.local"_s;
    QTest::newRow("ssh plain") << 2 << u"ssh://core@10.0.0.2"_s;
    QTest::newRow("ssh alias") << 2 << u"ssh://node-b"_s;
    QTest::newRow("ssh port socket") << 2 << u"ssh://core@10.0.0.2:2222/run/user/1000/docker.sock"_s;
    QTest::newRow("ssh ipv6") << 2 << u"ssh://core@[fd00::2]:22"_s;
    QTest::newRow("tcp") << 2 << u"tcp://10.0.0.2:2376"_s;
    QTest::newRow("unix") << 2 << u"unix:///run/docker.sock"_s;
}

void TestProfileDialog::nodeValuesAccepted()
{
    QFETCH(int, column);
    QFETCH(QString, value);
    ProfileDialog dialog(nullptr);
    dialog.show();
    fillValid(dialog);
    auto* table = child<QTableWidget>(&dialog, u"nodesTable"_s);
    table->item(0, column)->setText(value);
    QVERIFY2(!child<QLabel>(&dialog, u"nodesError"_s)->isVisible(),
             qPrintable(child<QLabel>(&dialog, u"nodesError"_s)->text()));
    QVERIFY(child<QPushButton>(&dialog, u"saveProfile"_s)->isEnabled());
    QCOMPARE(column == 1 ? dialog.profile().nodes.at(0).publishAddress
                         : dialog.profile().nodes.at(0).dockerEndpoint,
             value);
}

void TestProfileDialog::nodeNamesAreUnique()
{
    ProfileDialog dialog(nullptr);
    dialog.show();
    fillValid(dialog);
    QTest::mouseClick(child<QPushButton>(&dialog, u"addNodeButton"_s), Qt::LeftButton);
    auto* table = child<QTableWidget>(&dialog, u"nodesTable"_s);
    QCOMPARE(table->rowCount(), 2);
    table->item(1, 0)->setText(u"b"_s);
    table->item(1, 1)->setText(u"127.0.0.2"_s);
    table->item(1, 2)->setText(u"unix:///run/other.sock"_s);
    auto* error = child<QLabel>(&dialog, u"nodesError"_s);
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(u"Row 2: another node is named \"b\""_s), qPrintable(error->text()));
    QVERIFY(!child<QPushButton>(&dialog, u"saveProfile"_s)->isEnabled());
    table->item(1, 0)->setText(u"c"_s);
    QVERIFY(!error->isVisible());
    QVERIFY(child<QPushButton>(&dialog, u"saveProfile"_s)->isEnabled());
    // Removing the selected row removes that node.
    table->setCurrentCell(0, 0);
    QTest::mouseClick(child<QPushButton>(&dialog, u"removeNodeButton"_s), Qt::LeftButton);
    QCOMPARE(dialog.profile().nodes.size(), 1);
    QCOMPARE(dialog.profile().nodes.at(0).name, u"c"_s);
}

void TestProfileDialog::severalLoadBalancersAreEdited()
{
    ProfileDialog dialog(nullptr);
    dialog.show();
    fillValid(dialog);
    auto* save = child<QPushButton>(&dialog, u"saveProfile"_s);
    auto* error = child<QLabel>(&dialog, u"balancersError"_s);
    QVERIFY(save->isEnabled());
    QTest::mouseClick(child<QPushButton>(&dialog, u"addBalancerButton"_s), Qt::LeftButton);
    auto* table = child<QTableWidget>(&dialog, u"balancersTable"_s);
    QCOMPARE(table->rowCount(), 1);
    table->item(0, BalancersEditor::Name)->setText(u"core-b"_s);
    table->item(0, BalancersEditor::EngineStatusUrl)->setText(u"http://127.0.0.1:9913"_s);
    table->item(0, BalancersEditor::EngineSsh)->setText(u"ssh://core@127.0.1.2"_s);
    table->item(0, BalancersEditor::NginxUrl)->setText(u"http://127.0.1.2:80"_s);
    // The first one, in the form, has no name yet: with two, each needs one.
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(u"needs a name"_s), qPrintable(error->text()));
    QVERIFY(!save->isEnabled());
    child<QLineEdit>(&dialog, u"balancerName"_s)->setText(u"core-b"_s);
    QVERIFY2(error->text().contains(u"Two load balancers are named \"core-b\""_s), qPrintable(error->text()));
    QVERIFY(!save->isEnabled());
    child<QLineEdit>(&dialog, u"balancerName"_s)->setText(u"core-a"_s);
    QVERIFY(!error->isVisible());
    QVERIFY(save->isEnabled());
    const QList<BalancerProfile> lbs = dialog.profile().balancers;
    QCOMPARE(lbs.size(), 2);
    QCOMPARE(lbs[0].name, u"core-a"_s);
    QCOMPARE(lbs[1].name, u"core-b"_s);
    QCOMPARE(lbs[1].engine, BalancerProfile::Engine::Remote);
    QCOMPARE(lbs[1].engineStatusUrl, u"http://127.0.0.1:9913"_s);
    QCOMPARE(lbs[1].engineSsh, u"ssh://core@127.0.1.2"_s);
    QCOMPARE(lbs[1].nginxUrl, u"http://127.0.1.2:80"_s);
    // A bad SSH destination is named, and refused.
    table->item(0, BalancersEditor::EngineSsh)->setText(u"ftp://x"_s);
    QVERIFY(error->isVisible());
    QVERIFY(error->text().contains(u"load balancer core-b"_s));
    QVERIFY(!save->isEnabled());
    table->item(0, BalancersEditor::EngineSsh)->setText(QString());
    QVERIFY(save->isEnabled());

    // Saved and opened again: the same list, in order.
    QSignalSpy saved(&dialog, &ProfileDialog::saved);
    QTest::mouseClick(save, Qt::LeftButton);
    QCOMPARE(saved.size(), 1);
    Result<ClusterProfile> stored = ProfileStore().load(dialog.profile().name);
    QVERIFY(stored.ok());
    QCOMPARE(stored->balancers, dialog.profile().balancers);
    ProfileDialog again(nullptr);
    again.setProfile(*stored);
    QCOMPARE(child<QTableWidget>(&again, u"balancersTable"_s)->rowCount(), 1);
    QCOMPARE(again.profile().balancers, stored->balancers);

    // Removed: one load balancer again.
    table->setCurrentCell(0, 0);
    QTest::mouseClick(child<QPushButton>(&dialog, u"removeBalancerButton"_s), Qt::LeftButton);
    QCOMPARE(dialog.profile().balancers.size(), 1);
    QCOMPARE(dialog.profile().balancers[0].name, u"core-a"_s);
}

void TestProfileDialog::embeddedEngineNeedsItsConfig()
{
    ProfileDialog dialog(nullptr);
    dialog.show();
    fillValid(dialog);
    auto* mode = child<QComboBox>(&dialog, u"engineMode"_s);
    auto* error = child<QLabel>(&dialog, u"engineConfigError"_s);
    auto* config = child<QLineEdit>(&dialog, u"engineConfig"_s);
    mode->setCurrentIndex(mode->findData(u"embedded"_s));
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(u"config file"_s), qPrintable(error->text()));
    QVERIFY(!child<QPushButton>(&dialog, u"saveProfile"_s)->isEnabled());
    config->setText(m_dir.filePath(u"no-such-engine.toml"_s));
    QVERIFY2(error->text().contains(u"not a readable file"_s), qPrintable(error->text()));
    config->setText(anExistingFile());
    QVERIFY(!error->isVisible());
    QVERIFY(child<QPushButton>(&dialog, u"saveProfile"_s)->isEnabled());
}

void TestProfileDialog::addedNodeStartsEmptyAndPlaceholdersAreNotSaved()
{
    ProfileDialog dialog(nullptr);
    dialog.show();
    ClusterProfile p;
    p.name = u"placeholders"_s;
    p.etcd.endpoints = {u"http://127.0.0.1:2379"_s};
    dialog.setProfile(p);
    QVERIFY(child<QPushButton>(&dialog, u"saveProfile"_s)->isEnabled());

    QTest::mouseClick(child<QPushButton>(&dialog, u"addNodeButton"_s), Qt::LeftButton);
    auto* table = child<QTableWidget>(&dialog, u"nodesTable"_s);
    QCOMPARE(table->rowCount(), 1);
    for (int c = 0; c < table->columnCount(); ++c)
        QCOMPARE(table->item(0, c)->text(), QString());
    // The new row is invalid until filled in, and the examples do not count as values.
    QVERIFY(!child<QPushButton>(&dialog, u"saveProfile"_s)->isEnabled());
    QVERIFY(child<QLabel>(&dialog, u"nodesError"_s)->isVisible());
    QCOMPARE(dialog.profile().nodes.at(0), NodeProfile());

    // Add node opens the name's editor: the example is its placeholder, not its text. Tab moves on.
    const QStringList typed{u"b"_s, u"127.0.0.1"_s, u"unix:///run/docker.sock"_s};
    for (int c = 0; c < table->columnCount(); ++c) {
        QLineEdit* editor = openEditor(table);
        QVERIFY(editor);
        QCOMPARE(table->currentColumn(), c);
        QVERIFY(!editor->placeholderText().isEmpty());
        QCOMPARE(editor->text(), QString());
        QTest::keyClicks(editor, typed.at(c));
        QTest::keyClick(editor, c + 1 < table->columnCount() ? Qt::Key_Tab : Qt::Key_Return);
    }
    for (int c = 0; c < table->columnCount(); ++c)
        QTRY_COMPARE(table->item(0, c)->text(), typed.at(c)); // Return commits on the next event loop pass

    QSignalSpy saved(&dialog, &ProfileDialog::saved);
    QTest::mouseClick(child<QPushButton>(&dialog, u"saveProfile"_s), Qt::LeftButton);
    QCOMPARE(saved.size(), 1);
    Result<ClusterProfile> stored = ProfileStore().load(u"placeholders"_s);
    QVERIFY(stored.ok());
    QCOMPARE(stored->nodes, (QList<NodeProfile>{{u"b"_s, u"127.0.0.1"_s, u"unix:///run/docker.sock"_s}}));
    // Optional fields left empty stay empty: their placeholders are not values.
    QCOMPARE(stored->balancer().engineStatusUrl, QString());
    QCOMPARE(stored->balancer().nginxUrl, QString());
    QCOMPARE(stored->etcd.tls.caFile, QString());
    QCOMPARE(stored->etcd.user, QString());
    const QByteArray json = QJsonDocument(stored->toJson()).toJson();
    for (QLineEdit* e : dialog.findChildren<QLineEdit*>()) {
        if (!e->placeholderText().isEmpty() && e->text().isEmpty())
            QVERIFY2(!json.contains(e->placeholderText().toUtf8()), qPrintable(e->placeholderText()));
    }
    QVERIFY(!json.contains("ssh://user@host"));
    QVERIFY(!json.contains("ssh://core@10.0.0.2"));
}

void TestProfileDialog::nodeTableIsReadable()
{
    ProfileDialog dialog(nullptr);
    dialog.resize(1100, 760);
    dialog.show();
    ClusterProfile p;
    p.name = u"seed"_s;
    p.etcd.endpoints = {u"http://127.0.0.1:2379"_s};
    p.nodes = {{u"node-b"_s, u"10.0.0.2"_s, u"ssh://core@10.0.0.2"_s},
               {u"node-c"_s, u"10.0.0.3"_s, u"ssh://core@10.0.0.3:2222/run/docker.sock"_s}};
    dialog.setProfile(p);
    QTest::mouseClick(child<QPushButton>(&dialog, u"addNodeButton"_s), Qt::LeftButton);
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto* table = child<QTableWidget>(&dialog, u"nodesTable"_s);
    QStringList headers;
    for (int c = 0; c < table->columnCount(); ++c)
        headers << table->horizontalHeaderItem(c)->text();
    QCOMPARE(headers, (QStringList{u"Node"_s, u"Publish address"_s, u"Docker endpoint"_s}));
    QVERIFY(table->horizontalHeader()->isVisible());
    QVERIFY(table->rowHeight(0) >= table->fontMetrics().height() + 8);
    // Every column wide enough for its header, and the endpoints for what they hold.
    for (int c = 0; c < table->columnCount(); ++c)
        QVERIFY(table->columnWidth(c) >= table->fontMetrics().horizontalAdvance(headers.at(c)));
    QVERIFY(table->columnWidth(2) >=
            table->fontMetrics().horizontalAdvance(u"ssh://core@10.0.0.3:2222/run/docker.sock"_s));
    saveShot(&dialog, u"profile-dialog-nodes.png"_s);
}

void TestProfileDialog::testConnectionOneLinePerEndpoint()
{
    EtcdServer etcd;
    QCOMPARE(etcd.start(), QString());
    const QString deadEtcd = u"http://127.0.0.1:%1"_s.arg(freePort());
    const QString deadEngine = u"http://127.0.0.1:%1"_s.arg(freePort());
    const QString missingSocket = m_dir.filePath(u"no-docker-here.sock"_s);
    const QString notASocket = m_dir.filePath(u"not-a-socket"_s); // reached through NodeConnection
    QFile file(notASocket);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();

    ProfileDialog dialog(nullptr);
    dialog.resize(1100, 800);
    dialog.show();
    ClusterProfile p;
    p.name = u"tested-not-saved"_s;
    p.etcd.endpoints = {etcd.clientUrl(), deadEtcd};
    p.nodes = {{u"b"_s, u"127.0.0.1"_s, u"unix://"_s + missingSocket},
               {u"c"_s, u"127.0.0.2"_s, u"unix://"_s + notASocket}};
    p.balancer().engineStatusUrl = deadEngine;
    dialog.setProfile(p);
    auto* results = child<QListWidget>(&dialog, u"testResults"_s);
    QVERIFY(results);
    QTest::mouseClick(child<QPushButton>(&dialog, u"testConnection"_s), Qt::LeftButton);
    QCOMPARE(results->count(), 5); // listed at once, answered as they come
    QTRY_VERIFY_WITH_TIMEOUT(allAnswered(results), 20000);
    const QStringList l = lines(results);
    QCOMPARE(l.size(), 5);
    QVERIFY2(l.at(0).startsWith(u"✔"_s) && l.at(0).contains(etcd.clientUrl()) &&
                 l.at(0).contains(u"member"_s),
             qPrintable(l.at(0)));
    QVERIFY2(l.at(1).startsWith(u"✘"_s) && l.at(1).contains(deadEtcd) &&
                 l.at(1).contains(u"refused"_s, Qt::CaseInsensitive),
             qPrintable(l.at(1)));
    QVERIFY2(l.at(2).startsWith(u"✘"_s) && l.at(2).contains(u"node b"_s) &&
                 l.at(2).contains(u"no socket at "_s + missingSocket),
             qPrintable(l.at(2)));
    QVERIFY2(l.at(3).startsWith(u"✘"_s) && l.at(3).contains(u"node c"_s) &&
                 l.at(3).contains(u"cannot connect"_s),
             qPrintable(l.at(3)));
    QVERIFY2(l.at(4).startsWith(u"✘"_s) && l.at(4).contains(deadEngine) &&
                 l.at(4).contains(u"refused"_s, Qt::CaseInsensitive),
             qPrintable(l.at(4)));
    for (const QString& line : l)
        QVERIFY2(line.contains(QRegularExpression(u"\\(\\d+ ms\\)"_s)), qPrintable(line));
    saveShot(&dialog, u"profile-dialog-test.png"_s);
    // A test is not a save.
    QVERIFY(!ProfileStore().load(u"tested-not-saved"_s).ok());

    // The values as they stand, unsaved: the dead endpoint removed, the test runs again.
    child<QLineEdit>(&dialog, u"etcdEndpoints"_s)->setText(etcd.clientUrl());
    QTest::mouseClick(child<QPushButton>(&dialog, u"testConnection"_s), Qt::LeftButton);
    QCOMPARE(results->count(), 4);
    QTRY_VERIFY_WITH_TIMEOUT(allAnswered(results), 20000);
    QVERIFY(lines(results).at(0).startsWith(u"✔"_s));
}

void TestProfileDialog::testConnectionUsesTheTypedPassword()
{
    EtcdServer::Options options;
    options.auth = true;
    EtcdServer etcd(options);
    QCOMPARE(etcd.start(), QString());
    ProfileDialog dialog(nullptr);
    dialog.show();
    ClusterProfile p;
    p.name = u"auth"_s;
    p.etcd.endpoints = {etcd.clientUrl()};
    p.etcd.user = u"lbdeck"_s;
    dialog.setProfile(p);
    auto* results = child<QListWidget>(&dialog, u"testResults"_s);
    auto* password = child<QLineEdit>(&dialog, u"etcdPassword"_s);

    password->setText(u"wrong-password"_s);
    QTest::mouseClick(child<QPushButton>(&dialog, u"testConnection"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(allAnswered(results), 20000);
    QCOMPARE(results->count(), 1);
    QVERIFY2(results->item(0)->text().startsWith(u"✘"_s), qPrintable(results->item(0)->text()));
    QVERIFY(!results->item(0)->text().contains(u"wrong-password"_s));

    password->setText(options.authPassword);
    QTest::mouseClick(child<QPushButton>(&dialog, u"testConnection"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(allAnswered(results), 20000);
    QVERIFY2(results->item(0)->text().startsWith(u"✔"_s), qPrintable(results->item(0)->text()));
    QVERIFY(!results->item(0)->text().contains(options.authPassword));
}

void TestProfileDialog::testConnectionReadsTheEmbeddedEngineConfig()
{
    const QString good = m_dir.filePath(u"engine.toml"_s);
    const QString bad = m_dir.filePath(u"broken.toml"_s);
    const QString dest = m_dir.filePath(u"nginx.conf"_s);
    QFile g(good);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write(u"[nginx]\ndest = \"%1\"\n"_s.arg(dest).toUtf8());
    g.close();
    QFile b(bad);
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write("[engine]\nquiet_ms = \"soon\"\n");
    b.close();

    ProfileDialog dialog(nullptr);
    dialog.show();
    ClusterProfile p;
    p.name = u"embedded"_s;
    p.etcd.endpoints = {u"http://127.0.0.1:%1"_s.arg(freePort())};
    p.balancer().engine = BalancerProfile::Engine::Embedded;
    p.balancer().engineConfigFile = good;
    dialog.setProfile(p);
    auto* results = child<QListWidget>(&dialog, u"testResults"_s);
    QTest::mouseClick(child<QPushButton>(&dialog, u"testConnection"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(allAnswered(results), 20000);
    QCOMPARE(results->count(), 2);
    QVERIFY2(results->item(0)->text().startsWith(u"✘"_s), qPrintable(results->item(0)->text()));
    QVERIFY2(results->item(1)->text().startsWith(u"✔"_s) && results->item(1)->text().contains(dest),
             qPrintable(results->item(1)->text()));

    child<QLineEdit>(&dialog, u"engineConfig"_s)->setText(bad);
    QTest::mouseClick(child<QPushButton>(&dialog, u"testConnection"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(allAnswered(results), 20000);
    QVERIFY2(results->item(1)->text().startsWith(u"✘"_s) && results->item(1)->text().contains(u"quiet_ms"_s),
             qPrintable(results->item(1)->text()));
}

void TestProfileDialog::closingCancelsTheTest()
{
    // A listener that accepts and never answers: the etcd check waits for its deadline.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    auto dialog = std::make_unique<ProfileDialog>(nullptr);
    dialog->show();
    ClusterProfile p;
    p.name = u"closing"_s;
    p.etcd.endpoints = {u"http://127.0.0.1:%1"_s.arg(silent.serverPort())};
    dialog->setProfile(p);
    auto* results = child<QListWidget>(dialog.get(), u"testResults"_s);
    QTest::mouseClick(child<QPushButton>(dialog.get(), u"testConnection"_s), Qt::LeftButton);
    QVERIFY(QTest::qWaitFor([&] { return silent.hasPendingConnections(); }, 5000));
    QTcpSocket* peer = silent.nextPendingConnection();
    QCOMPARE(results->count(), 1);
    QVERIFY(results->item(0)->text().startsWith(u"…"_s));
    dialog->reject();
    QVERIFY(!dialog->isVisible());
    // The request is aborted at once (its deadline is 10 s away), and nothing answers later.
    QTRY_COMPARE_WITH_TIMEOUT(peer->state(), QAbstractSocket::UnconnectedState, 3000);
    QVERIFY(results->item(0)->text().startsWith(u"…"_s));
    dialog.reset();
}

QTEST_MAIN(TestProfileDialog)
#include "TestProfileDialog.moc"
