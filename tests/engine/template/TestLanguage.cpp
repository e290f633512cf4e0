// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TestTemplate.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace lbdeck::tmpl;

void TestTemplate::language_data()
{
    textColumns();

    // Text, comments and trim markers.
    row("empty", u""_s, u""_s);
    row("text", u"hello, world\n"_s, u"hello, world\n"_s);
    row("comment", u"a{{/* a comment */}}b"_s, u"ab"_s);
    row("multi-line comment", u"a{{/*\n x \n*/}}b"_s, u"ab"_s);
    row("comment with trim", u"a \n{{- /* c */ -}}\n b"_s, u"ab"_s);
    row("trim both", u"x \r\n\t{{- 3 -}} \n\t y"_s, u"x3y"_s);
    row("trim left", u"a  \n {{- 1}}  b"_s, u"a1  b"_s);
    row("trim right", u"a  {{1 -}} \n b"_s, u"a  1b"_s);
    row("minus without space is a number", u"{{-3}}"_s, u"-3"_s);
    row("trim in range", u"{{range .SI -}}\n  {{.}}\n{{- end}}"_s, u"345"_s);
    row("delimiter in a string", u"{{\"{{\"}}"_s, u"{{"_s);

    // Fields, maps and KVPairs; a missing key prints <no value> as in Go.
    row("field", u"{{.S}} {{.I}} {{.F}} {{.B}}"_s, u"xyz 17 1.5 true"_s);
    row("missing field", u"{{.Missing}}"_s, u"<no value>"_s);
    row("nested fields", u"{{.Nested.a.b}}"_s, u"deep"_s);
    row("field of missing", u"{{.Nested.x.y}}"_s, u"<no value>"_s);
    row("nil value", u"{{.Nil}}"_s, u"<no value>"_s);
    row("list", u"{{.SI}} {{.SS}} {{.Empty}}"_s, u"[3 4 5] [a b] []"_s);
    row("map in key order", u"{{.MSI}} {{.EM}}"_s, u"map[one:1 three:3 two:2] map[]"_s);
    row("kvpair", u"{{.KV}} {{.KV.Key}}={{.KV.Value}} {{.KV.Depth}}"_s, u"{/k v} /k=v 1"_s);
    row("dollar", u"{{with .Nested}}{{$.S}}{{end}}"_s, u"xyz"_s);
    row("chain on parens", u"{{(index .Nested \"a\").b}} {{(.Nested).a.b}}"_s, u"deep deep"_s);

    // Variables: declared until {{end}}, assignment reaches the declaring scope.
    row("declare", u"{{$x := 3}}{{$x}}"_s, u"3"_s);
    row("assign", u"{{$x := 1}}{{$x = 2}}{{$x}}"_s, u"2"_s);
    row("assign in inner scope", u"{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}"_s, u"2"_s);
    row("scope ends at end", u"{{if true}}{{$x := 1}}{{end}}{{$x := 2}}{{$x}}"_s, u"2"_s);
    row("if $x with $x", u"{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}"_s, u"17,true"_s);
    row("variable field", u"{{$n := .Nested}}{{$n.a.b}}"_s, u"deep"_s);

    // Pipelines and parentheses: the previous result is the last argument.
    row("pipeline", u"{{.S | printf \"%s!\"}}"_s, u"xyz!"_s);
    row("pipeline last argument", u"{{\"a\" | printf \"%s-%s\" \"b\"}}"_s, u"b-a"_s);
    row("parens", u"{{printf \"%d %d %d\" (1) (2 | add 3) (add 4 (add 5 6))}}"_s, u"1 5 15"_s);
    row("parenthesized non-function", u"{{(1)}}"_s, u"1"_s);

    // Literals.
    row("string escapes", u"{{\"a\\tb\\u00e9\\x41\\101\"}}"_s, u"a\tb\u00e9AA"_s);
    row("raw string", u"{{`a\\n\"b`}}"_s, u"a\\n\"b"_s);
    row("integers", u"{{0x1F}} {{0o17}} {{0b101}} {{017}} {{1_000}} {{-2}}"_s, u"31 15 5 15 1000 -2"_s);
    row("char", u"{{'a'}} {{'\\n'}}"_s, u"97 10"_s);
    row("floats", u"{{1.5}} {{1e3}} {{1e21}} {{0.000001}} {{-0.0}}"_s, u"1.5 1000 1e+21 1e-06 -0"_s);
    row("hex float", u"{{print +0x1.ep+2}}"_s, u"7.5"_s);
    row("hex int type", u"{{printf \"%T\" 0xef}}"_s, u"int"_s);
    row("bool", u"{{true}} {{false}}"_s, u"true false"_s);

    // if / else if / else and Go's truth.
    row("if true", u"{{if .B}}T{{else}}F{{end}}"_s, u"T"_s);
    row("if zero", u"{{if .Z}}T{{else}}F{{end}}"_s, u"F"_s);
    row("else if chain", u"{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}"_s, u"3"_s);
    row("truth empty string", u"{{if .E}}T{{else}}F{{end}}{{if .S}}T{{else}}F{{end}}"_s, u"FT"_s);
    row("truth lists", u"{{if .Empty}}T{{else}}F{{end}}{{if .SI}}T{{else}}F{{end}}"_s, u"FT"_s);
    row("truth maps", u"{{if .EM}}T{{else}}F{{end}}{{if .MSI}}T{{else}}F{{end}}"_s, u"FT"_s);
    row("truth nil and missing", u"{{if .Nil}}T{{else}}F{{end}}{{if .Missing}}T{{else}}F{{end}}"_s, u"FF"_s);
    row("truth floats", u"{{if 0.0}}T{{else}}F{{end}}{{if 1.5}}T{{else}}F{{end}}"_s, u"FT"_s);
    row("truth struct", u"{{if .KV}}T{{else}}F{{end}}"_s, u"T"_s);

    // with.
    row("with", u"{{with .S}}{{.}}{{end}}"_s, u"xyz"_s);
    row("with else", u"{{with .E}}x{{else}}none{{end}}"_s, u"none"_s);
    row("no else with in Go 1.19", u"{{with 0}}{{.}}{{else with true}}{{.}}{{end}}"_s,
        u"ERROR: template: t:1:22: unexpected <with> in else"_s);
    row("with $x", u"{{with $x := .I}}{{$x}}{{end}}"_s, u"17"_s);

    // range over lists, maps (sorted keys) and integers; break and continue.
    row("range list", u"{{range .SI}}-{{.}}-{{end}}"_s, u"-3--4--5-"_s);
    row("range empty else", u"{{range .Empty}}x{{else}}EMPTY{{end}}"_s, u"EMPTY"_s);
    row("range nil else", u"{{range .Nil}}x{{else}}none{{end}}"_s, u"none"_s);
    row("range $v", u"{{range $v := .SI}}<{{$v}}>{{end}}"_s, u"<3><4><5>"_s);
    row("range $i $v", u"{{range $i, $v := .SI}}<{{$i}}={{$v}}>{{end}}"_s, u"<0=3><1=4><2=5>"_s);
    row("range map", u"{{range .MSI}}-{{.}}-{{end}}"_s, u"-1--3--2-"_s);
    row("range map $k $v", u"{{range $k, $v := .MSI}}{{$k}}={{$v}};{{end}}"_s, u"one=1;three=3;two=2;"_s);
    row("range break", u"{{range .SI}}-{{.}}-{{break}}NOTREACHED{{else}}EMPTY{{end}}"_s, u"-3-"_s);
    row("range continue", u"{{range .SI}}-{{.}}-{{continue}}NOTREACHED{{end}}"_s, u"-3--4--5-"_s);
    row("break in if", u"{{range .SI}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}"_s, u"3"_s);
    row("continue in if", u"{{range .SI}}{{if eq . 4}}{{continue}}{{end}}{{.}}{{end}}"_s, u"35"_s);
    row("no range over int in Go 1.19", u"{{range 3}}{{.}}{{end}}"_s,
        u"ERROR: template: t:1:8: executing \"t\" at <3>: range can't iterate over 3"_s);
    row("range declare in body", u"{{range $x := .SI}}<{{$foo:=$x}}{{$x}}>{{end}}"_s, u"<3><4><5>"_s);
    row("range assign one", u"{{$i := 0}}{{range $i = .SI}}{{end}}{{$i}}"_s, u"5"_s);
    row("range assign two", u"{{$k := 0}}{{$v := 0}}{{range $k, $v = .SI}}{{$k}}={{$v}} {{end}}"_s,
        u"0=3 1=4 2=5 "_s);
    row("range dollar", u"{{range .SI}}{{$.S}}{{end}}"_s, u"xyzxyzxyz"_s);

    // define, template and block.
    row("define",
        u"{{define \"T1\"}}ONE{{end}}{{define \"T2\"}}TWO{{end}}{{template \"T1\"}}{{template \"T2\"}}"_s,
        u"ONETWO"_s);
    row("template dot", u"{{define \"x\"}}[{{.}}]{{end}}{{template \"x\" .S}}"_s, u"[xyz]"_s);
    row("template no dot", u"{{define \"x\"}}[{{.}}]{{end}}{{template \"x\"}}"_s, u"[<no value>]"_s);
    row("template sees only $", u"{{define \"x\"}}{{$}}{{end}}{{$y := 1}}{{template \"x\" 5}}"_s, u"5"_s);
    row("template recursion",
        u"{{define \"r\"}}{{if .}}{{len .}}{{template \"r\" slice . 1}}{{end}}{{end}}{{template \"r\" .SI}}"_s,
        u"321"_s);
    row("block", u"a({{block \"inner\" .S}}bar({{.}})baz{{end}})b"_s, u"a(bar(xyz)baz)b"_s);
    row("define before use in text", u"x{{define \"d\"}}D{{end}}y{{template \"d\"}}"_s, u"xyD"_s);

    // Builtins.
    row("and", u"{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}"_s, u"false 0 0 1"_s);
    row("or", u"{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}"_s, u"0 1 true 1"_s);
    row("or short-circuit", u"{{or 0 1 (getv \"/nope\")}}"_s, u"1"_s);
    row("and short-circuit", u"{{and 1 0 (getv \"/nope\")}}"_s, u"0"_s);
    row("and pipe", u"{{1 | and 1}} {{0 | and 1}}"_s, u"1 0"_s);
    row("or pipe", u"{{1 | or 0}} {{0 | or 0}}"_s, u"1 0"_s);
    row("and undefined", u"{{and 1 .Unknown}}"_s, u"<no value>"_s);
    row("or as default", u"{{or .SI \"empty\"}} {{or .Empty \"empty\"}}"_s, u"[3 4 5] empty"_s);
    row("not", u"{{not true}} {{not false}} {{not .E}}"_s, u"false true true"_s);
    row("len", u"{{len .SI}} {{len .MSI}} {{len .S}} {{len \"h\u00e9llo\"}}"_s, u"3 3 3 6"_s);
    row("index", u"{{index .SI 1}} {{index .MSI \"two\"}} {{index .Nested \"a\" \"b\"}}"_s, u"4 2 deep"_s);
    row("index missing key", u"{{index .MSI \"XXX\"}}"_s, u"<no value>"_s);
    row("index string byte", u"{{index \"hi\" 1}}"_s, u"105"_s);
    row("slice", u"{{slice .SI}} {{slice .SI 1}} {{slice .SI 1 2}} {{slice .SI 0 1 2}}"_s,
        u"[3 4 5] [4 5] [4] [3]"_s);
    row("slice string", u"{{slice .S}} {{slice .S 1}} {{slice .S 1 2}}"_s, u"xyz yz y"_s);
    row("eq", u"{{eq 1 1}} {{eq 1 2}} {{eq 3 4 5 6 3}} {{eq \"a\" \"a\"}} {{eq .KV .KV}} {{eq .Nil nil}}"_s,
        u"true false true true true true"_s);
    row("ne lt le gt ge",
        u"{{ne \"a\" \"b\"}} {{lt 1.5 2.5}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1 2}} {{lt \"a\" \"b\"}}"_s,
        u"true true true true false true"_s);
    row("print", u"{{print \"a\" 1 2 \"b\" 3.5 true nil}}"_s, u"a1 2b3.5 true <nil>"_s);
    row("println", u"{{println 1 \"a\" 2}}"_s, u"1 a 2\n"_s);
    row("print lists", u"{{print .SI .SS}}"_s, u"[3 4 5] [a b]"_s);
}

void TestTemplate::language()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(run(u"t"_s, text, sampleStore(), sampleDot()), expected);
}
