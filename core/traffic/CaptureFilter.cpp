// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "CaptureFilter.h"

#include <QStringList>

#include <algorithm>

namespace lbdeck::traffic {

namespace {

struct Span
{
    std::uint16_t first;
    std::uint16_t last;
};

// Sorted ports as at most maxTerms spans: exact while they fit, else the narrowest gaps are closed
// first. The spans cover every port; what they also cover is sorted out in user space.
std::vector<Span> spans(std::vector<std::uint16_t> ports, size_t maxTerms)
{
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    std::vector<Span> out;
    for (const std::uint16_t p : ports)
        out.push_back({p, p});
    if (out.size() <= maxTerms)
        return out;
    // Adjacent ports first (free), then the smallest gap, until the program is small.
    while (out.size() > maxTerms) {
        size_t best = 0;
        int bestGap = 1 << 17;
        for (size_t i = 0; i + 1 < out.size(); ++i) {
            const int gap = int(out[i + 1].first) - int(out[i].last);
            if (gap < bestGap) {
                bestGap = gap;
                best = i;
            }
        }
        out[best].last = out[best + 1].last;
        out.erase(out.begin() + std::ptrdiff_t(best) + 1);
    }
    return out;
}

} // namespace

QString captureFilter(const std::vector<std::uint16_t>& ports, bool inboundOnly)
{
    const QString direction = inboundOnly ? QStringLiteral("inbound and ") : QString();
    if (ports.empty())
        return direction + QStringLiteral("tcp and port 0");
    QStringList terms;
    for (const Span& s : spans(ports, MaxFilterTerms)) {
        terms << (s.first == s.last ? QStringLiteral("port %1").arg(s.first)
                                    : QStringLiteral("portrange %1-%2").arg(s.first).arg(s.last));
    }
    return direction + QStringLiteral("tcp and (%1)").arg(terms.join(QStringLiteral(" or ")));
}

} // namespace lbdeck::traffic
