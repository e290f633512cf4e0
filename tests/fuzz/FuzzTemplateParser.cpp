// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// libFuzzer target: a confd template is the largest untrusted text the engine parses. Lexing and
// parsing must answer with a template or an error, never a crash; a template that parses is rendered
// once over a small fixed store (when that is quick, see renderIsQuick), so the executor and the
// functions it calls are covered too.
#include "core/engine/template/Template.h"

#include <cstddef>
#include <cstdint>

using namespace Qt::StringLiterals;

namespace {

const lbdeck::tmpl::Store& store()
{
    static const lbdeck::tmpl::Store s{
        {u"/test/apache-8001"_s, u"10.0.0.2:8001"_s},
        {u"/test/apache-8002"_s, u"10.0.0.3:8002"_s},
        {u"/app/upstream/a/host"_s, u"127.0.0.1"_s},
        {u"/app/upstream/a/port"_s, u"8080"_s},
        {u"/app/json"_s, u"{\"k\": [1, \"two\", {\"x\": null}], \"n\": 1.5e3}"_s},
        {u"/app/list"_s, u"[\"b\", \"a\"]"_s},
        {u"/app/flag"_s, u"true"_s},
        {u"/app/b64"_s, u"aGVsbG8="_s},
    };
    return s;
}

const lbdeck::tmpl::Value& dot()
{
    using lbdeck::tmpl::Value;
    static const Value d = Value::map(
        {{u"Name"_s, Value(u"fuzz"_s)}, {u"N"_s, Value(3)}, {u"List"_s, Value::strings({u"x"_s, u"y"_s})}});
    return d;
}

// Whether a render is deterministic and quick enough to fuzz. getenv reads the environment,
// datetime the clock, fileExists the file system and the lookups DNS, so they are left out (a
// function can only be called by its name). The
// executor's own bounds (10 million steps, 32 MB of output) keep a render finite, but 10 million
// steps take 20 s under ASan; what multiplies steps is nested loops and templates calling
// themselves more than once, so those are rendered only where their sizes stay small: ranges over
// seq (up to a million numbers) are not rendered at all, and over lists built from the input (split,
// json, jsonArray, map) only one range deep. The store's lists hold 8 items.
bool renderIsQuick(const QString& text)
{
    for (const QStringView name : {u"getenv", u"datetime", u"fileExists", u"lookup"}) {
        if (text.contains(name))
            return false;
    }
    if (text.count(u"template"_s) + text.count(u"block"_s) > 2)
        return false;
    const qsizetype ranges = text.count(u"range"_s);
    if (ranges > 3 || (ranges > 0 && text.contains(u"seq"_s)))
        return false;
    const bool inputLists = text.contains(u"split"_s) || text.contains(u"json"_s) || text.contains(u"map"_s);
    return ranges <= 1 || !inputLists;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace lbdeck::tmpl;
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    const lbdeck::Result<Template> parsed = Template::parse(u"fuzz.tmpl"_s, text);
    if (!parsed)
        return 0;
    (void)parsed->templateNames();
    if (renderIsQuick(text))
        (void)parsed->render(store(), dot());
    return 0;
}
