// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "core/confd/FileBackend.h"
#include "core/confd/GoPath.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <cstdio>
#include <unistd.h>

using namespace lbdeck;
using namespace lbdeck::confd;
using namespace Qt::StringLiterals;

namespace {

// "key=value" lines, sorted: a readable QCOMPARE of two key sets.
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

void writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(f.errorString()));
    QCOMPARE(f.write(data), data.size());
}

QString why(const Result<KeyValues>& r)
{
    return r.ok() ? QString() : r.error().message;
}

// Reads through the asynchronous API and checks the lifetime rule: never answered inside the call.
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

class TestFileBackend : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void values_data();
    void values();
    void keyPrefixes_data();
    void keyPrefixes();
    void errors_data();
    void errors();
    void missingFile();
    void laterFilesOverride();
    void directoryWithFilter();
    void badFilter();
    void patterns_data();
    void patterns();
    void standardInput();
    void sources();
    void destroyedContextOrBackendMeansNoCallback();
    void watchSeesRewrite();
    void watchSeesAtomicReplace();
    void watchSeesDeleteAndRecreate();
    void watchSeesNewFileInDirectory();
};

void TestFileBackend::values_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<KeyValues>("expected");

    QTest::newRow("nested maps")
        << QByteArray("database:\n  host: 127.0.0.1\n  port: 5432\n  auth:\n    user: admin\n")
        << kv({{"/database/host", "127.0.0.1"},
               {"/database/port", "5432"},
               {"/database/auth/user", "admin"}});
    QTest::newRow("list of scalars") << QByteArray("upstream:\n  - 10.0.0.1:80\n  - 10.0.0.2:80\n  - \"x\"\n")
                                     << kv({{"/upstream/0", "10.0.0.1:80"},
                                            {"/upstream/1", "10.0.0.2:80"},
                                            {"/upstream/2", "x"}});
    QTest::newRow("list of maps") << QByteArray(
                                         "servers:\n  - name: a\n    port: 80\n  - name: b\n    port: 81\n")
                                  << kv({{"/servers/0/name", "a"},
                                         {"/servers/0/port", "80"},
                                         {"/servers/1/name", "b"},
                                         {"/servers/1/port", "81"}});
    QTest::newRow("nested lists") << QByteArray("m: [[1, 2], [3]]\n")
                                  << kv({{"/m/0/0", "1"}, {"/m/0/1", "2"}, {"/m/1/0", "3"}});
    QTest::newRow("ints") << QByteArray(
                                 "a: 42\nb: -7\nc: +12\nd: 0x1F\ne: 0o17\nf: 017\ng: 0b101\nh: -0b101\n"
                                 "i: 1_000_000\nj: 0\nk: 9223372036854775807\nl: -9223372036854775808\n")
                          << kv({{"/a", "42"},
                                 {"/b", "-7"},
                                 {"/c", "12"},
                                 {"/d", "31"},
                                 {"/e", "15"},
                                 {"/f", "15"},
                                 {"/g", "5"},
                                 {"/h", "-5"},
                                 {"/i", "1000000"},
                                 {"/j", "0"},
                                 {"/k", "9223372036854775807"},
                                 {"/l", "-9223372036854775808"}});
    // Beyond int64: a uint64 (confd's nodeWalk skips it), or a float; "08" is no octal but a float.
    QTest::newRow("ints out of range")
        << QByteArray("u: 9223372036854775808\nx: 0xFFFFFFFFFFFFFFFF\nneg: -9223372036854775809\n"
                      "big: 99999999999999999999\nhex: 0x10000000000000000\noct: 08\n")
        << kv({{"/neg", "-9223372036854776000"},
               {"/big", "100000000000000000000"},
               {"/hex", "0x10000000000000000"},
               {"/oct", "8"}});
    QTest::newRow("floats") << QByteArray("a: 1.5\nb: -0.25\nc: .5\nd: 1e-7\ne: 6.02e23\nf: 1.0\ng: 1.\n"
                                          "h: 1e3\ni: 3.141_5\nj: +.5\nk: -0.0\nl: 0.1\n")
                            << kv({{"/a", "1.5"},
                                   {"/b", "-0.25"},
                                   {"/c", "0.5"},
                                   {"/d", "0.0000001"},
                                   {"/e", "602000000000000000000000"},
                                   {"/f", "1"},
                                   {"/g", "1"},
                                   {"/h", "1000"},
                                   {"/i", "3.1415"},
                                   {"/j", "0.5"},
                                   {"/k", "-0"},
                                   {"/l", "0.1"}});
    QTest::newRow("special floats")
        << QByteArray("a: .inf\nb: -.Inf\nc: +.INF\nd: .nan\ne: .NaN\nf: 1e400\ng: 1e-400\n")
        << kv({{"/a", "+Inf"},
               {"/b", "-Inf"},
               {"/c", "+Inf"},
               {"/d", "NaN"},
               {"/e", "NaN"},
               {"/f", "1e400"},
               {"/g", "0"}});
    QTest::newRow("YAML 1.1 bools") << QByteArray(
                                           "a: y\nb: Yes\nc: on\nd: TRUE\ne: n\nf: No\ng: OFF\nh: False\n"
                                           "i: yEs\nj: 'yes'\nk: truthy\n")
                                    << kv({{"/a", "true"},
                                           {"/b", "true"},
                                           {"/c", "true"},
                                           {"/d", "true"},
                                           {"/e", "false"},
                                           {"/f", "false"},
                                           {"/g", "false"},
                                           {"/h", "false"},
                                           {"/i", "yEs"},
                                           {"/j", "yes"},
                                           {"/k", "truthy"}});
    QTest::newRow("nulls are skipped")
        << QByteArray("a: ~\nb: null\nc:\nd: Null\ne: NULL\nf: x\nl: [a, ~, c]\n")
        << kv({{"/f", "x"}, {"/l/0", "a"}, {"/l/2", "c"}});
    QTest::newRow("quoted scalars are strings")
        << QByteArray(
               "a: \"123\"\nb: 'true'\nc: \"~\"\nd: \"\"\ne: ''\nf: \"0x1F\"\ng: '1.5'\nh: \"a\\tb\"\n")
        << kv({{"/a", "123"},
               {"/b", "true"},
               {"/c", "~"},
               {"/d", ""},
               {"/e", ""},
               {"/f", "0x1F"},
               {"/g", "1.5"},
               {"/h", "a\tb"}});
    QTest::newRow("block scalars")
        << QByteArray(
               "lit: |\n  line1\n  line2\nfold: >\n  a\n  b\n\n  c\nstrip: |-\n  x\n  y\nkeep: |+\n  k\n\n"
               "last: end\n")
        << kv({{"/lit", "line1\nline2\n"},
               {"/fold", "a b\nc\n"},
               {"/strip", "x\ny"},
               {"/keep", "k\n\n"},
               {"/last", "end"}});
    QTest::newRow("unicode") << QByteArray("名前: 値\nescaped: \"\\u00e9t\\u00e9\"\nemoji: \"😀\"\n")
                             << kv({{"/名前", "値"}, {"/escaped", "été"}, {"/emoji", "😀"}});
    QTest::newRow("timestamps stay strings")
        << QByteArray("date: 2001-12-14\nts: 2001-12-14t21:59:43.10-05:00\ntime: 12:30:00\n")
        << kv({{"/date", "2001-12-14"}, {"/ts", "2001-12-14t21:59:43.10-05:00"}, {"/time", "12:30:00"}});
    QTest::newRow("keys joined with path.Join")
        << QByteArray("\"/a/\":\n  b: 1\n\"x//y\": 2\n\"p/../q\": 3\n\"\": root\n")
        << kv({{"/a/b", "1"}, {"/x/y", "2"}, {"/q", "3"}, {"/", "root"}});
    QTest::newRow("merge keys") << QByteArray("base: &b\n  p: 1\n  q: 2\nm:\n  <<: *b\n  q: 3\n")
                                << kv({{"/base/p", "1"}, {"/base/q", "2"}, {"/m/p", "1"}, {"/m/q", "3"}});
    QTest::newRow("merge of a list: earlier maps win")
        << QByteArray("a: &a {p: a}\nb: &b {p: b, q: b}\nm:\n  <<: [*a, *b]\n")
        << kv({{"/a/p", "a"}, {"/b/p", "b"}, {"/b/q", "b"}, {"/m/p", "a"}, {"/m/q", "b"}});
    QTest::newRow("duplicate key replaces the value")
        << QByteArray("a: {p: 1}\na: {q: 2}\n") << kv({{"/a/q", "2"}});
    QTest::newRow("aliases") << QByteArray("a: &v hello\nb: *v\n") << kv({{"/a", "hello"}, {"/b", "hello"}});
    QTest::newRow("explicit tags")
        << QByteArray("a: !!str 12\nb: !!int \"7\"\nc: !!float 3\nd: !!binary aGVsbG8=\n"
                      "e: !custom text\nf: !!str\n")
        << kv({{"/a", "12"}, {"/b", "7"}, {"/c", "3"}, {"/d", "hello"}, {"/e", "text"}, {"/f", ""}});
    QTest::newRow("strings as they are")
        << QByteArray("a: hello world\nb: 1.2.3\nc: 1:20\nd: <<\ne: -x\nf: _1\n")
        << kv({{"/a", "hello world"},
               {"/b", "1.2.3"},
               {"/c", "1:20"},
               {"/d", "<<"},
               {"/e", "-x"},
               {"/f", "_1"}});
    QTest::newRow("empty file") << QByteArray() << KeyValues();
    QTest::newRow("comments only") << QByteArray("# nothing\n") << KeyValues();
    QTest::newRow("null document") << QByteArray("~\n") << KeyValues();
    QTest::newRow("first document only") << QByteArray("a: 1\n---\nb: 2\n") << kv({{"/a", "1"}});
}

