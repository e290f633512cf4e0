// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Secrets go to a real keychain (gnome-keyring in a private D-Bus session) and nowhere else.
#include "tests/support/Await.h"
#include "ui/SecretStore.h"

#include <QDirIterator>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace Qt::StringLiterals;

class TestSecretStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTripAndNothingOnDisk();
    void missingEntryIsNotFound();
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

QTEST_GUILESS_MAIN(TestSecretStore)
#include "TestSecretStore.moc"
