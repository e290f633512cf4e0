// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "StopImpact.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

StopImpact StopImpact::of(const QStringList& upstream, const QStringList& leaving, bool temporary)
{
    const QSet<QString> now(upstream.cbegin(), upstream.cend());
    QSet<QString> out;
    for (const QString& a : leaving) {
        if (now.contains(a))
            out.insert(a);
    }
    StopImpact i;
    i.servingNow = int(now.size());
    i.leaving = int(out.size());
    i.remaining = i.servingNow - i.leaving;
    i.empties = i.servingNow > 0 && i.remaining == 0;
    i.temporary = temporary;
    return i;
}

QString StopImpact::summary() const
{
    if (servingNow == 0)
        return u"nginx serves no backend now: nothing changes for requests."_s;
    const QString left = remaining == 1 ? u"1 of %1 servers remains"_s.arg(servingNow)
                                        : u"%1 of %2 servers remain"_s.arg(remaining).arg(servingNow);
    QString text = left + (temporary ? u" in the upstream while this runs."_s : u" in the upstream."_s);
    if (empties)
        text +=
            u" This EMPTIES the upstream: nginx will answer 502 Bad Gateway to every request%1. The engine "
            u"keeps the last good config, so nginx keeps the old address until a backend is registered."_s
                .arg(temporary ? u" until the backend is back"_s : QString());
    return text;
}

} // namespace lbdeck
