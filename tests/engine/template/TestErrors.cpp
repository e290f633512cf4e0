// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TestTemplate.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace lbdeck::tmpl;

namespace {

QString parseError(const QString& name, const QString& text)
{
    const auto parsed = Template::parse(name, text);
    return parsed ? u"parsed"_s : parsed.error().message;
}

} // namespace

// Go reports parse errors as "template: NAME:LINE: ..."; this engine adds the column, which it
// counts as Go's exec errors do: bytes from the start of the line, from 0.
void TestTemplate::parseErrors_data()
{
    textColumns();

    row("unknown function", u"{{nope}}"_s, uR"(template: e.tmpl:1:2: function "nope" not defined)"_s);
    row("unknown function on line 3", u"line1\n{{/* c */}}\n  {{ .x | nope }}"_s,
        uR"(template: e.tmpl:3:10: function "nope" not defined)"_s);
    row("missing value for if", u"{{if}}"_s, u"template: e.tmpl:1:4: missing value for if"_s);
    row("unexpected EOF", u"{{range .}}x"_s, u"template: e.tmpl:1:12: unexpected EOF"_s);
    row("unclosed action", u"{{.Foo"_s, u"template: e.tmpl:1:6: unclosed action"_s);
    row("unclosed action across lines", u"a\n{{ .x\n"_s,
        u"template: e.tmpl:3:0: unclosed action started at e.tmpl:2"_s);
    row("unexpected end", u"{{end}}"_s, u"template: e.tmpl:1:5: unexpected {{end}}"_s);
    row("unexpected else", u"{{else}}"_s, u"template: e.tmpl:1:6: unexpected {{else}}"_s);
    row("undefined variable", u"{{$x}}"_s, uR"(template: e.tmpl:1:4: undefined variable "$x")"_s);
    row("variable out of scope", u"{{if true}}{{$x := 1}}{{end}}{{$x}}"_s,
        uR"(template: e.tmpl:1:33: undefined variable "$x")"_s);
    row("break outside range", u"{{break}}"_s, u"template: e.tmpl:1:7: {{break}} outside {{range}}"_s);
    row("continue in range else", u"{{range .}}{{else}}{{continue}}{{end}}"_s,
        u"template: e.tmpl:1:29: {{continue}} outside {{range}}"_s);
    row("unterminated string", u"{{\"abc}}"_s, u"template: e.tmpl:1:2: unterminated quoted string"_s);
    row("unterminated raw string", u"hello\n\n{{`unterminated\n\n\n\n}}\n some more\n\n"_s,
        u"template: e.tmpl:3:2: unterminated raw quoted string"_s);
    row("unclosed comment", u"a{{/* b"_s, u"template: e.tmpl:1:3: unclosed comment"_s);
    row("comment before delimiter", u"{{/* b */ x}}"_s,
        u"template: e.tmpl:1:2: comment ends before closing delimiter"_s);
    row("second else", u"{{if .x}}a{{else}}b{{else}}c{{end}}"_s,
        u"template: e.tmpl:1:25: expected end; found {{else}}"_s);
    row("redefinition", u"{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}"_s,
        uR"(template: e.tmpl:1:42: template: multiple definition of template "a")"_s);
    row("literal in pipeline", u"{{.x | 3}}"_s,
        u"template: e.tmpl:1:8: non executable command in pipeline stage 2"_s);
    row("unclosed paren", u"{{(1}}"_s, u"template: e.tmpl:1:4: unclosed left paren"_s);
    row("unexpected paren", u"{{.x)}}"_s, u"template: e.tmpl:1:4: unexpected right paren"_s);
    row("too many declarations", u"{{range $i, $v, $w := .}}{{end}}"_s,
        u"template: e.tmpl:1:14: too many declarations in range"_s);
    row("template without name", u"{{template}}"_s,
        uR"(template: e.tmpl:1:10: unexpected "}}" in template clause)"_s);
    row("octal overflow", u"{{printf \"%d\" 08}}"_s, uR"(template: e.tmpl:1:14: integer overflow: "08")"_s);
    row("bad number", u"{{1e400}}"_s, uR"(template: e.tmpl:1:2: illegal number syntax: "1e400")"_s);
    row("bad escape", u"{{\"\\q\"}}"_s, u"template: e.tmpl:1:2: invalid syntax"_s);
    row("dot after literal", u"{{\"x\".y}}"_s, uR"(template: e.tmpl:1:7: unexpected . after term "\"x\"")"_s);
    row("bad character", u"{{.x\u00a7}}"_s, u"template: e.tmpl:1:2: bad character U+00A7 '\u00a7'"_s);
    row("unexpected token", u"{{if .x}}{{end x}}"_s, uR"(template: e.tmpl:1:15: unexpected "x" in end)"_s);
}