void TestFileBackend::values()
{
    QFETCH(QByteArray, yaml);
    QFETCH(KeyValues, expected);
    QTemporaryDir dir;
    const QString file = dir.filePath(u"keys.yaml"_s);
    writeFile(file, yaml);
    FileBackend backend({file});
    const std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(dump(r->value()), dump(expected));
    // Values are the bytes of the file, exactly.
    QCOMPARE(r->value(), expected);
}

void TestFileBackend::keyPrefixes_data()
{
    QTest::addColumn<QList<QByteArray>>("keys");
    QTest::addColumn<KeyValues>("expected");
    QTest::newRow("byte prefix: /app matches /apple")
        << QList<QByteArray>{"/app"} << kv({{"/app/name", "web"}, {"/app/port", "80"}, {"/apple", "red"}});
    QTest::newRow("exact subtree") << QList<QByteArray>{"/app/"}
                                   << kv({{"/app/name", "web"}, {"/app/port", "80"}});
    QTest::newRow("several keys") << QList<QByteArray>{"/apple", "/db"}
                                  << kv({{"/apple", "red"}, {"/db/host", "h"}});
    QTest::newRow("everything") << QList<QByteArray>{"/"}
                                << kv({{"/app/name", "web"},
                                       {"/app/port", "80"},
                                       {"/apple", "red"},
                                       {"/banana", "yellow"},
                                       {"/db/host", "h"}});
    QTest::newRow("nothing matches") << QList<QByteArray>{"/zzz"} << KeyValues();
    QTest::newRow("no keys") << QList<QByteArray>{} << KeyValues();
}

