// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Functions.h"

#include <QString>

#include <span>

namespace lbdeck::tmpl {

// confd's functions that ask the system: lookupIP, lookupIPV4, lookupIPV6 (getaddrinfo: the sorted
// address strings, an empty list on error), lookupSRV (a DNS SRV query: a list of records with
// Target, Port, Priority and Weight, sorted as confd sorts them, empty on error) and fileExists
// (false only when stat says the path does not exist). They block the rendering thread while the
// system answers, as they do in confd.
class ConfdLookup
{
public:
    static std::span<const FunctionSpec> functions();
    // lookupSRV asks this DNS server (an IPv4 address and UDP port) instead of resolv.conf's; an empty
    // address restores resolv.conf. Process-wide; for tests that serve DNS on loopback.
    static void setNameserver(const QString& ipv4, quint16 port);
};

} // namespace lbdeck::tmpl