void TestTemplate::parseErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(parseError(u"e.tmpl"_s, text), expected);
}

// Exec errors are Go's: "template: NAME:LINE:COL: executing "TEMPLATE" at <NODE>: ...".
void TestTemplate::execErrors_data()
{
    textColumns();

    row("missing key", u"{{getv \"/nope\"}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <getv "/nope">: error calling getv: key does not exist: /nope)"_s);
    row("missing key on line 2", u"upstream {\n    {{get \"/x\"}}"_s,
        uR"(ERROR: template: e.tmpl:2:6: executing "e.tmpl" at <get "/x">: error calling get: key does not exist: /x)"_s);
    row("too few args", u"{{getv}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <getv>: wrong number of args for getv: want at least 1 got 0)"_s);
    row("too many args", u"{{base \"a\" \"b\"}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <base>: wrong number of args for base: want 1 got 2)"_s);
    row("pipe adds an arg", u"{{\"a\" | base \"b\"}}"_s,
        uR"(ERROR: template: e.tmpl:1:8: executing "e.tmpl" at <base>: wrong number of args for base: want 1 got 2)"_s);
    row("template not defined", u"{{template \"nope\"}}"_s,
        uR"(ERROR: template: e.tmpl:1:11: executing "e.tmpl" at <{{template "nope"}}>: template "nope" not defined)"_s);
    row("recursion", u"{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" 1}}"_s,
        uR"(ERROR: template: e.tmpl:1:25: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (100))"_s);
    row("literal of wrong type", u"{{add \"1\" 2}}"_s,
        uR"(ERROR: template: e.tmpl:1:6: executing "e.tmpl" at <"1">: expected integer; found "1")"_s);
    row("value of wrong type", u"{{add (getv \"/app/name\") 1}}"_s,
        uR"(ERROR: template: e.tmpl:1:12: executing "e.tmpl" at <"/app/name">: wrong type for value; expected int; got string)"_s);
    row("list of wrong type", u"{{join (seq 1 2) \",\"}}"_s,
        uR"(ERROR: template: e.tmpl:1:14: executing "e.tmpl" at <2>: wrong type for value; expected []string; got []int)"_s);
    row("nil for a string", u"{{base nil}}"_s,
        uR"(ERROR: template: e.tmpl:1:7: executing "e.tmpl" at <nil>: cannot assign nil to string)"_s);
    row("field of a string", u"{{(getv \"/app/name\").Foo}}"_s,
        uR"(ERROR: template: e.tmpl:1:8: executing "e.tmpl" at <"/app/name">: can't evaluate field Foo in type string)"_s);
    row("range over a string", u"{{range getv \"/app/name\"}}{{end}}"_s,
        uR"(ERROR: template: e.tmpl:1:13: executing "e.tmpl" at <"/app/name">: range can't iterate over shop)"_s);
    row("divide by zero", u"{{div 1 0}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <div 1 0>: error calling div: runtime error: integer divide by zero)"_s);
    row("nil command", u"{{nil}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <nil>: nil is not a command)"_s);
    row("argument to non-function", u"{{1 2}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <1>: can't give argument to non-function 1)"_s);
    row("incompatible comparison", u"{{eq 1 \"1\"}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <eq 1 "1">: error calling eq: incompatible types for comparison)"_s); // Go 1.19 names no types
    row("index out of range", u"{{index (seq 1 3) 5}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <index (seq 1 3) 5>: error calling index: index out of range: 5)"_s);
    row("bad json", u"{{json \"[1]\"}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <json "[1]">: error calling json: json: cannot unmarshal array into Go value of type map[string]interface {})"_s);
    row("bad base64", u"{{base64Decode \"a$==\"}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <base64Decode "a$==">: error calling base64Decode: illegal base64 data at input byte 1)"_s);
    row("bad atoi", u"{{atoi \"12x\"}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <atoi "12x">: error calling atoi: strconv.Atoi: parsing "12x": invalid syntax)"_s);
    row("bad parseBool", u"{{parseBool \"yes\"}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <parseBool "yes">: error calling parseBool: strconv.ParseBool: parsing "yes": invalid syntax)"_s);
    row("odd map", u"{{map \"a\"}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <map "a">: error calling map: invalid map call)"_s);
    row("bad pattern", u"{{gets \"/app/[\"}}"_s,
        uR"(ERROR: template: e.tmpl:1:2: executing "e.tmpl" at <gets "/app/[">: error calling gets: syntax error in pattern)"_s);
    // Ranging over an integer came with Go 1.22; confd's Go 1.19 refuses it.
    row("range over int", u"{{range $i, $v := 3}}{{end}}"_s,
        uR"(ERROR: template: e.tmpl:1:18: executing "e.tmpl" at <3>: range can't iterate over 3)"_s);
}