void TestFileBackend::keyPrefixes()
{
    QFETCH(QList<QByteArray>, keys);
    QFETCH(KeyValues, expected);
    QTemporaryDir dir;
    const QString file = dir.filePath(u"keys.yaml"_s);
    writeFile(file, "app:\n  name: web\n  port: 80\napple: red\nbanana: yellow\ndb:\n  host: h\n");
    FileBackend backend({file});
    const std::optional<Result<KeyValues>> r = fetch(backend, keys);
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(dump(r->value()), dump(expected));
}

void TestFileBackend::errors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected"); // the message after "<file>: "
    QTest::newRow("syntax error") << QByteArray("a: b: c\n") << u"yaml: line 1: illegal map value"_s;
    QTest::newRow("unclosed flow") << QByteArray("a: [1, 2\n")
                                   << u"yaml: line 2: end of sequence flow not found"_s;
    QTest::newRow("bad indentation") << QByteArray("a:\n  - b\n c: d\n")
                                     << u"yaml: line 3: end of map not found"_s;
    QTest::newRow("int key")
        << QByteArray("ok: 1\n1: x\n")
        << u"yaml: line 2: map key `1` is an int, not a string; confd's file backend needs "
           u"string keys (quote it)"_s;
    QTest::newRow("bool key nested") << QByteArray("a:\n  b:\n    yes: x\n")
                                     << u"yaml: line 3: map key `yes` is a bool, not a string; confd's file "
                                        u"backend needs string keys (quote it)"_s;
    // YAML 1.1: a plain y, n, yes, no, on, off is a bool, also as a key.
    QTest::newRow("y is a bool key") << QByteArray("point:\n  x: 1\n  y: 2\n")
                                     << u"yaml: line 3: map key `y` is a bool, not a string; confd's file "
                                        u"backend needs string keys (quote it)"_s;
    QTest::newRow("null key")
        << QByteArray("~: x\n")
        << u"yaml: line 1: map key is null, not a string; confd's file backend needs string "
           u"keys"_s;
    QTest::newRow("list document") << QByteArray("- a\n- b\n")
                                   << u"yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into "
                                      u"map[interface {}]interface {}"_s;
    QTest::newRow("scalar document")
        << QByteArray("just a string\n")
        << u"yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `just a ...` "
           u"into map[interface {}]interface {}"_s;
    QTest::newRow("tag does not fit")
        << QByteArray("a: !!int abc\n") << u"yaml: line 1: cannot decode !!str `abc` as a !!int"_s;
    QTest::newRow("merge of a scalar")
        << QByteArray("a:\n  <<: x\n")
        << u"yaml: line 2: map merge requires map or sequence of maps as the value"_s;
    QTest::newRow("recursive alias") << QByteArray("a: &x [*x]\n") << u"yaml: exceeded max depth of 1000"_s;
}

