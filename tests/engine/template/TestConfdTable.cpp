// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TestTemplate.h"

#include "core/engine/template/ConfdLookup.h"

#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

using namespace Qt::StringLiterals;
using namespace lbdeck::tmpl;

// confd's functions, one table row per function and input type. The expected values are what Go 1.19
// gives when it runs confd's own function definitions (resource/template/template_funcs.go at HEAD:
// strings.Split, json.Unmarshal, strconv.Atoi, sort.Sort...) with nil data, error texts included.
void TestTemplate::confdTable_data()
{
    textColumns();
    row("split 1",
        uR"__({{split "a,b,,c" ","}} {{len (split "" ",")}} {{len (split "" "")}} {{split "abc" ""}} {{split "a" "a"}} {{len (split "a" "a")}})__"_s,
        u"[a b  c] 1 0 [a b c] [ ] 2"_s);
    row("split 2", uR"__({{printf "%q" (split "\xff\u00e9x" "")}} {{printf "%q" (split "a\xff" "")}})__"_s,
        u"[\"\uFFFD\" \"\u00E9\" \"x\"] [\"a\" \"\\xff\"]"_s);
    row("split 3", uR"__({{split 1 ","}})__"_s,
        u"ERROR: template: t:1:8: executing \"t\" at <1>: expected string; found 1"_s);
    row("split 4", uR"__({{split nil ","}})__"_s,
        u"ERROR: template: t:1:8: executing \"t\" at <nil>: cannot assign nil to string"_s);
    row("join 1", uR"__({{join (split "a b c" " ") "-"}} {{join (split "" ",") "-"}})__"_s, u"a-b-c "_s);
    row("join 2", uR"__({{join (jsonArray "[\"a\"]") ","}})__"_s,
        u"ERROR: template: t:1:18: executing \"t\" at <\"[\\\"a\\\"]\">: wrong type for value; expected []string; got []interface {}"_s);
    row("json 1",
        uR"__({{json "{\"a\":1e3,\"b\":12345678901234567890,\"c\":[1,{\"d\":null}],\"e\":\"\\u00e9\"}"}})__"_s,
        u"map[a:1000 b:1.2345678901234567e+19 c:[1 map[d:<nil>]] e:\u00E9]"_s);
    row("json 2", uR"__({{json "[1]"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <json \"[1]\">: error calling json: json: cannot unmarshal array into Go value of type map[string]interface {}"_s);
    row("json 3", uR"__({{json "1"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <json \"1\">: error calling json: json: cannot unmarshal number into Go value of type map[string]interface {}"_s);
    row("json 4", uR"__({{json "\"s\""}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <json \"\\\"s\\\"\">: error calling json: json: cannot unmarshal string into Go value of type map[string]interface {}"_s);
    row("json 5", uR"__({{json "x"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <json \"x\">: error calling json: invalid character 'x' looking for beginning of value"_s);
    row("json 6", uR"__({{json ""}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <json \"\">: error calling json: unexpected end of JSON input"_s);
    row("json 7", uR"__({{json "{} x"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <json \"{} x\">: error calling json: invalid character 'x' after top-level value"_s);
    row("json 8", uR"__({{json "{\"a\":1,}"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <json \"{\\\"a\\\":1,}\">: error calling json: invalid character '}' looking for beginning of object key string"_s);
    row("json 9", uR"__({{json "null"}} {{printf "%T" (json "null")}})__"_s,
        u"map[] map[string]interface {}"_s);
    row("jsonArray 1", uR"__({{jsonArray "[1,\"a\",true,null,1.5]"}} {{printf "%T" (jsonArray "[]")}})__"_s,
        u"[1 a true <nil> 1.5] []interface {}"_s);
    row("jsonArray 2", uR"__({{jsonArray "{}"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <jsonArray \"{}\">: error calling jsonArray: json: cannot unmarshal object into Go value of type []interface {}"_s);
    row("jsonArray 3", uR"__({{jsonArray "[1"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <jsonArray \"[1\">: error calling jsonArray: unexpected end of JSON input"_s);
    row("map 1", uR"__({{map "a" 1 "b"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <map \"a\" 1 \"b\">: error calling map: invalid map call"_s);
    row("map 2", uR"__({{map 1 2}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <map 1 2>: error calling map: map keys must be strings"_s);
    row("map 3", uR"__({{map nil 2}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <map nil 2>: error calling map: map keys must be strings"_s);
    row("map 4", uR"__({{map}} {{map "a" 1 "a" 2}} {{map "k" nil}})__"_s, u"map[] map[a:2] map[k:<nil>]"_s);
    row("reverse 1",
        uR"__({{reverse (split "a,b,c" ",")}} {{reverse (jsonArray "[1,2,3]")}} {{reverse (seq 1 3)}} {{reverse "abc"}} {{reverse nil}} {{reverse 5}})__"_s,
        u"[c b a] [1 2 3] [1 2 3] abc <no value> 5"_s);
    row("reverse 2", uR"__({{range reverse (gets "/kv/?")}}{{.Key}} {{end}})__"_s,
        u"/kv/q /kv/o /kv/m /kv/k /kv/i /kv/g /kv/e /kv/a "_s);
    row("sortByLength 1",
        uR"__({{sortByLength (split "aa,b,cc,d,ee,f,gg,h,ii,j,kk,l,mm,n,oo,p,qqq,r" ",")}})__"_s,
        u"[j b r d p f n h l ii kk aa mm gg oo ee cc qqq]"_s);
    row("sortByLength 2", uR"__({{sortByLength (split "c,bb,a" ",")}} {{sortByLength (split "" ",")}})__"_s,
        u"[c a bb] []"_s);
    row("sortKVByLength 1", uR"__({{range sortKVByLength (gets "/kv/*")}}{{.Value}},{{end}})__"_s,
        u"8,4,1,16,14,12,6,10,5,2,7,11,0,13,9,3,15,"_s);
    row("seq 1", uR"__({{seq 1 5}} {{seq 5 1}} {{seq 3 3}} {{seq -2 1}} {{len (seq 2 1)}})__"_s,
        u"[1 2 3 4 5] [] [3] [-2 -1 0 1] 0"_s);
    row("add 1",
        uR"__({{add 1 2}} {{sub 1 2}} {{mul -3 4}} {{div 7 -2}} {{mod -7 3}} {{div -9223372036854775808 -1}} {{mod -9223372036854775808 -1}} {{add 9223372036854775807 1}})__"_s,
        u"3 -1 -12 -3 -1 -9223372036854775808 0 -9223372036854775808"_s);
    row("div 1", uR"__({{div 1 0}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <div 1 0>: error calling div: runtime error: integer divide by zero"_s);
    row("mod 1", uR"__({{mod 1 0}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <mod 1 0>: error calling mod: runtime error: integer divide by zero"_s);
    row("add 2", uR"__({{add "1" 2}})__"_s,
        u"ERROR: template: t:1:6: executing \"t\" at <\"1\">: expected integer; found \"1\""_s);
    row("add 3", uR"__({{add 1.5 2}})__"_s,
        u"ERROR: template: t:1:6: executing \"t\" at <1.5>: expected integer; found 1.5"_s);
    row("add 4", uR"__({{add nil 1}})__"_s,
        u"ERROR: template: t:1:6: executing \"t\" at <nil>: cannot assign nil to int"_s);
    row("atoi 1",
        uR"__({{atoi "42"}} {{atoi "-0"}} {{atoi "+7"}} {{atoi "-9223372036854775808"}} {{atoi "0009223372036854775807"}})__"_s,
        u"42 0 7 -9223372036854775808 9223372036854775807"_s);
    row("atoi 2", uR"__({{atoi ""}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <atoi \"\">: error calling atoi: strconv.Atoi: parsing \"\": invalid syntax"_s);
    row("atoi 3", uR"__({{atoi "+"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <atoi \"+\">: error calling atoi: strconv.Atoi: parsing \"+\": invalid syntax"_s);
    row("atoi 4", uR"__({{atoi " 1"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <atoi \" 1\">: error calling atoi: strconv.Atoi: parsing \" 1\": invalid syntax"_s);
    row("atoi 5", uR"__({{atoi "1_000"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <atoi \"1_000\">: error calling atoi: strconv.Atoi: parsing \"1_000\": invalid syntax"_s);
    row("atoi 6", uR"__({{atoi "0x10"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <atoi \"0x10\">: error calling atoi: strconv.Atoi: parsing \"0x10\": invalid syntax"_s);
    row("atoi 7", uR"__({{atoi "9223372036854775808"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <atoi \"9223372036854775808\">: error calling atoi: strconv.Atoi: parsing \"9223372036854775808\": value out of range"_s);
    row("atoi 8", uR"__({{atoi "99999999999999999999x"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <atoi \"99999999999999999999x\">: error calling atoi: strconv.Atoi: parsing \"99999999999999999999x\": value out of range"_s);
    row("atoi 9", uR"__({{atoi "1234567890123456789x"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <atoi \"1234567890123456789x\">: error calling atoi: strconv.Atoi: parsing \"1234567890123456789x\": invalid syntax"_s);
    row("atoi 10", uR"__({{atoi "\xff"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <atoi \"\\xff\">: error calling atoi: strconv.Atoi: parsing \"\\xff\": invalid syntax"_s);
    row("parseBool 1",
        uR"__({{parseBool "1"}} {{parseBool "t"}} {{parseBool "T"}} {{parseBool "TRUE"}} {{parseBool "true"}} {{parseBool "True"}} {{parseBool "0"}} {{parseBool "f"}} {{parseBool "F"}} {{parseBool "FALSE"}} {{parseBool "false"}} {{parseBool "False"}})__"_s,
        u"true true true true true true false false false false false false"_s);
    row("parseBool 2", uR"__({{parseBool "tRUE"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <parseBool \"tRUE\">: error calling parseBool: strconv.ParseBool: parsing \"tRUE\": invalid syntax"_s);
    row("parseBool 3", uR"__({{parseBool ""}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <parseBool \"\">: error calling parseBool: strconv.ParseBool: parsing \"\": invalid syntax"_s);
    row("base64Encode 1",
        uR"__({{base64Encode ""}} {{base64Encode "a"}} {{base64Encode "ab"}} {{base64Encode "\xff"}} {{base64Encode "\u00e9"}})__"_s,
        u" YQ== YWI= /w== w6k="_s);
    row("base64Decode 1",
        uR"__({{base64Decode ""}}|{{base64Decode "YQ=="}}|{{printf "%q" (base64Decode "/w==")}}|{{base64Decode "YWI=\r\n"}})__"_s,
        u"|a|\"\\xff\"|ab"_s);
    row("base64Decode 2", uR"__({{base64Decode "a"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <base64Decode \"a\">: error calling base64Decode: illegal base64 data at input byte 0"_s);
    row("base64Decode 3", uR"__({{base64Decode "YQ"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <base64Decode \"YQ\">: error calling base64Decode: illegal base64 data at input byte 0"_s);
    row("base64Decode 4", uR"__({{base64Decode "YQ="}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <base64Decode \"YQ=\">: error calling base64Decode: illegal base64 data at input byte 3"_s);
    row("base64Decode 5", uR"__({{base64Decode "YQ==YQ=="}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <base64Decode \"YQ==YQ==\">: error calling base64Decode: illegal base64 data at input byte 4"_s);
    row("base64Decode 6", uR"__({{base64Decode "Y Q=="}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <base64Decode \"Y Q==\">: error calling base64Decode: illegal base64 data at input byte 1"_s);
    row("base64Decode 7", uR"__({{base64Decode "YQ==="}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <base64Decode \"YQ===\">: error calling base64Decode: illegal base64 data at input byte 4"_s);
    row("base64Decode 8", uR"__({{base64Decode "=YQ="}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <base64Decode \"=YQ=\">: error calling base64Decode: illegal base64 data at input byte 0"_s);
    row("getenv 1",
        uR"__({{getenv "LBDECK_TMPL_TEST"}} {{getenv "LBDECK_TMPL_UNSET" "d"}} [{{getenv "LBDECK_TMPL_UNSET"}}] {{getenv "LBDECK_TMPL_EMPTY" "d"}} {{getenv "LBDECK_TMPL_UNSET" "d" "e"}})__"_s,
        u"from-env d [] d d"_s);
    row("getenv 2", uR"__({{getenv 1}})__"_s,
        u"ERROR: template: t:1:9: executing \"t\" at <1>: expected string; found 1"_s);
    row("toUpper 1",
        uR"__({{toUpper "abc \u00e9\u00df\u01c6"}} {{toLower "ABC \u00c9\u01c4"}} {{printf "%q" (toUpper "a\xffb")}} {{printf "%q" (toLower "\xfe")}})__"_s,
        u"ABC \u00C9\u00DF\u01C4 abc \u00E9\u01C6 \"A\uFFFDB\" \"\uFFFD\""_s);
    row("replace 1",
        uR"__({{replace "aaaa" "a" "b" -1}} {{replace "aaaa" "a" "b" 2}} {{replace "aaaa" "a" "b" 0}} {{replace "a\u00e9" "" "-" -1}} {{replace "abc" "x" "y" -1}} {{replace "abc" "" "-" 2}} {{replace "aa" "a" "a" -1}})__"_s,
        u"bbbb bbaa aaaa -a-\u00E9- abc -a-bc aa"_s);
    row("replace 2", uR"__({{replace "a" "a" "b" "1"}})__"_s,
        u"ERROR: template: t:1:22: executing \"t\" at <\"1\">: expected integer; found \"1\""_s);
    row("contains 1",
        uR"__({{contains "abc" ""}} {{contains "" ""}} {{contains "abc" "bc"}} {{contains "abc" "x"}})__"_s,
        u"true true true false"_s);
    row("trimSuffix 1",
        uR"__({{trimSuffix "abc" ""}}|{{trimSuffix "abc" "abc"}}|{{trimSuffix "abc" "x"}}|{{trimSuffix "abcc" "c"}})__"_s,
        u"abc||abc|abc"_s);
    row("base 1",
        uR"__({{base ""}} {{base "/"}} {{base "a/"}} {{base "//a//"}} {{base "a/b/../c"}} {{base "////"}})__"_s,
        u". / a a c /"_s);
    row("dir 1",
        uR"__({{dir ""}} {{dir "/"}} {{dir "a/"}} {{dir "//a//"}} {{dir "a/b/../c"}} {{dir "a"}} {{dir "/a/b/"}})__"_s,
        u". / a /a a . /a/b"_s);

    // lookupIP and friends resolve through /etc/hosts and address literals here (no DNS traffic): Go's
    // net.LookupIP gives [127.0.0.1] for localhost on this machine, an IP literal as itself, a
    // v4-mapped literal as IPv4, and an error (confd: nil, printed []) for "".
    row("lookupIP hosts file", uR"__({{lookupIP "localhost"}} {{printf "%T" (lookupIP "localhost")}})__"_s,
        u"[127.0.0.1] []string"_s);
    row("lookupIP literals",
        uR"__({{lookupIP "127.0.0.1"}} {{lookupIP "::1"}} {{lookupIP "0:0:0:0:0:0:0:1"}})__"_s,
        u"[127.0.0.1] [::1] [::1]"_s);
    row("lookupIP v4-mapped",
        uR"__({{lookupIP "::ffff:1.2.3.4"}} {{lookupIPV4 "::ffff:1.2.3.4"}} {{lookupIPV6 "::ffff:1.2.3.4"}})__"_s,
        u"[1.2.3.4] [1.2.3.4] []"_s);
    row("lookupIP error",
        uR"__({{lookupIP ""}} {{len (lookupIP "")}} {{lookupIPV4 ""}} {{lookupIPV6 ""}})__"_s,
        u"[] 0 [] []"_s);
    row("lookupIPV4 lookupIPV6",
        uR"__({{lookupIPV4 "localhost"}} {{lookupIPV6 "localhost"}} {{lookupIPV6 "::1"}} {{lookupIPV4 "::1"}})__"_s,
        u"[127.0.0.1] [] [::1] []"_s);
    row("lookupIP wrong type", uR"__({{lookupIP 1}})__"_s,
        u"ERROR: template: t:1:11: executing \"t\" at <1>: expected string; found 1"_s);
    row("lookupSRV wrong arg count", uR"__({{lookupSRV "a" "b"}})__"_s,
        u"ERROR: template: t:1:2: executing \"t\" at <lookupSRV>: wrong number of args for lookupSRV: want 3 got 2"_s);

    // fileExists is os.Stat with os.IsNotExist: only ENOENT is false; ENOTDIR counts as existing.
    row("fileExists",
        uR"__({{fileExists "/etc/hosts"}} {{fileExists "/etc"}} {{fileExists "/nonexistent-lbdeck"}} {{fileExists ""}} {{fileExists "/etc/hosts/x"}})__"_s,
        u"true true false false true"_s);
    row("fileExists nil", uR"__({{fileExists nil}})__"_s,
        u"ERROR: template: t:1:13: executing \"t\" at <nil>: cannot assign nil to string"_s);
}

void TestTemplate::confdTable()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const QString tag = QString::fromLatin1(QTest::currentDataTag());
    if (tag == u"json 5"_s || tag == u"json 7"_s || tag == u"json 8"_s || tag == u"jsonArray 3"_s)
        QEXPECT_FAIL("", "JsonDecoder reports Qt's JSON syntax errors, not encoding/json's", Continue);
    Store store;
    const char* keys[] = {"/kv/bb", "/kv/a",  "/kv/cc", "/kv/dd",  "/kv/e", "/kv/ff",
                          "/kv/g",  "/kv/hh", "/kv/i",  "/kv/jj",  "/kv/k", "/kv/ll",
                          "/kv/m",  "/kv/nn", "/kv/o",  "/kv/ppp", "/kv/q"};
    for (int i = 0; i < int(std::size(keys)); ++i)
        store.insert(QString::fromLatin1(keys[i]), QString::number(i));
    QCOMPARE(run(u"t"_s, text, store, Value()), expected);
}

namespace {

// A DNS server on 127.0.0.1 that answers every query with the same three SRV records.
class SrvServer
{
public:
    SrvServer()
    {
        m_fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
            ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            return;
        m_port = ntohs(addr.sin_port);
        timeval tv{0, 100000};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        m_thread = std::thread([this] { serve(); });
    }
    ~SrvServer()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        if (m_fd >= 0)
            ::close(m_fd);
    }
    quint16 port() const { return m_port; }
    int queries() const { return m_queries; }

private:
    static void put16(QByteArray& out, int v)
    {
        out += char((v >> 8) & 0xFF);
        out += char(v & 0xFF);
    }
    static void putName(QByteArray& out, const QByteArray& name)
    {
        for (const QByteArray& label : name.split('.')) {
            out += char(label.size());
            out += label;
        }
        out += '\0';
    }
    void serve()
    {
        while (!m_stop) {
            char buf[512];
            sockaddr_in peer{};
            socklen_t len = sizeof peer;
            const ssize_t n = ::recvfrom(m_fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&peer), &len);
            if (n < 17)
                continue;
            ++m_queries;
            qsizetype end = 12; // past the question's name, type and class
            while (end < n && buf[end] != 0)
                end += 1 + quint8(buf[end]);
            end += 5;
            if (end > n)
                continue;
            QByteArray reply(buf, 2); // the query's id
            put16(reply, 0x8180);     // a response, recursion desired and available, no error
            put16(reply, 1);
            put16(reply, 3);
            put16(reply, 0);
            put16(reply, 0);
            reply += QByteArray(buf + 12, end - 12);
            const struct
            {
                int priority, weight, port;
                const char* target;
            } records[] = {
                {10, 5, 8080, "b.example.test"}, {5, 1, 80, "a.example.test"}, {1, 1, 9, "a.example.test"}};
            for (const auto& r : records) {
                put16(reply, 0xC00C); // the question's name
                put16(reply, 33);     // SRV
                put16(reply, 1);      // IN
                put16(reply, 0);
                put16(reply, 60); // TTL
                QByteArray rdata;
                put16(rdata, r.priority);
                put16(rdata, r.weight);
                put16(rdata, r.port);
                putName(rdata, r.target);
                put16(reply, int(rdata.size()));
                reply += rdata;
            }
            ::sendto(m_fd, reply.constData(), size_t(reply.size()), 0, reinterpret_cast<sockaddr*>(&peer),
                     len);
        }
    }

    int m_fd = -1;
    quint16 m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_queries{0};
    std::thread m_thread;
};

} // namespace

// lookupSRV against a real DNS server on loopback: Go's net.LookupSRV gives absolute targets, and
// confd sorts the records by the text Target+Port+Priority+Weight ("a.example.test.8051" before
// "a.example.test.911"). With no server answering, the list is empty.
void TestTemplate::lookupSrv()
{
    SrvServer server;
    QVERIFY(server.port() != 0);
    ConfdLookup::setNameserver(u"127.0.0.1"_s, server.port());
    const QString text =
        u"{{range lookupSRV \"http\" \"tcp\" \"example.test\"}}{{.Target}}:{{.Port}}/{{.Priority}}/{{.Weight}} {{end}}"_s;
    const QString out = run(u"t"_s, text, {}, Value());
    QCOMPARE(out, u"a.example.test.:80/5/1 a.example.test.:9/1/1 b.example.test.:8080/10/5 "_s);
    QVERIFY(server.queries() >= 1);

    quint16 unused = 0;
    {
        const SrvServer gone; // its port is closed once it is gone
        unused = gone.port();
    }
    ConfdLookup::setNameserver(u"127.0.0.1"_s, unused);
    QCOMPARE(run(u"t"_s, u"{{len (lookupSRV \"http\" \"tcp\" \"example.test\")}}"_s, {}, Value()), u"0"_s);
    ConfdLookup::setNameserver({}, 53);
}
