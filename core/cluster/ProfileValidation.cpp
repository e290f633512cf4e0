// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ProfileValidation.h"

#include "BackendAddress.h"
#include "core/http/HttpEndpoint.h"
#include "core/ssh/SshDestination.h"

#include <QFileInfo>
#include <QSet>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace lbdeck::profilecheck {

namespace {

Error refuse(const QString& message)
{
    return makeError(ErrorCode::Validation, message);
}

bool hasSpaceOrControl(QStringView s)
{
    return std::any_of(s.begin(), s.end(),
                       [](QChar c) { return c.isSpace() || c.category() == QChar::Other_Control; });
}

// http(s) with a host and a port written out: a default port is a guess about someone's cluster.
Result<void> hostPortUrl(const QString& url, const QString& example, bool portRequired)
{
    const QString trimmed = url.trimmed();
    if (!trimmed.startsWith(u"http://"_s) && !trimmed.startsWith(u"https://"_s))
        return refuse(u"\"%1\" is not an http:// or https:// URL (e.g. %2)"_s.arg(trimmed, example));
    Result<HttpEndpoint> ep = HttpEndpoint::parse(trimmed);
    if (!ep)
        return refuse(u"\"%1\": %2"_s.arg(trimmed, ep.error().message));
    if (portRequired && QUrl(trimmed, QUrl::StrictMode).port() < 0)
        return refuse(u"\"%1\" has no port (e.g. %2)"_s.arg(trimmed, example));
    return {};
}

} // namespace

Result<void> name(const QString& name)
{
    const QString n = name.trimmed();
    if (n.isEmpty())
        return refuse(u"Give the profile a name."_s);
    if (n.size() > 100)
        return refuse(u"A profile name has at most 100 characters."_s);
    if (std::any_of(n.begin(), n.end(), [](QChar c) { return c.category() == QChar::Other_Control; }))
        return refuse(u"A profile name has no control characters."_s);
    return {};
}

Result<void> etcdEndpoint(const QString& url)
{
    return hostPortUrl(url, u"http://10.0.0.1:2379"_s, true);
}

Result<QStringList> etcdEndpoints(const QString& commaSeparated)
{
    QStringList out;
    for (const QString& part : commaSeparated.split(u',')) {
        const QString e = part.trimmed();
        if (e.isEmpty()) {
            if (commaSeparated.trimmed().isEmpty())
                break;
            return refuse(u"An empty endpoint between commas."_s);
        }
        if (Result<void> ok = etcdEndpoint(e); !ok)
            return ok.error();
        if (out.contains(e))
            return refuse(u"\"%1\" is listed twice."_s.arg(e));
        out << e;
    }
    if (out.isEmpty())
        return refuse(u"Enter at least one etcd endpoint, e.g. http://10.0.0.1:2379."_s);
    return out;
}

Result<void> prefix(const QString& prefix)
{
    const QString p = prefix.trimmed();
    if (!p.startsWith(u'/'))
        return refuse(u"The backend prefix starts with '/', like the seed's /test/."_s);
    if (hasSpaceOrControl(p))
        return refuse(u"The backend prefix has no spaces or control characters."_s);
    return {};
}

Result<void> etcdUser(const QString& user, bool hasPassword)
{
    const QString u = user.trimmed();
    if (u.isEmpty())
        return hasPassword ? Result<void>(refuse(u"A password needs a user."_s)) : Result<void>();
    if (hasSpaceOrControl(u) || u.contains(u':'))
        return refuse(u"An etcd user name has no spaces, control characters or ':'."_s);
    return {};
}

Result<void> tlsFile(const QString& path, const QString& what)
{
    const QString p = path.trimmed();
    if (p.isEmpty())
        return {};
    const QFileInfo info(p);
    if (!info.isAbsolute())
        return refuse(u"The %1 is an absolute path."_s.arg(what));
    if (!info.isFile() || !info.isReadable())
        return refuse(u"The %1 \"%2\" is not a readable file."_s.arg(what, p));
    return {};
}

Result<void> tlsPair(const TlsFiles& tls)
{
    if (tls.certFile.trimmed().isEmpty() != tls.keyFile.trimmed().isEmpty())
        return refuse(u"A client certificate and its key go together: give both or neither."_s);
    return {};
}

Result<void> nodeName(const QString& name)
{
    const QString n = name.trimmed();
    if (n.isEmpty())
        return refuse(u"the node needs a name"_s);
    if (std::any_of(n.begin(), n.end(), [](QChar c) { return c.category() == QChar::Other_Control; }))
        return refuse(u"a node name has no control characters"_s);
    return {};
}

