// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ClusterProfile.h"
#include "core/util/Result.h"

#include <QStringList>

namespace lbdeck::profilecheck {

// One function per profile field, pure (the TLS and engine files are only checked to exist): the
// profile dialog refuses what these refuse and shows their message beside the field. Nothing is
// corrected: a value is accepted as written or refused with what to write instead.

Result<void> name(const QString& name);
// Comma-separated http(s)://host:port URLs; succeeds with the list, trimmed.
Result<QStringList> etcdEndpoints(const QString& commaSeparated);
// One etcd endpoint: http or https, a host and an explicit port, no path.
Result<void> etcdEndpoint(const QString& url);
Result<void> prefix(const QString& prefix);
Result<void> etcdUser(const QString& user, bool hasPassword);
// A TLS file the etcd client reads: empty, or a readable file. `what` names it in the message.
Result<void> tlsFile(const QString& path, const QString& what);
// A client key without a certificate (or the reverse) is refused.
Result<void> tlsPair(const TlsFiles& tls);
Result<void> nodeName(const QString& name);
// As Docker writes it: unix:///path, tcp://host:port or ssh://user@host[:port][/socket/path]. The
// ssh form is SshDestination's grammar, the others HttpEndpoint's: the parsers the connection uses.
Result<void> dockerEndpoint(const QString& endpoint);
// An IPv4 or IPv6 literal or a host name: what a backend's host:port is registered with.
Result<void> publishAddress(const QString& address);
Result<void> image(const QString& image);
// Empty (no engine link), or http(s)://host:port or unix:///path of lbdeck-engine's status endpoint.
Result<void> engineStatusUrl(const QString& url);
// For the engine inside lbdeck: required, a readable file.
Result<void> engineConfigFile(const QString& path);
// Empty, or the http(s)://host[:port] URL where traffic enters nginx.
Result<void> nginxUrl(const QString& url);

// Every load balancer: a unique, non-empty name each, at most one engine inside lbdeck, and each
// remote engine's status URL (and its ssh:// destination, when tunnelled) as the link parses them.
// Empty: fine; else one line per problem.
QStringList balancers(const QList<BalancerProfile>& balancers);

// What is wrong with one node row, field by field ("" where the field is valid).
struct NodeProblems
{
    QString name;
    QString publishAddress;
    QString dockerEndpoint;
    bool ok() const { return name.isEmpty() && publishAddress.isEmpty() && dockerEndpoint.isEmpty(); }
    QString summary() const; // the problems, joined with "; "
};

// Every node row: each field, and names unique. Index i holds row i's problems.
QList<NodeProblems> nodes(const QList<NodeProfile>& nodes);

} // namespace lbdeck::profilecheck