void TestFileBackend::errors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString good = dir.filePath(u"good.yaml"_s);
    const QString bad = dir.filePath(u"bad.yaml"_s);
    writeFile(good, "good: 1\n");
    writeFile(bad, yaml);
    FileBackend backend({good, bad});
    const std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
    QVERIFY(r);
    QVERIFY(!r->ok());
    QCOMPARE(r->error().message, bad + u": "_s + expected);
}

void TestFileBackend::missingFile()
{
    QTemporaryDir dir;
    QVERIFY(QDir::setCurrent(dir.path()));
    {
        FileBackend backend({u"keys.yaml"_s});
        const std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
        QVERIFY(r);
        QVERIFY(!r->ok());
        QCOMPARE(r->error().message, u"lstat keys.yaml: no such file or directory"_s);
        QCOMPARE(r->error().code, ErrorCode::NotFound);
    }
    {
        // The first missing component is named, as Go's filepath.EvalSymlinks does.
        FileBackend backend({u"conf.d/keys.yaml"_s});
        const std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
        QVERIFY(r);
        QVERIFY(!r->ok());
        QCOMPARE(r->error().message, u"lstat conf.d: no such file or directory"_s);
    }
    {
        writeFile(dir.filePath(u"plain"_s), "x: 1\n");
        FileBackend backend({u"plain/keys.yaml"_s});
        const std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
        QVERIFY(r);
        QVERIFY(!r->ok());
        QCOMPARE(r->error().message, u"lstat plain/keys.yaml: not a directory"_s);
    }
    QVERIFY(QDir::setCurrent(QDir::tempPath()));
}

void TestFileBackend::laterFilesOverride()
{
    QTemporaryDir dir;
    const QString a = dir.filePath(u"a.yaml"_s);
    const QString b = dir.filePath(u"b.yaml"_s);
    writeFile(a, "a: 1\nb: 2\nnest:\n  p: 1\n  q: 1\nkeep: me\n");
    writeFile(b, "b: 3\nc: 4\nnest:\n  q: 2\nkeep: ~\n");
    FileBackend backend({a, b});
    std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    // A null in a later file is skipped, so it does not remove the earlier value.
    QCOMPARE(
        dump(r->value()),
        dump(kv(
            {{"/a", "1"}, {"/b", "3"}, {"/c", "4"}, {"/nest/p", "1"}, {"/nest/q", "2"}, {"/keep", "me"}})));
    FileBackend reversed({b, a});
    r = fetch(reversed, {"/b", "/nest"});
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(dump(r->value()), dump(kv({{"/b", "2"}, {"/nest/p", "1"}, {"/nest/q", "1"}})));
}

