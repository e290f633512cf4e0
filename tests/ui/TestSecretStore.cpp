// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Secrets go to a real keychain (gnome-keyring in a private D-Bus session) and nowhere else; a
// keychain that does not answer, or is not there, is an answer within the timeout.
//
// D-Bus and libsecret keep their session-bus connection for the life of a process, so the cases
// that need another bus run this binary again as a child (LBDECK_SECRET_STORE_PROBE): one read,
// reported as JSON.
#include "tests/support/Await.h"
#include "ui/SecretStore.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <cstdio>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace Qt::StringLiterals;

namespace {

constexpr const char* ProbeVariable = "LBDECK_SECRET_STORE_PROBE";

// The child: one read through the real SecretStore, a 100 ms ticker to show the event loop kept
// running meanwhile; prints {"ms", "returnedMs", "ticks", "code", "message"}.
int probeMain(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    SecretStore store(u"lbdeck-test"_s);
    int ticks = 0;
    QTimer ticker;
    ticker.setInterval(100);
    QObject::connect(&ticker, &QTimer::timeout, &app, [&ticks] { ++ticks; });
    ticker.start();
    QElapsedTimer clock;
    clock.start();
    QJsonObject out;
    store.read(u"probe/never-written"_s, &app, [&](const Result<QString>& r) {
        out[u"ms"_s] = double(clock.elapsed());
        out[u"ticks"_s] = ticks;
        out[u"code"_s] = r.ok() ? u"ok"_s : errorCodeName(r.error().code);
        out[u"message"_s] = r.ok() ? QString() : r.error().message;
        app.quit();
    });
    out[u"returnedMs"_s] = double(clock.elapsed());
    QTimer::singleShot(30000, &app, [&app] { app.exit(3); }); // never answered at all
    const int code = app.exec();
    const QByteArray json = QJsonDocument(out).toJson(QJsonDocument::Compact);
    std::fwrite(json.constData(), 1, std::size_t(json.size()), stdout);
    return code;
}

// Runs the probe with env changed as given (an empty value unsets); its JSON, or {"failed": why}.
QJsonObject probe(const QMap<QString, QString>& env)
{
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(QString::fromLatin1(ProbeVariable), u"1"_s);
    for (auto it = env.cbegin(); it != env.cend(); ++it) {
        if (it->isEmpty())
            e.remove(it.key());
        else
            e.insert(it.key(), *it);
    }
    p.setProcessEnvironment(e);
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(QCoreApplication::applicationFilePath(), {});
    // The parent's event loop runs meanwhile (a bus served by this process must be able to answer).
    if (!p.waitForStarted() || !QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 40000)) {
        p.kill();
        p.waitForFinished();
        return {{u"failed"_s, u"probe did not finish"_s}};
    }
    if (p.exitCode() != 0)
        return {{u"failed"_s, u"probe exited %1"_s.arg(p.exitCode())}};
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

// The pid of whatever owns org.freedesktop.secrets on this session bus: the test bed's keyring.
qint64 keyringPid()
{
    QProcess p;
    p.start(u"dbus-send"_s,
            {u"--session"_s, u"--print-reply"_s, u"--dest=org.freedesktop.DBus"_s, u"/org/freedesktop/DBus"_s,
             u"org.freedesktop.DBus.GetConnectionUnixProcessID"_s, u"string:org.freedesktop.secrets"_s});
    if (!p.waitForFinished(10000) || p.exitCode() != 0)
        return 0;
    const QByteArray out = p.readAllStandardOutput();
    const qsizetype at = out.indexOf("uint32 ");
    return at < 0 ? 0 : out.mid(at + 7).trimmed().toLongLong();
}

const QString Remedy =
    u" — install and unlock gnome-keyring (or another Secret Service, such as KeePassXC's), "
    u"or start lbdeck inside a desktop session; lbdeck keeps secrets only in the keychain"_s;

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTripAndNothingOnDisk();
    void missingEntryIsNotFound();
    void missingBusGivesTheClearMessage_data();
    void missingBusGivesTheClearMessage();
    void busThatNeverAnswersTimesOut();
    void busWithoutSecretServiceSaysSo();
    void stoppedKeyringTimesOutThenRecovers();
};

