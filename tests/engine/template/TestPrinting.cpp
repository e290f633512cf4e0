// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TestTemplate.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace lbdeck::tmpl;

// fmt's %v printing and printf, as Go prints them.
void TestTemplate::printing_data()
{
    textColumns();

    row("print floats", u"{{print 1.0}} {{print 3.0 2.25}} {{print 100000.0}} {{print 1000000.0}}"_s,
        u"1 3 2.25 100000 1e+06"_s);
    row("print large and small floats",
        u"{{print 123456789.0}} {{print 0.0001}} {{print 0.00001}} {{print 1e20}}"_s,
        u"1.23456789e+08 0.0001 1e-05 1e+20"_s);
    row("shortest float", u"{{print 0.1}} {{print 2.675}} {{print 1e-7}}"_s, u"0.1 2.675 1e-07"_s);
    row("%04x", u"{{printf \"%04x\" 127}}"_s, u"007f"_s);
    row("%g", u"{{printf \"%g\" 3.5}}"_s, u"3.5"_s);
    row("integers", u"{{printf \"%d|%5d|%-5d|%05d|%+d\" 42 42 42 42 42}}"_s, u"42|   42|42   |00042|+42"_s);
    row("bases", u"{{printf \"%x %X %o %b %c %q %U\" 255 255 8 5 65 65 65}}"_s,
        u"ff FF 10 101 A 'A' U+0041"_s);
    row("sharp", u"{{printf \"%#x %#o %#U %#08x\" 255 8 65 255}}"_s, u"0xff 010 U+0041 'A' 0x000000ff"_s);
    row("negative hex", u"{{printf \"%x %d\" -255 -7}}"_s, u"-ff -7"_s);
    row("chars", u"{{printf \"%c%c\" 72 105}}"_s, u"Hi"_s);
    row("strings", u"{{printf \"%s|%10s|%-10s|%.2s|%q\" \"abc\" \"abc\" \"abc\" \"abc\" \"a\\\"b\"}}"_s,
        u"abc|       abc|abc       |ab|\"a\\\"b\""_s);
    row("precision counts runes", u"{{printf \"%.3s|%5s|\" \"h\u00e9llo\" \"\u00e9\"}}"_s,
        u"h\u00e9l|    \u00e9|"_s);
    row("quote", u"{{printf \"%q %#q %+q\" \"tab\\there\" \"raw\" \"\u00e9\"}}"_s,
        u"\"tab\\there\" `raw` \"\\u00e9\""_s);
    row("hex string", u"{{printf \"%x %X % x %#x\" \"hi\" \"hi\" \"hi\" \"hi\"}}"_s,
        u"6869 6869 68 69 0x6869"_s);
    row("%v", u"{{printf \"%v %v %v %v\" 1 \"s\" true 2.5}}"_s, u"1 s true 2.5"_s);
    row("%t", u"{{printf \"%t %5t|%-6v|\" true true false}}"_s, u"true  true|false |"_s);
    row("%f %e",
        u"{{printf \"%f %.2f %8.3f %-8.1f| %e %E %.0f %.1f\" 3.14159 3.14159 3.14159 3.14159 1234.5678 1234.5678 2.5 0.05}}"_s,
        u"3.141590 3.14    3.142 3.1     | 1.234568e+03 1.234568E+03 2 0.1"_s);
    row("%g forms", u"{{printf \"%g %g %g %g %G\" 100000.0 1000000.0 0.0001 0.00001 1e-7}}"_s,
        u"100000 1e+06 0.0001 1e-05 1E-07"_s);
    row("%g precision", u"{{printf \"%.3g %.2g %g %.3g\" 2.5 100.0 1e21 1.0}}"_s, u"2.5 1e+02 1e+21 1"_s);
    row("float padding", u"{{printf \"%5.1f|%-7.2f|%07.2f|%08.3f\" 3.14159 2.5 -1.5 3.14159}}"_s,
        u"  3.1|2.50   |-001.50|0003.142"_s);
    row("float sign", u"{{printf \"%+.1e|% .2f|%+v\" 12345.0 1.5 2.5}}"_s, u"+1.2e+04| 1.50|2.5"_s);
    row("percent", u"{{printf \"%6.2f%%\" 12.3456}}"_s, u" 12.35%"_s);
    row("lists", u"{{printf \"%v|%q|%d|%x\" .SS .SS .SI .SI}}"_s, u"[a b]|[\"a\" \"b\"]|[3 4 5]|[3 4 5]"_s);
    row("maps and structs", u"{{printf \"%v|%+v|%s\" .MSI .KV .KV}}"_s,
        u"map[one:1 three:3 two:2]|{Key:/k Value:v}|{/k v}"_s);
    row("%T", u"{{printf \"%T %T %T %T %T %T\" 1 \"s\" 1.5 .SS .KV .MSI}}"_s,
        u"int string float64 []string memkv.KVPair map[string]interface {}"_s);
    row("%T of lists", u"{{printf \"%T %T %T\" .SI (seq 1 2) (gets \"/test/*\")}}"_s,
        u"[]int []int []memkv.KVPair"_s);
    row("star width", u"{{printf \"%*d|%-*d|%.*f\" 5 1 3 1 2 3.14159}}"_s, u"    1|1  |3.14"_s);
    row("argument index", u"{{printf \"%[2]d %[1]d %d\" 1 2}}"_s, u"2 1 2"_s);
    row("bad verb", u"{{printf \"%d|%s|%.2f|%d\" \"x\" 1 1 1.5}}"_s,
        u"%!d(string=x)|%!s(int=1)|%!f(int=01)|%!d(float64=1.5)"_s);
    row("bad verb in list", u"{{printf \"%d\" .SS}}"_s, u"[%!d(string=a) %!d(string=b)]"_s);
    row("missing and extra", u"{{printf \"%d %d\" 1}}|{{printf \"%d\" 1 \"a\" nil}}"_s,
        u"1 %!d(MISSING)|1%!(EXTRA string=a, <nil>)"_s);
    row("nil", u"{{printf \"%v|%s|%d\" nil nil nil}}"_s, u"<nil>|%!s(<nil>)|%!d(<nil>)"_s);
    row("no verb", u"{{printf \"%\"}}|{{printf \"%-\"}}"_s, u"%!(NOVERB)|%!(NOVERB)"_s);
    row("too wide", u"{{printf \"%100000000d\" 1}}"_s, u"%!(NOVERB)%!(EXTRA int=1)"_s);
    row("bad width", u"{{printf \"%*d\" \"x\" 1}}"_s, u"%!(BADWIDTH)1"_s);
    row("bad index", u"{{printf \"%[3]d\" 1}}"_s, u"%!d(BADINDEX)"_s);
    row("pipe into printf", u"{{\"x\" | printf}} {{.I | printf \"%03d\"}}"_s, u"x 017"_s);
}

void TestTemplate::printing()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(run(u"t"_s, text, sampleStore(), sampleDot()), expected);
}