void TestFileBackend::directoryWithFilter()
{
    QTemporaryDir dir;
    const QString root = dir.filePath(u"conf.d"_s);
    writeFile(root + u"/a.yaml"_s, "x: a\nfrom_a: 1\n");
    writeFile(root + u"/b.yml"_s, "x: b\nfrom_b: 1\n");
    writeFile(root + u"/notes.txt"_s, "this: is: not yaml\n");
    writeFile(root + u"/sub/c.yaml"_s, "x: c\nfrom_c: 1\n");
    writeFile(root + u"/sub/deeper/d.yaml"_s, "x: d\nfrom_d: 1\n");
    writeFile(root + u"/z.yaml"_s, "x: z\nfrom_z: 1\n");
    const QString extra = dir.filePath(u"extra.conf"_s);
    writeFile(extra, "from_extra: 1\n");

    // Lexical walk order: a.yaml, sub/c.yaml, sub/deeper/d.yaml, z.yaml; a file path is used
    // whatever the filter.
    FileBackend backend({root + u"/"_s, extra}, u"*.yaml"_s);
    std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(dump(r->value()), dump(kv({{"/x", "z"},
                                        {"/from_a", "1"},
                                        {"/from_c", "1"},
                                        {"/from_d", "1"},
                                        {"/from_z", "1"},
                                        {"/from_extra", "1"}})));

    FileBackend ymlOnly({root}, u"*.yml"_s);
    r = fetch(ymlOnly, {"/"});
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(dump(r->value()), dump(kv({{"/x", "b"}, {"/from_b", "1"}})));

    // The default filter takes every file, notes.txt too: its syntax error names it.
    FileBackend all({root});
    r = fetch(all, {"/"});
    QVERIFY(r);
    QVERIFY(!r->ok());
    QVERIFY2(r->error().message.startsWith(QDir::cleanPath(root) + u"/notes.txt: yaml: line 1:"_s),
             qPrintable(why(*r)));
}

void TestFileBackend::badFilter()
{
    QTemporaryDir dir;
    writeFile(dir.filePath(u"a.yaml"_s), "a: 1\n");
    FileBackend backend({dir.path()}, u"[a"_s);
    const std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
    QVERIFY(r);
    QVERIFY(!r->ok());
    QCOMPARE(r->error().message, u"-filter [a: syntax error in pattern"_s);
}

void TestFileBackend::patterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("expected"); // 1 match, 0 no match, -1 bad pattern
    // Go's filepath.Match tests (path/filepath/match_test.go).
    QTest::newRow("abc") << u"abc"_s << u"abc"_s << 1;
    QTest::newRow("*") << u"*"_s << u"abc"_s << 1;
    QTest::newRow("*c") << u"*c"_s << u"abc"_s << 1;
    QTest::newRow("a*") << u"a*"_s << u"a"_s << 1;
    QTest::newRow("a* no") << u"a*"_s << u"ab/c"_s << 0;
    QTest::newRow("a*/b") << u"a*/b"_s << u"abc/b"_s << 1;
    QTest::newRow("a*b*c*d*e*/f") << u"a*b*c*d*e*/f"_s << u"axbxcxdxe/f"_s << 1;
    QTest::newRow("a*b?c*x") << u"a*b?c*x"_s << u"abxbbxdbxebxczzx"_s << 1;
    QTest::newRow("a*b?c*x no") << u"a*b?c*x"_s << u"abxbbxdbxebxczzy"_s << 0;
    QTest::newRow("ab[c]") << u"ab[c]"_s << u"abc"_s << 1;
    QTest::newRow("ab[b-d]") << u"ab[b-d]"_s << u"abc"_s << 1;
    QTest::newRow("ab[e-g]") << u"ab[e-g]"_s << u"abc"_s << 0;
    QTest::newRow("ab[^c]") << u"ab[^c]"_s << u"abc"_s << 0;
    QTest::newRow("ab[^b-d]") << u"ab[^b-d]"_s << u"abc"_s << 0;
    QTest::newRow("ab[^e-g]") << u"ab[^e-g]"_s << u"abc"_s << 1;
    QTest::newRow("a\\*b") << u"a\\*b"_s << u"a*b"_s << 1;
    QTest::newRow("a\\*b no") << u"a\\*b"_s << u"ab"_s << 0;
    QTest::newRow("a?b") << u"a?b"_s << u"a☺b"_s << 1;
    QTest::newRow("a[^a]b") << u"a[^a]b"_s << u"a☺b"_s << 1;
    QTest::newRow("a???b") << u"a???b"_s << u"a☺b"_s << 0;
    QTest::newRow("[a-ζ]*") << u"[a-ζ]*"_s << u"α"_s << 1;
    QTest::newRow("*[a-ζ]") << u"*[a-ζ]"_s << u"A"_s << 0;
    QTest::newRow("a?b slash") << u"a?b"_s << u"a/b"_s << 0;
    QTest::newRow("a*b slash") << u"a*b"_s << u"a/b"_s << 0;
    QTest::newRow("[\\]a]") << u"[\\]a]"_s << u"]"_s << 1;
    QTest::newRow("[\\-]") << u"[\\-]"_s << u"-"_s << 1;
    QTest::newRow("[x\\-]") << u"[x\\-]"_s << u"x"_s << 1;
    QTest::newRow("[x\\-] z") << u"[x\\-]"_s << u"z"_s << 0;
    QTest::newRow("[\\-x]") << u"[\\-x]"_s << u"a"_s << 0;
    QTest::newRow("[]a]") << u"[]a]"_s << u"]"_s << -1;
    QTest::newRow("[-]") << u"[-]"_s << u"-"_s << -1;
    QTest::newRow("[x-]") << u"[x-]"_s << u"x"_s << -1;
    QTest::newRow("[-x]") << u"[-x]"_s << u"x"_s << -1;
    QTest::newRow("\\") << u"\\"_s << u"a"_s << -1;
    QTest::newRow("[a-b-c]") << u"[a-b-c]"_s << u"a"_s << -1;
    QTest::newRow("[") << u"["_s << u"a"_s << -1;
    QTest::newRow("[^") << u"[^"_s << u"a"_s << -1;
    QTest::newRow("[^bc") << u"[^bc"_s << u"a"_s << -1;
    QTest::newRow("a[") << u"a["_s << u"a"_s << -1;
    QTest::newRow("a[ b") << u"a["_s << u"ab"_s << -1;
    QTest::newRow("a[ x") << u"a["_s << u"x"_s << -1;
    QTest::newRow("a/b[") << u"a/b["_s << u"x"_s << -1;
    QTest::newRow("*x") << u"*x"_s << u"xxx"_s << 1;
    QTest::newRow("*.yaml hidden") << u"*.yaml"_s << u".hidden.yaml"_s << 1;
}