void TestSecretStore::roundTripAndNothingOnDisk()
{
    SecretStore store(u"lbdeck-test"_s);
    const QString secret = u"s3cret-%1"_s.arg(QDateTime::currentMSecsSinceEpoch());
    const QString key = SecretStore::etcdPasswordKey(u"seed"_s);
    VERIFY_OK(await<void>([&](QObject* ctx, Callback<void> cb) { store.write(key, secret, ctx, cb); }));
    auto back = await<QString>([&](QObject* ctx, Callback<QString> cb) { store.read(key, ctx, cb); });
    VERIFY_OK(back);
    QCOMPARE(*back, secret);
    // The keyring stores it encrypted: the plaintext appears in no file under HOME.
    QDirIterator it(QDir::homePath(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    int files = 0;
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly)) {
            ++files;
            QVERIFY2(!f.readAll().contains(secret.toUtf8()), qPrintable(f.fileName()));
        }
    }
    QVERIFY(files > 0); // the keyring file itself is there
    VERIFY_OK(await<void>([&](QObject* ctx, Callback<void> cb) { store.remove(key, ctx, cb); }));
    auto gone = await<QString>([&](QObject* ctx, Callback<QString> cb) { store.read(key, ctx, cb); });
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().code, ErrorCode::NotFound);
}

void TestSecretStore::missingEntryIsNotFound()
{
    SecretStore store(u"lbdeck-test"_s);
    auto r =
        await<QString>([&](QObject* ctx, Callback<QString> cb) { store.read(u"never/written"_s, ctx, cb); });
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::NotFound);
    QVERIFY(r.error().where.contains(u"never/written"_s));
}

void TestSecretStore::missingBusGivesTheClearMessage_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("message");
    QTest::newRow("unset")
        << QString()
        << u"No keychain: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set and there "
           u"is no %1/bus)"_s +
               Remedy;
    QTest::newRow("nonexistent socket") << u"unix:path=%1/nowhere/bus"_s
                                        << u"No keychain: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS "
                                           u"names %1/nowhere/bus, which does not "
                                           u"exist)"_s +
                                               Remedy;
}

void TestSecretStore::missingBusGivesTheClearMessage()
{
    QFETCH(QString, address);
    QFETCH(QString, message);
    QTemporaryDir runtime; // an XDG_RUNTIME_DIR without a bus in it
    QVERIFY(runtime.isValid());
    const QJsonObject r =
        probe({{u"DBUS_SESSION_BUS_ADDRESS"_s, address.isEmpty() ? address : address.arg(runtime.path())},
               {u"XDG_RUNTIME_DIR"_s, runtime.path()}});
    QVERIFY2(!r.contains(u"failed"_s), qPrintable(r[u"failed"_s].toString()));
    QCOMPARE(r[u"code"_s].toString(), errorCodeName(ErrorCode::Unavailable));
    QCOMPARE(r[u"message"_s].toString(), message.arg(runtime.path()));
    QVERIFY2(r[u"ms"_s].toDouble() < 1000, qPrintable(QString::number(r[u"ms"_s].toDouble())));
}

