// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "CaptureFilter.h"

#include <QStringList>

namespace lbdeck::traffic {

QString captureFilter(const std::vector<std::uint16_t>& ports)
{
    if (ports.empty())
        return QStringLiteral("tcp and port 0");
    QStringList terms;
    for (const std::uint16_t p : ports)
        terms << QStringLiteral("port %1").arg(p);
    terms.removeDuplicates();
    return QStringLiteral("tcp and (%1)").arg(terms.join(QStringLiteral(" or ")));
}

} // namespace lbdeck::traffic