void TestFileBackend::patterns()
{
    QFETCH(QString, pattern);
    QFETCH(QString, name);
    QFETCH(int, expected);
    const std::optional<bool> m = goMatchPattern(pattern.toStdString(), name.toStdString());
    QCOMPARE(m ? int(*m) : -1, expected);
}

void TestFileBackend::standardInput()
{
    int fds[2];
    QCOMPARE(::pipe(fds), 0);
    const int savedStdin = ::dup(STDIN_FILENO);
    QVERIFY(savedStdin >= 0);
    QCOMPARE(::dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    ::close(fds[0]);
    const QByteArray yaml("from: stdin\nlist: [1]\n");
    QCOMPARE(::write(fds[1], yaml.constData(), size_t(yaml.size())), ssize_t(yaml.size()));
    ::close(fds[1]);

    QTemporaryDir dir;
    const QString file = dir.filePath(u"after.yaml"_s);
    writeFile(file, "list: [2, 3]\n");
    FileBackend backend({u"-"_s, file});
    std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
    std::optional<Result<KeyValues>> again = fetch(backend, {"/"});
    ::dup2(savedStdin, STDIN_FILENO);
    ::close(savedStdin);
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(dump(r->value()), dump(kv({{"/from", "stdin"}, {"/list/0", "2"}, {"/list/1", "3"}})));
    // Standard input is read once; a later read sees the same values.
    QVERIFY(again && again->ok());
    QCOMPARE(again->value(), r->value());
    QCOMPARE(backend.sources(), u"-, "_s + file);
}

void TestFileBackend::sources()
{
    QCOMPARE(FileBackend({u"keys.yaml"_s}).sources(), u"keys.yaml"_s);
    QCOMPARE(FileBackend({u"a.yaml"_s, u"conf.d"_s}, u"*.yaml"_s).sources(), u"a.yaml, conf.d"_s);
}

void TestFileBackend::destroyedContextOrBackendMeansNoCallback()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"keys.yaml"_s);
    writeFile(file, "a: 1\n");
    FileBackend backend({file});

    bool deadContextCalled = false;
    auto context = std::make_unique<QObject>();
    backend.getValues({"/"}, context.get(), [&](const Result<KeyValues>&) { deadContextCalled = true; });
    context.reset();

    bool deadBackendCalled = false;
    QObject alive;
    auto doomed = std::make_unique<FileBackend>(QStringList{file});
    doomed->getValues({"/"}, &alive, [&](const Result<KeyValues>&) { deadBackendCalled = true; });
    doomed.reset();

    // A later request on a live pair is answered: by then the earlier ones had their chance.
    const std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(r->value().value("/a"), QByteArray("1"));
    QVERIFY(!deadContextCalled);
    QVERIFY(!deadBackendCalled);
}