Result<void> dockerEndpoint(const QString& endpoint)
{
    const QString e = endpoint.trimmed();
    const QString expected = u"(unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host)"_s;
    if (e.isEmpty())
        return refuse(u"the Docker endpoint is missing %1"_s.arg(expected));
    if (e.startsWith(u"ssh://"_s)) {
        if (Result<SshDestination> d = SshDestination::parse(e); !d)
            return refuse(d.error().message);
        return {};
    }
    if (e.startsWith(u"unix://"_s)) {
        Result<HttpEndpoint> ep = HttpEndpoint::parse(e);
        if (!ep)
            return refuse(u"\"%1\": %2"_s.arg(e, ep.error().message));
        if (ep->socketPath.endsWith(u'/') || hasSpaceOrControl(ep->socketPath))
            return refuse(u"\"%1\" does not name a socket file"_s.arg(e));
        return {};
    }
    if (e.startsWith(u"tcp://"_s)) {
        // NodeConnection reads tcp://host:port as http(s)://host:port; the same parser checks it here.
        if (Result<void> ok = hostPortUrl(u"http://"_s + e.mid(6), u"tcp://10.0.0.2:2376"_s, true); !ok)
            return refuse(QString(ok.error().message).replace(u"http://"_s, u"tcp://"_s));
        return {};
    }
    return refuse(u"\"%1\" is not a Docker endpoint %2"_s.arg(e, expected));
}

Result<void> publishAddress(const QString& address)
{
    const QString a = address.trimmed();
    if (a.isEmpty())
        return refuse(u"the publish address is missing (the IP backends listen on, e.g. 10.0.0.2)"_s);
    // What gets registered is address:port, so the address is held to BackendAddress's grammar.
    const QString asBackend = (a.contains(u':') ? u'[' + a + u']' : a) + u":1"_s;
    if (a.startsWith(u'[') || !BackendAddress::parse(asBackend.toUtf8())) {
        return refuse(u"the publish address \"%1\" is not an IPv4 or IPv6 address (without brackets) or a "
                      u"host name"_s.arg(a));
    }
    return {};
}

Result<void> image(const QString& image)
{
    const QString i = image.trimmed();
    if (i.isEmpty())
        return refuse(u"Name the image new backends start from, e.g. lbdeck/backend:test."_s);
    if (hasSpaceOrControl(i))
        return refuse(u"An image reference has no spaces."_s);
    return {};
}

Result<void> engineStatusUrl(const QString& url)
{
    const QString u = url.trimmed();
    if (u.isEmpty())
        return {};
    if (u.startsWith(u"unix://"_s)) {
        if (Result<HttpEndpoint> ep = HttpEndpoint::parse(u); !ep)
            return refuse(u"\"%1\": %2"_s.arg(u, ep.error().message));
        return {};
    }
    return hostPortUrl(u, u"http://127.0.0.1:9913"_s, true);
}

Result<void> engineConfigFile(const QString& path)
{
    if (path.trimmed().isEmpty())
        return refuse(u"The engine inside lbdeck needs its config file (lbdeck-engine.toml)."_s);
    return tlsFile(path, u"engine config"_s);
}

QStringList balancers(const QList<BalancerProfile>& list)
{
    QStringList problems;
    QSet<QString> names;
    int embedded = 0;
    for (const BalancerProfile& b : list) {
        const QString who = b.name.isEmpty() ? u"a load balancer"_s : u"load balancer %1"_s.arg(b.name);
        if (list.size() > 1 && b.name.trimmed().isEmpty())
            problems << u"Every load balancer needs a name when there are several."_s;
        else if (!b.name.isEmpty() && names.contains(b.name))
            problems << u"Two load balancers are named \"%1\"."_s.arg(b.name);
        names.insert(b.name);
        if (b.engine == BalancerProfile::Engine::Embedded) {
            if (++embedded == 2)
                problems
                    << u"Only one engine can run inside lbdeck; give %1 its lbdeck-engine's status URL."_s
                           .arg(b.name);
            continue;
        }
        if (Result<void> url = engineStatusUrl(b.engineStatusUrl); !url)
            problems << u"%1: %2"_s.arg(who, url.error().message);
        if (!b.engineSsh.trimmed().isEmpty()) {
            if (Result<SshDestination> d = SshDestination::parse(b.engineSsh.trimmed()); !d)
                problems << u"%1: %2"_s.arg(who, d.error().message);
            else if (!b.engineStatusUrl.trimmed().startsWith(u"http://"_s))
                problems
                    << u"%1: through SSH the status URL must be http://HOST:PORT as the load balancer sees it."_s
                           .arg(who);
        }
    }
    return problems;
}

Result<void> nginxUrl(const QString& url)
{
    if (url.trimmed().isEmpty())
        return {};
    return hostPortUrl(url, u"http://10.0.0.1:80"_s, false);
}

QString NodeProblems::summary() const
{
    QStringList parts{name, publishAddress, dockerEndpoint};
    parts.removeAll(QString());
    return parts.join(u"; "_s);
}

QList<NodeProblems> nodes(const QList<NodeProfile>& nodes)
{
    QList<NodeProblems> problems;
    QSet<QString> seen;
    for (const NodeProfile& n : nodes) {
        NodeProblems row;
        const QString name = n.name.trimmed();
        if (Result<void> ok = nodeName(name); !ok)
            row.name = ok.error().message;
        else if (seen.contains(name))
            row.name = u"another node is named \"%1\""_s.arg(name);
        seen.insert(name);
        if (Result<void> ok = publishAddress(n.publishAddress); !ok)
            row.publishAddress = ok.error().message;
        if (Result<void> ok = dockerEndpoint(n.dockerEndpoint); !ok)
            row.dockerEndpoint = ok.error().message;
        problems << row;
    }
    return problems;
}

} // namespace lbdeck::profilecheck
