// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/confd/EnvBackend.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace lbdeck;
using namespace lbdeck::confd;
using namespace Qt::StringLiterals;

namespace {

QString dump(const KeyValues& values)
{
    QString out;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        out += QString::fromUtf8(it.key() + '=' + it.value()) + u'\n';
    return out;
}

KeyValues kv(std::initializer_list<std::pair<QByteArray, QByteArray>> pairs)
{
    KeyValues m;
    for (const auto& [k, v] : pairs)
        m.insert(k, v);
    return m;
}

std::optional<Result<KeyValues>> fetch(Backend& backend, const QList<QByteArray>& keys)
{
    QObject context;
    std::optional<Result<KeyValues>> result;
    backend.getValues(keys, &context, [&result](const Result<KeyValues>& r) { result = r; });
    if (result) {
        qWarning("answered from inside getValues()");
        return std::nullopt;
    }
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, 5000))
        qWarning("no answer within 5 s");
    return result;
}

} // namespace

class TestEnvBackend : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void values_data();
    void values();
    void readsTheEnvironmentWhenAsked();
    void neverChanges();
    void destroyedContextOrBackendMeansNoCallback();
};

void TestEnvBackend::initTestCase()
{
    qputenv("LBDECKT_DATABASE_HOST", "db.example");
    qputenv("LBDECKT_DATABASE_HOSTNAME", "prefix-match");
    qputenv("LBDECKT_DATABASE_PORT", "5432");
    qputenv("LBDECKT_EMPTY", "");
    qputenv("LBDECKT_EQUALS", "a=b=c");
    qputenv("LBDECKT_MULTI", "line1\nline2");
    qputenv("LBDECKT_UTF8", "été");
    qputenv("LBDECKTX", "other");
}

void TestEnvBackend::values_data()
{
    QTest::addColumn<QList<QByteArray>>("keys");
    QTest::addColumn<KeyValues>("expected");
    QTest::newRow("one key, its prefix matches")
        << QList<QByteArray>{"/lbdeckt/database/host"}
        << kv({{"/lbdeckt/database/host", "db.example"}, {"/lbdeckt/database/hostname", "prefix-match"}});
    QTest::newRow("a subtree") << QList<QByteArray>{"/lbdeckt/database"}
                               << kv({{"/lbdeckt/database/host", "db.example"},
                                      {"/lbdeckt/database/hostname", "prefix-match"},
                                      {"/lbdeckt/database/port", "5432"}});
    QTest::newRow("mixed case key, lower-case answer")
        << QList<QByteArray>{"/LbDeckT/Database/Port"} << kv({{"/lbdeckt/database/port", "5432"}});
    QTest::newRow("without leading slash")
        << QList<QByteArray>{"lbdeckt/database/port"} << kv({{"/lbdeckt/database/port", "5432"}});
    QTest::newRow("values as they are")
        << QList<QByteArray>{"/lbdeckt/empty", "/lbdeckt/equals", "/lbdeckt/multi", "/lbdeckt/utf8"}
        << kv({{"/lbdeckt/empty", ""},
               {"/lbdeckt/equals", "a=b=c"},
               {"/lbdeckt/multi", "line1\nline2"},
               {"/lbdeckt/utf8", "été"}});
    // "/lbdeckt" is the byte prefix LBDECKT: LBDECKTX matches too, as in confd.
    QTest::newRow("byte prefix") << QList<QByteArray>{"/lbdeckt/e"}
                                 << kv({{"/lbdeckt/empty", ""}, {"/lbdeckt/equals", "a=b=c"}});
    QTest::newRow("no underscore boundary") << QList<QByteArray>{"/lbdecktx"} << kv({{"/lbdecktx", "other"}});
    QTest::newRow("nothing") << QList<QByteArray>{"/lbdeckt/none"} << KeyValues();
    QTest::newRow("no keys") << QList<QByteArray>{} << KeyValues();
}

void TestEnvBackend::values()
{
    QFETCH(QList<QByteArray>, keys);
    QFETCH(KeyValues, expected);
    EnvBackend backend;
    const std::optional<Result<KeyValues>> r = fetch(backend, keys);
    QVERIFY(r);
    QVERIFY(r->ok());
    QCOMPARE(dump(r->value()), dump(expected));
    QCOMPARE(r->value(), expected);
}

void TestEnvBackend::readsTheEnvironmentWhenAsked()
{
    EnvBackend backend;
    QVERIFY(!fetch(backend, {"/lbdeckt/late"})->value().contains("/lbdeckt/late"));
    qputenv("LBDECKT_LATE", "now");
    const std::optional<Result<KeyValues>> r = fetch(backend, {"/lbdeckt/late"});
    QVERIFY(r && r->ok());
    QCOMPARE(r->value().value("/lbdeckt/late"), QByteArray("now"));
    qunsetenv("LBDECKT_LATE");
    QVERIFY(!fetch(backend, {"/lbdeckt/late"})->value().contains("/lbdeckt/late"));
}

void TestEnvBackend::neverChanges()
{
    EnvBackend backend;
    QSignalSpy changed(&backend, &Backend::changed);
    QSignalSpy failed(&backend, &Backend::watchFailed);
    QVERIFY(backend.watch({"/lbdeckt"}).ok());
    qputenv("LBDECKT_DATABASE_PORT", "5433");
    // One more round trip through the event loop: still no signal.
    QVERIFY(fetch(backend, {"/lbdeckt/database/port"}));
    QCOMPARE(changed.count(), 0);
    QCOMPARE(failed.count(), 0);
    qputenv("LBDECKT_DATABASE_PORT", "5432");
    QCOMPARE(backend.sources(), QString());
}

void TestEnvBackend::destroyedContextOrBackendMeansNoCallback()
{
    EnvBackend backend;
    bool deadContextCalled = false;
    auto context = std::make_unique<QObject>();
    backend.getValues({"/lbdeckt"}, context.get(),
                      [&](const Result<KeyValues>&) { deadContextCalled = true; });
    context.reset();

    bool deadBackendCalled = false;
    QObject alive;
    auto doomed = std::make_unique<EnvBackend>();
    doomed->getValues({"/lbdeckt"}, &alive, [&](const Result<KeyValues>&) { deadBackendCalled = true; });
    doomed.reset();

    const std::optional<Result<KeyValues>> r = fetch(backend, {"/lbdeckt/database/host"});
    QVERIFY(r && r->ok());
    QCOMPARE(r->value().value("/lbdeckt/database/host"), QByteArray("db.example"));
    QVERIFY(!deadContextCalled);
    QVERIFY(!deadBackendCalled);
}

QTEST_GUILESS_MAIN(TestEnvBackend)
#include "TestEnvBackend.moc"
