// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/engine/template/GoString.h"
#include "core/engine/template/Template.h"

#include <QFile>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace lbdeck::tmpl;

// Go 1.19's own text/template (tests/engine/template/oracle/oracle.go, run with `go run`) renders
// every case of oracle/cases.txt; lbdeck's engine must give the same bytes, or the same error text.
// The cases use Go's builtins and language only, so Go needs none of confd's functions.
class TestOracle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sameAsGo_data();
    void sameAsGo();

private:
    struct Case
    {
        QString name;
        bool nilData = false;
        QByteArray text;
    };
    struct Outcome
    {
        QByteArray status; // ok, parse or exec
        QByteArray text;   // the output or the error text
    };

    static QList<Case> readCases(const QByteArray& file);
    static Value sampleData();
    static Outcome engine(const Case& c);

    QByteArray m_casesFile;
    QList<Case> m_cases;
    QHash<QString, Outcome> m_go;
};

namespace {

QString sourceDir()
{
    return qEnvironmentVariable("LBDECK_SOURCE_DIR") + u"/tests/engine/template/oracle"_s;
}

} // namespace

// The same format as oracle.go's readCases.
QList<TestOracle::Case> TestOracle::readCases(const QByteArray& file)
{
    QList<Case> cases;
    QByteArrayList lines;
    auto flush = [&] {
        if (!cases.isEmpty())
            cases.back().text = lines.join('\n');
        lines.clear();
    };
    QByteArrayList all = file.split('\n');
    if (!all.isEmpty() && all.back().isEmpty())
        all.removeLast(); // the file's final newline ends its last line
    for (const QByteArray& line : all) {
        if (line.startsWith("### ")) {
            flush();
            QByteArray name = line.sliced(4);
            const bool nilData = name.endsWith(" [nil]");
            if (nilData)
                name.chop(6);
            cases.append({QString::fromUtf8(name), nilData, {}});
        } else if (!cases.isEmpty()) {
            lines.append(line);
        }
    }
    flush();
    return cases;
}

// oracle.go's sampleData().
Value TestOracle::sampleData()
{
    return Value::map({
        {u"S"_s, Value(u"xyz"_s)},
        {u"I"_s, Value(17)},
        {u"NI"_s, Value(-3)},
        {u"F"_s, Value(1.5)},
        {u"B"_s, Value(true)},
        {u"Z"_s, Value(0)},
        {u"E"_s, Value(QString())},
        {u"N"_s, Value()},
        {u"U"_s, Value(u"h\u00e9llo, \u4e16\u754c \U0001F600"_s)},
        {u"X"_s, Value(fromGoBytes("\xff\xfe"
                                   "ab\x80"))},
        {u"H"_s, Value(u"<a href=\"x\">O'Neil & co</a>"_s)},
        {u"L"_s, Value::list({Value(1), Value(u"two"_s), Value(), Value(2.5), Value(true)})},
        {u"SS"_s, Value::stringList({u"b"_s, u"a"_s, u"c"_s})},
        {u"SI"_s, Value::list({Value(3), Value(4), Value(5)}, Value::ListType::Int)},
        {u"M"_s, Value::map({{u"one"_s, Value(1)}, {u"two"_s, Value(u"2"_s)}, {u"nil"_s, Value()}})},
        {u"EM"_s, Value::map({})},
        {u"EL"_s, Value::list({})},
    });
}

TestOracle::Outcome TestOracle::engine(const Case& c)
{
    const auto parsed = Template::parse(u"t"_s, fromGoBytes(c.text));
    if (!parsed) {
        // Go's parse errors name the line only; this engine adds the column (see TestErrors.cpp).
        static const QRegularExpression column(uR"(^template: t:(\d+):\d+: )"_s);
        QString message = parsed.error().message;
        message.replace(column, u"template: t:\\1: "_s);
        return {"parse", toGoBytes(message)};
    }
    const auto rendered = parsed->render({}, c.nilData ? Value() : sampleData());
    if (!rendered)
        return {"exec", toGoBytes(rendered.error().message)};
    return {"ok", toGoBytes(*rendered)};
}

void TestOracle::initTestCase()
{
    QVERIFY2(qEnvironmentVariableIsSet("LBDECK_SOURCE_DIR") && qEnvironmentVariableIsSet("LBDECK_BINARY_DIR"),
             "run through ctest, which sets LBDECK_SOURCE_DIR and LBDECK_BINARY_DIR");
    QFile file(sourceDir() + u"/cases.txt"_s);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    m_casesFile = file.readAll();
    m_cases = readCases(m_casesFile);
    QVERIFY(m_cases.size() >= 150);

    const QString go = QStandardPaths::findExecutable(u"go"_s);
    QVERIFY2(!go.isEmpty(), "the Go toolchain (golang-go, see tools/install-deps) is required");
    const QString work = qEnvironmentVariable("LBDECK_BINARY_DIR") + u"/oracle-go"_s;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"GOCACHE"_s, work + u"/cache"_s);
    env.insert(u"GOPATH"_s, work + u"/path"_s);
    env.insert(u"GOTOOLCHAIN"_s, u"local"_s);
    env.insert(u"GOPROXY"_s, u"off"_s);
    env.insert(u"GO111MODULE"_s, u"off"_s);
    env.insert(u"GOFLAGS"_s, QString());
    env.insert(u"CGO_ENABLED"_s, u"0"_s);
    QProcess process;
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(sourceDir());
    process.start(go, {u"run"_s, u"oracle.go"_s});
    QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
    process.write(m_casesFile);
    process.closeWriteChannel();
    QVERIFY2(process.waitForFinished(400000), "go run oracle.go did not finish");
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
             process.readAllStandardError().constData());

    for (const QByteArray& line : process.readAllStandardOutput().split('\n')) {
        if (line.isEmpty())
            continue;
        const QByteArrayList fields = line.split('\t');
        QCOMPARE(fields.size(), 3);
        m_go.insert(QString::fromUtf8(fields[0]), {fields[1], QByteArray::fromBase64(fields[2])});
    }
    QCOMPARE(m_go.size(), m_cases.size()); // case names are unique
}

void TestOracle::sameAsGo_data()
{
    QTest::addColumn<int>("index");
    for (int i = 0; i < m_cases.size(); ++i)
        QTest::newRow(qPrintable(m_cases[i].name)) << i;
}

void TestOracle::sameAsGo()
{
    QFETCH(int, index);
    const Case& c = m_cases[index];
    QVERIFY2(m_go.contains(c.name), "the oracle gave no answer");
    const Outcome go = m_go.value(c.name);
    const Outcome ours = engine(c);
    // Printed with escapes, so that a difference in bytes that do not print shows.
    auto show = [](const Outcome& o) {
        return o.status + ": " + o.text.toPercentEncoding(" !\"#$&'()*+,/:;<=>?@[]^`{|}~\\");
    };
    QCOMPARE(show(ours), show(go));
}

QTEST_GUILESS_MAIN(TestOracle)
#include "TestOracle.moc"