void TestSecretStore::busThatNeverAnswersTimesOut()
{
    // A socket that takes connections and never says a word: D-Bus's handshake waits forever.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QLocalServer silent;
    QVERIFY(silent.listen(dir.filePath(u"bus"_s)));
    const QJsonObject r = probe({{u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path="_s + dir.filePath(u"bus"_s)}});
    QVERIFY2(!r.contains(u"failed"_s), qPrintable(r[u"failed"_s].toString()));
    QCOMPARE(r[u"code"_s].toString(), errorCodeName(ErrorCode::Timeout));
    QVERIFY2(r[u"message"_s].toString().startsWith(
                 u"No keychain answer within 5 s: the Secret Service on the D-Bus session bus does not "
                 u"respond (gnome-keyring hung, or waiting for an unlock prompt)"_s),
             qPrintable(r[u"message"_s].toString()));
    const double ms = r[u"ms"_s].toDouble();
    QVERIFY2(ms >= 4900 && ms < 9000, qPrintable(QString::number(ms)));
    QVERIFY2(r[u"returnedMs"_s].toDouble() < 200, "the call blocked its caller"); // asynchronous
    QVERIFY2(r[u"ticks"_s].toInt() >= 40, "the event loop stalled while waiting");
    QVERIFY(silent.hasPendingConnections() || silent.nextPendingConnection()); // it did try this bus
    qInfo("silent bus: answered after %.0f ms, %d ticks of 100 ms meanwhile", ms, r[u"ticks"_s].toInt());
}

void TestSecretStore::busWithoutSecretServiceSaysSo()
{
    // A real session bus where nothing owns org.freedesktop.secrets and nothing can be activated.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile config(dir.filePath(u"bus.conf"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=)" +
                 dir.filePath(u"bus"_s).toUtf8() + R"(</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)");
    config.close();
    QProcess bus;
    bus.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    bus.start(u"dbus-daemon"_s,
              {u"--nofork"_s, u"--config-file="_s + config.fileName(), u"--print-address=1"_s});
    const auto stopBus = qScopeGuard([&] {
        bus.terminate();
        bus.waitForFinished(5000);
    });
    QVERIFY(bus.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(bus.canReadLine() || bus.state() != QProcess::Running, 10000);
    const QString address = QString::fromUtf8(bus.readLine().trimmed());
    QVERIFY2(address.startsWith(u"unix:path="_s), qPrintable(address));
    const QJsonObject r = probe({{u"DBUS_SESSION_BUS_ADDRESS"_s, address}});
    QVERIFY2(!r.contains(u"failed"_s), qPrintable(r[u"failed"_s].toString()));
    QCOMPARE(r[u"code"_s].toString(), errorCodeName(ErrorCode::Unavailable));
    QVERIFY2(r[u"message"_s].toString().startsWith(
                 u"No keychain: nothing provides the Secret Service (org.freedesktop.secrets) on the D-Bus "
                 u"session bus"_s),
             qPrintable(r[u"message"_s].toString()));
    QVERIFY(r[u"message"_s].toString().endsWith(Remedy));
    QVERIFY(r[u"ms"_s].toDouble() < 4900); // an answer, not the timeout
    qInfo("no Secret Service: %s", qPrintable(r[u"message"_s].toString()));
}

void TestSecretStore::stoppedKeyringTimesOutThenRecovers()
{
    SecretStore store(u"lbdeck-test"_s);
    const QString key = SecretStore::etcdPasswordKey(u"frozen"_s);
    VERIFY_OK(await<void>([&](QObject* ctx, Callback<void> cb) { store.write(key, u"before"_s, ctx, cb); }));
    const qint64 pid = keyringPid();
    QVERIFY2(pid > 1, "no process owns org.freedesktop.secrets on the test's session bus");
    QCOMPARE(::kill(pid_t(pid), SIGSTOP), 0);
    auto resume = qScopeGuard([pid] { ::kill(pid_t(pid), SIGCONT); });
    QElapsedTimer clock;
    clock.start();
    int ticks = 0;
    QTimer ticker;
    ticker.setInterval(100);
    connect(&ticker, &QTimer::timeout, this, [&ticks] { ++ticks; });
    ticker.start();
    auto r = await<QString>([&](QObject* ctx, Callback<QString> cb) { store.read(key, ctx, cb); }, 20000);
    const qint64 ms = clock.elapsed();
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Timeout);
    QVERIFY2(r.error().message.startsWith(u"No keychain answer within 5 s"_s), qPrintable(r.error().message));
    QVERIFY(r.error().where.contains(key));
    QVERIFY2(ms >= 4900 && ms < 9000, qPrintable(QString::number(ms)));
    QVERIFY2(ticks >= 10, qPrintable(QString::number(ticks)));
    qInfo("stopped keyring: answered after %lld ms", ms);

    resume.dismiss();
    QCOMPARE(::kill(pid_t(pid), SIGCONT), 0);
    // Awake again: the keychain answers, with what was stored before.
    auto back = await<QString>([&](QObject* ctx, Callback<QString> cb) { store.read(key, ctx, cb); });
    VERIFY_OK(back);
    QCOMPARE(*back, u"before"_s);
    VERIFY_OK(await<void>([&](QObject* ctx, Callback<void> cb) { store.remove(key, ctx, cb); }));
}

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsSet(ProbeVariable))
        return probeMain(argc, argv);
    QCoreApplication app(argc, argv);
    TestSecretStore test;
    return QTest::qExec(&test, argc, argv);
}
#include "TestSecretStore.moc"