void TestFileBackend::watchSeesRewrite()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"keys.yaml"_s);
    writeFile(file, "a: 1\n");
    FileBackend backend({file});
    QSignalSpy spy(&backend, &Backend::changed);
    const Result<void> w = backend.watch({"/"});
    QVERIFY2(w.ok(), qPrintable(w.ok() ? QString() : w.error().message));
    QVERIFY(backend.watch({"/"}).ok()); // a second call is harmless

    writeFile(file, "a: 2\n");
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);
    std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(r->value().value("/a"), QByteArray("2"));

    spy.clear();
    writeFile(file, "a: 3\n");
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);
    r = fetch(backend, {"/"});
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(r->value().value("/a"), QByteArray("3"));
}

void TestFileBackend::watchSeesAtomicReplace()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"keys.yaml"_s);
    writeFile(file, "a: 1\n");
    FileBackend backend({file});
    QSignalSpy spy(&backend, &Backend::changed);
    QVERIFY(backend.watch({"/"}).ok());

    auto replace = [&](const QByteArray& data) {
        const QString tmp = dir.filePath(u".keys.yaml.tmp"_s);
        writeFile(tmp, data);
        QCOMPARE(std::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(file).constData()), 0);
    };
    replace("a: 2\n");
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);
    std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(r->value().value("/a"), QByteArray("2"));

    // The new file is watched: a second replace and an in-place write are both seen.
    spy.clear();
    replace("a: 3\n");
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);
    spy.clear();
    writeFile(file, "a: 4\n");
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);

    // QSaveFile (how many tools write) is an atomic replace too.
    spy.clear();
    QSaveFile save(file);
    QVERIFY(save.open(QIODevice::WriteOnly));
    save.write("a: 5\n");
    QVERIFY(save.commit());
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);
    r = fetch(backend, {"/"});
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(r->value().value("/a"), QByteArray("5"));
}

void TestFileBackend::watchSeesDeleteAndRecreate()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"keys.yaml"_s);
    writeFile(file, "a: 1\n");
    FileBackend backend({file});
    QSignalSpy spy(&backend, &Backend::changed);
    QVERIFY(backend.watch({"/"}).ok());

    QVERIFY(QFile::remove(file));
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);
    std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
    QVERIFY(r && !r->ok());

    spy.clear();
    writeFile(file, "a: 6\n");
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);
    r = fetch(backend, {"/"});
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(r->value().value("/a"), QByteArray("6"));

    spy.clear();
    writeFile(file, "a: 7\n");
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);
}

void TestFileBackend::watchSeesNewFileInDirectory()
{
    QTemporaryDir dir;
    const QString root = dir.filePath(u"conf.d"_s);
    writeFile(root + u"/a.yaml"_s, "a: 1\n");
    writeFile(root + u"/sub/b.yaml"_s, "b: 1\n");
    FileBackend backend({root}, u"*.yaml"_s);
    QSignalSpy spy(&backend, &Backend::changed);
    QVERIFY(backend.watch({"/"}).ok());

    writeFile(root + u"/sub/b.yaml"_s, "b: 2\n"); // a write into a file of the tree
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);

    spy.clear();
    writeFile(root + u"/sub/c.yaml"_s, "c: 1\n"); // a new file
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);

    spy.clear();
    writeFile(root + u"/new/d.yaml"_s, "d: 1\n"); // a new directory, then a write into it
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);
    spy.clear();
    writeFile(root + u"/new/d.yaml"_s, "d: 2\n");
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);

    const std::optional<Result<KeyValues>> r = fetch(backend, {"/"});
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(why(*r)));
    QCOMPARE(dump(r->value()), dump(kv({{"/a", "1"}, {"/b", "2"}, {"/c", "1"}, {"/d", "2"}})));
}

QTEST_GUILESS_MAIN(TestFileBackend)
#include "TestFileBackend.moc"
