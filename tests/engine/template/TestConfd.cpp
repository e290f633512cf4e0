// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TestTemplate.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace lbdeck::tmpl;

// confd's functions over sampleStore(), as confd's template_funcs.go and memkv's store.go define them.
void TestTemplate::confd_data()
{
    textColumns();

    // Store functions.
    row("getv", u"{{getv \"/app/name\"}}"_s, u"shop"_s);
    row("getv default", u"{{getv \"/app/missing\" \"fallback\"}} {{getv \"/app/name\" \"fallback\"}}"_s,
        u"fallback shop"_s);
    row("exists", u"{{exists \"/app/name\"}} {{exists \"/app/nope\"}} {{exists \"/app\"}}"_s,
        u"true false false"_s);
    row("get", u"{{with get \"/app/name\"}}{{.Key}}={{.Value}}{{end}} {{(get \"/app/db/port\").Value}}"_s,
        u"/app/name=shop 5432"_s);
    row("gets sorted by key", u"{{range gets \"/app/upstreams/web/*\"}}{{.Key}}:{{.Value}};{{end}}"_s,
        u"/app/upstreams/web/a:10.0.0.2:80;/app/upstreams/web/b:10.0.0.1:80;"_s);
    row("getvs sorted by value", u"{{range getvs \"/app/upstreams/web/*\"}}{{.}};{{end}}"_s,
        u"10.0.0.1:80;10.0.0.2:80;"_s);
    row("star stops at slash", u"{{len (gets \"/app/*\")}} {{len (getvs \"/app/*/*\")}}"_s, u"3 2"_s);
    row("question mark", u"{{range getvs \"/app/upstreams/*/?\"}}{{.}} {{end}}"_s,
        u"10.0.0.1:80 10.0.0.2:80 10.0.1.1:8080 "_s);
    row("character class", u"{{range gets \"/test/apache-800[2-9]\"}}{{.Value}}{{end}}"_s,
        u"172.17.8.202:8002"_s);
    row("negated class", u"{{range gets \"/test/apache-800[^2]\"}}{{.Value}}{{end}}"_s,
        u"172.17.8.203:8001"_s);
    row("escaped star", u"{{len (gets \"/app/\\\\*\")}}"_s, u"0"_s);
    row("no match", u"{{range getvs \"/none/*\"}}x{{else}}none{{end}} {{gets \"/none\"}}"_s, u"none []"_s);
    row("go byte order", u"{{range getvs \"/uni/*\"}}{{.}}{{end}}"_s, u"\uFF21\U0001F600"_s);
    row("ls", u"{{ls \"/app\"}} {{ls \"/app/upstreams/web\"}} {{ls \"/app/\"}}"_s,
        u"[db json list name upstreams] [a b] [db json list name upstreams]"_s);
    row("ls of a key", u"{{ls \"/app/name\"}} {{ls \"/nope\"}}"_s, u"[name] []"_s);
    row("ls root lists leaves only", u"{{ls \"/\"}}"_s, u"[top]"_s); // memkv's term comparison
    row("lsdir", u"{{lsdir \"/app\"}} {{lsdir \"/app/upstreams\"}} {{lsdir \"/app/upstreams/web\"}}"_s,
        u"[db upstreams] [api web] []"_s);
    row("lsdir raw prefix", u"{{lsdir \"/ap\"}}"_s, u"[]"_s);
    row("kvpair depth", u"{{range gets \"/app/db/*\"}}{{.Depth}}{{end}}"_s, u"33"_s);
    row("nested lookups",
        u"{{range $dir := lsdir \"/app/upstreams\"}}{{$dir}}:{{range getvs (printf \"/app/upstreams/%s/*\" $dir)}} {{.}}{{end}};{{end}}"_s,
        u"api: 10.0.1.1:8080;web: 10.0.0.1:80 10.0.0.2:80;"_s);

    // JSON: numbers are float64, objects are maps in key order.
    row("json fields",
        u"{{$j := json (getv \"/app/json\")}}{{$j.name}} {{$j.port}} {{index $j.tags 1}} {{$j.on}} {{len $j.tags}}"_s,
        u"x 8080 b true 2"_s);
    row("json print", u"{{json (getv \"/app/json\")}}"_s, u"map[name:x on:true port:8080 tags:[a b]]"_s);
    row("jsonArray",
        u"{{range jsonArray (getv \"/app/list\")}}[{{.}}]{{end}} {{jsonArray (getv \"/app/list\")}}"_s,
        u"[1][two][<no value>] [1 two <nil>]"_s);
    row("json null", u"{{json \"null\"}} {{jsonArray \"null\"}} {{printf \"%T\" (jsonArray \"[]\")}}"_s,
        u"map[] [] []interface {}"_s);

    // Paths and strings.
    row("base dir",
        u"{{base \"/a/b/c\"}} {{base \"/a/b/\"}} {{base \"\"}} {{base \"/\"}} {{dir \"/a/b/c\"}} {{dir \"a\"}} {{dir \"/a\"}} {{dir \"/a//b/../c\"}}"_s,
        u"c b . / /a/b . / /a"_s);
    row("split", u"{{split \"a,b,,c\" \",\"}} {{len (split \"\" \",\")}} {{split \"h\u00e9j\" \"\"}}"_s,
        u"[a b  c] 1 [h \u00e9 j]"_s);
    row("join", u"{{join (split \"a:b:c\" \":\") \"-\"}} {{join (getvs \"/app/upstreams/web/*\") \",\"}}"_s,
        u"a-b-c 10.0.0.1:80,10.0.0.2:80"_s);
    row("case", u"{{toUpper \"abc-\u00e9\"}} {{toLower \"ABC\"}}"_s, u"ABC-\u00c9 abc"_s);
    row("contains", u"{{contains \"nginx.conf\" \"conf\"}} {{contains \"a\" \"b\"}}"_s, u"true false"_s);
    row("replace",
        u"{{replace \"a.b.c\" \".\" \"-\" -1}} {{replace \"a.b.c\" \".\" \"-\" 1}} {{replace \"ab\" \"\" \"-\" -1}}"_s,
        u"a-b-c a-b.c -a-b-"_s);
    row("trimSuffix", u"{{trimSuffix \"file.tmpl\" \".tmpl\"}} {{trimSuffix \"file\" \".tmpl\"}}"_s,
        u"file file"_s);
    row("map", u"{{$m := map \"a\" 1 \"b\" \"two\"}}{{$m.a}} {{$m.b}} {{index $m \"b\"}} {{$m}}"_s,
        u"1 two two map[a:1 b:two]"_s);
    row("parseBool", u"{{parseBool \"true\"}} {{parseBool \"0\"}} {{if parseBool \"T\"}}yes{{end}}"_s,
        u"true false yes"_s);
    row("base64",
        u"{{base64Encode \"hello\"}} {{base64Decode \"aGVsbG8=\"}} {{base64Decode \"aGVs\\nbG8=\"}}"_s,
        u"aGVsbG8= hello hello"_s);
    row("getenv",
        u"{{getenv \"LBDECK_TMPL_TEST\"}} {{getenv \"LBDECK_TMPL_UNSET\" \"dflt\"}}|{{getenv \"LBDECK_TMPL_UNSET\"}}|"_s,
        u"from-env dflt||"_s);

    // Numbers and lists.
    row("arithmetic",
        u"{{add 1 2}} {{sub 1 2}} {{mul 3 4}} {{div 7 2}} {{mod 7 2}} {{div -7 2}} {{mod -7 2}}"_s,
        u"3 -1 12 3 1 -3 -1"_s);
    row("atoi", u"{{add (atoi \"40\") 2}} {{atoi \"-12\"}} {{atoi \"+7\"}}"_s, u"42 -12 7"_s);
    row("seq", u"{{seq 1 5}} {{range seq 3 1}}x{{else}}none{{end}} {{range $i := seq 1 3}}{{$i}},{{end}}"_s,
        u"[1 2 3 4 5] none 1,2,3,"_s);
    row("reverse", u"{{reverse (getvs \"/app/upstreams/web/*\")}} {{reverse (seq 1 3)}}"_s,
        u"[10.0.0.2:80 10.0.0.1:80] [1 2 3]"_s);
    row("reverse kvpairs", u"{{range reverse (gets \"/app/upstreams/web/*\")}}{{base .Key}}{{end}}"_s,
        u"ba"_s);
    row("sortByLength", u"{{sortByLength (split \"ccc,a,bb,dd\" \",\")}}"_s, u"[a bb dd ccc]"_s);
    row("sortKVByLength", u"{{range sortKVByLength (gets \"/len/*\")}}{{.Value}}{{end}}"_s, u"123"_s);
}

void TestTemplate::confd()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(run(u"t"_s, text, sampleStore(), Value()), expected);
}
