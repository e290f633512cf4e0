// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TestTemplate.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace lbdeck::tmpl;

void TestTemplate::initTestCase()
{
    qputenv("LBDECK_TMPL_TEST", "from-env");
    qunsetenv("LBDECK_TMPL_UNSET");
    qputenv("LBDECK_TMPL_EMPTY", ""); // set but empty: confd's getenv gives the default
}

Value TestTemplate::sampleDot()
{
    return Value::map({
        {u"S"_s, Value(u"xyz"_s)},
        {u"I"_s, Value(17)},
        {u"F"_s, Value(1.5)},
        {u"B"_s, Value(true)},
        {u"Z"_s, Value(0)},
        {u"E"_s, Value(QString())},
        {u"SI"_s, Value::list({Value(3), Value(4), Value(5)}, Value::ListType::Int)},
        {u"SS"_s, Value::stringList({u"a"_s, u"b"_s})},
        {u"MSI"_s, Value::map({{u"one"_s, Value(1)}, {u"two"_s, Value(2)}, {u"three"_s, Value(3)}})},
        {u"Empty"_s, Value::list({})},
        {u"EM"_s, Value::map({})},
        {u"KV"_s, Value::kvPair(u"/k"_s, u"v"_s)},
        {u"Nil"_s, Value()},
        {u"Nested"_s, Value::map({{u"a"_s, Value::map({{u"b"_s, Value(u"deep"_s)}})}})},
    });
}

Store TestTemplate::sampleStore()
{
    return Store{
        {u"/test/apache-8001"_s, u"172.17.8.203:8001"_s},
        {u"/test/apache-8002"_s, u"172.17.8.202:8002"_s},
        {u"/app/db/host"_s, u"db.local"_s},
        {u"/app/db/port"_s, u"5432"_s},
        {u"/app/name"_s, u"shop"_s},
        {u"/app/upstreams/web/a"_s, u"10.0.0.2:80"_s},
        {u"/app/upstreams/web/b"_s, u"10.0.0.1:80"_s},
        {u"/app/upstreams/api/x"_s, u"10.0.1.1:8080"_s},
        {u"/app/json"_s, uR"({"name":"x","port":8080,"tags":["a","b"],"on":true})"_s},
        {u"/app/list"_s, uR"([1,"two",null])"_s},
        {u"/len/aaa"_s, u"3"_s},
        {u"/len/b"_s, u"1"_s},
        {u"/len/cc"_s, u"2"_s},
        {u"/uni/a"_s, u"\U0001F600"_s},
        {u"/uni/b"_s, u"\uFF21"_s},
        {u"/top"_s, u"1"_s},
    };
}

QString TestTemplate::run(const QString& name, const QString& text, const Store& store, const Value& dot)
{
    const auto parsed = Template::parse(name, text);
    if (!parsed)
        return u"ERROR: "_s + parsed.error().message;
    const auto rendered = parsed->render(store, dot);
    if (!rendered)
        return u"ERROR: "_s + rendered.error().message;
    return *rendered;
}

QTEST_GUILESS_MAIN(TestTemplate)