void TestTemplate::execErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(run(u"e.tmpl"_s, text, sampleStore(), Value()), expected);
}

// Bad input never crashes and never runs away: every limit is a clear error.
void TestTemplate::limits_data()
{
    textColumns(); // a part of the error message

    QTest::newRow("nested ifs") << u"{{if 1}}"_s.repeated(500) + u"{{end}}"_s.repeated(500)
                                << u"max nesting depth exceeded"_s;
    QTest::newRow("nested parens") << u"{{"_s + u"("_s.repeated(500) + u"1"_s + u")"_s.repeated(500) + u"}}"_s
                                   << u"max expression depth exceeded"_s;
    QTest::newRow("nested templates")
        << u"{{define \"a\"}}{{template \"b\" .}}{{end}}{{define \"b\"}}{{template \"a\" .}}{{end}}{{template \"a\"}}"_s
        << u"exceeded maximum template depth (100)"_s;
    QTest::newRow("huge sequence") << u"{{range seq 1 100000000}}x{{end}}"_s
                                   << u"error calling seq: sequence of more than 1000000 numbers refused"_s;
    QTest::newRow("huge nested range") << u"{{range seq 1 100000}}{{range seq 1 100000}}{{end}}{{end}}"_s
                                       << u"execution exceeds 10000000 steps"_s;
    QTest::newRow("huge output") << u"{{range seq 1 1000}}{{printf \"%1000000d\" 1}}{{end}}"_s
                                 << u"output exceeds 33554432 characters"_s;
    QTest::newRow("doubling string") << u"{{$x := \"xx\"}}{{range seq 1 64}}{{$x = print $x $x}}{{end}}"_s
                                     << u"error calling print: result exceeds 16777216 characters"_s;
    QTest::newRow("binary garbage") << u"{{\u0001\u0002}}"_s << u"unrecognized character in action: U+0001"_s;
}

void TestTemplate::limits()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const QString result = run(u"e.tmpl"_s, text, sampleStore(), Value());
    QVERIFY2(result.startsWith(u"ERROR: "_s) && result.contains(expected), qPrintable(result.left(300)));
}
