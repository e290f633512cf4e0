// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConfdLookup.h"

#include "GoSort.h"
#include "GoString.h"

#include <QMutex>

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

using Args = std::span<const Value>;

QMutex g_nameserverMutex;
QString g_nameserver;
quint16 g_nameserverPort = 53;

// net.LookupIP as strings, sorted (sort.Strings); empty on any error.
std::vector<QString> lookupAddresses(const QString& host)
{
    std::vector<QString> out;
    if (host.isEmpty())
        return out; // Go: "no such host"
    const QByteArray name = toGoBytes(host);
    if (name.contains('\0'))
        return out;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM; // one entry per address, not one per socket type
    addrinfo* list = nullptr;
    if (getaddrinfo(name.constData(), nullptr, &hints, &list) != 0)
        return out;
    for (const addrinfo* ai = list; ai; ai = ai->ai_next) {
        char text[INET6_ADDRSTRLEN] = {};
        if (ai->ai_family == AF_INET) {
            const auto* sa = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
            inet_ntop(AF_INET, &sa->sin_addr, text, sizeof text);
        } else if (ai->ai_family == AF_INET6) {
            const auto* sa = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
            if (IN6_IS_ADDR_V4MAPPED(&sa->sin6_addr)) // Go prints a v4-in-v6 address as IPv4
                inet_ntop(AF_INET, &sa->sin6_addr.s6_addr[12], text, sizeof text);
            else
                inet_ntop(AF_INET6, &sa->sin6_addr, text, sizeof text);
        } else {
            continue;
        }
        out.push_back(QString::fromLatin1(text));
    }
    freeaddrinfo(list);
    std::sort(out.begin(), out.end(), Value::lessStrings);
    return out;
}

Value filtered(const QString& host, QChar mark)
{
    std::vector<QString> all = lookupAddresses(host);
    std::erase_if(all, [mark](const QString& ip) { return !ip.contains(mark); });
    return Value::strings(std::move(all));
}

Result<Value> lookupIPFn(const CallContext&, Args a)
{
    return Value::strings(lookupAddresses(a[0].toString()));
}

Result<Value> lookupIPV4Fn(const CallContext&, Args a)
{
    return filtered(a[0].toString(), u'.');
}

Result<Value> lookupIPV6Fn(const CallContext&, Args a)
{
    return filtered(a[0].toString(), u':');
}

struct Srv
{
    QString target;
    int port = 0;
    int priority = 0;
    int weight = 0;
    QString key; // confd's sort key: fmt.Sprintf("%s%d%d%d", Target, Port, Priority, Weight)
};

struct BySortKey
{
    std::vector<Srv>& items;
    bool less(qsizetype i, qsizetype j) const
    {
        return Value::lessStrings(items[std::size_t(i)].key, items[std::size_t(j)].key);
    }
    void swap(qsizetype i, qsizetype j) { std::swap(items[std::size_t(i)], items[std::size_t(j)]); }
};

// The SRV records of name, as Go's resolver gives them: targets are absolute ("host.example.").
std::vector<Srv> querySrv(const QByteArray& name)
{
    std::vector<Srv> out;
    struct __res_state state;
    std::memset(&state, 0, sizeof state);
    if (res_ninit(&state) != 0)
        return out;
    {
        const QMutexLocker lock(&g_nameserverMutex);
        if (!g_nameserver.isEmpty()) {
            sockaddr_in server{};
            server.sin_family = AF_INET;
            server.sin_port = htons(g_nameserverPort);
            if (inet_pton(AF_INET, g_nameserver.toLatin1().constData(), &server.sin_addr) == 1) {
                state.nsaddr_list[0] = server;
                state.nscount = 1;
                state.retry = 1;
            }
        }
    }
    std::vector<unsigned char> answer(65536);
    const int length =
        res_nsearch(&state, name.constData(), ns_c_in, ns_t_srv, answer.data(), int(answer.size()));
    ns_msg message;
    if (length > 0 && ns_initparse(answer.data(), length, &message) == 0) {
        const int count = ns_msg_count(message, ns_s_an);
        for (int i = 0; i < count; ++i) {
            ns_rr rr;
            if (ns_parserr(&message, ns_s_an, i, &rr) != 0)
                break;
            if (ns_rr_type(rr) != ns_t_srv || ns_rr_rdlen(rr) < 7)
                continue;
            const unsigned char* rdata = ns_rr_rdata(rr);
            char target[NS_MAXDNAME] = {};
            if (dn_expand(ns_msg_base(message), ns_msg_end(message), rdata + 6, target, sizeof target) < 0)
                continue;
            Srv srv;
            srv.priority = ns_get16(rdata);
            srv.weight = ns_get16(rdata + 2);
            srv.port = ns_get16(rdata + 4);
            srv.target = fromGoBytes(target);
            if (!srv.target.endsWith(u'.'))
                srv.target += u'.';
            out.push_back(std::move(srv));
        }
    }
    res_nclose(&state);
    return out;
}

// net.LookupSRV(service, proto, name), sorted with confd's sortSRV; empty on error.
Result<Value> lookupSRVFn(const CallContext&, Args a)
{
    const QString& service = a[0].toString();
    const QString& proto = a[1].toString();
    const QString& name = a[2].toString();
    const QString target =
        service.isEmpty() && proto.isEmpty() ? name : u"_%1._%2.%3"_s.arg(service, proto, name);
    const QByteArray query = toGoBytes(target);
    if (query.isEmpty() || query.contains('\0'))
        return Value::list({});
    std::vector<Srv> records = querySrv(query);
    for (Srv& srv : records)
        srv.key = srv.target + QString::number(srv.port) + QString::number(srv.priority) +
                  QString::number(srv.weight);
    BySortKey data{records};
    GoSort<BySortKey>::sort(data, qsizetype(records.size()));
    std::vector<Value> items;
    items.reserve(records.size());
    for (const Srv& srv : records) {
        items.push_back(Value::map({{u"Target"_s, Value(srv.target)},
                                    {u"Port"_s, Value(srv.port)},
                                    {u"Priority"_s, Value(srv.priority)},
                                    {u"Weight"_s, Value(srv.weight)}}));
    }
    return Value::list(std::move(items));
}

// confd's isFileExist: os.Stat, and false only for os.IsNotExist (ENOENT); any other error, such as
// a permission denied or a path through a file (ENOTDIR), counts as existing.
Result<Value> fileExistsFn(const CallContext&, Args a)
{
    const QByteArray path = toGoBytes(a[0].toString());
    if (path.contains('\0'))
        return Value(true); // Go's Stat fails with EINVAL, which is not "not exist"
    struct stat st;
    if (::stat(path.constData(), &st) == 0)
        return Value(true);
    return Value(errno != ENOENT);
}

constexpr ArgType S = ArgType::String;

const FunctionSpec kLookup[] = {
    {u"lookupIP", {S}, 1, false, lookupIPFn},     {u"lookupIPV4", {S}, 1, false, lookupIPV4Fn},
    {u"lookupIPV6", {S}, 1, false, lookupIPV6Fn}, {u"lookupSRV", {S, S, S}, 3, false, lookupSRVFn},
    {u"fileExists", {S}, 1, false, fileExistsFn},
};

} // namespace

std::span<const FunctionSpec> ConfdLookup::functions()
{
    return kLookup;
}

void ConfdLookup::setNameserver(const QString& ipv4, quint16 port)
{
    const QMutexLocker lock(&g_nameserverMutex);
    g_nameserver = ipv4;
    g_nameserverPort = port;
}

} // namespace lbdeck::tmpl
