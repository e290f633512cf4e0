// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace lbdeck {

// One load balancer's GET /traffic as its engine link last had it.
struct BalancerTraffic
{
    QString name;        // the profile's name for the load balancer
    QJsonObject traffic; // empty: none yet, or the last fetch failed
    QString error;       // why there is none, when the link says
};

// The documents of a profile's load balancers as one /traffic document for the Traffic view.
// With one load balancer it is that one's document, untouched. With several, every upstream comes
// once per load balancer that counts it ("address": "IP:PORT @ name", "balancer": name) and once
// summed over them ("address": "IP:PORT", "balancer": "", "balancers": how many): counters,
// rates, connections and request counts add up; the RTT average is weighted by handshakes; the
// percentiles are the highest of the load balancers' (a percentile of the union is not computable
// from theirs, and the highest is an upper bound). Every row carries "backend" (IP:PORT) and
// "nowMs" (its engine's clock). A load balancer without a document, or whose capture or access
// log fails, is named in capture.error / accessLog.error; warnings are prefixed with its name;
// the top clients are summed by address.
QJsonObject mergeTraffic(const QList<BalancerTraffic>& balancers);

} // namespace lbdeck
