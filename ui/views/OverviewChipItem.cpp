// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "OverviewChipItem.h"

#include "OverviewPalette.h"

#include <QPainter>

#include <cmath>
#include <numeric>

using namespace Qt::StringLiterals;

namespace lbdeck {

OverviewChipItem::OverviewChipItem(QString node, QGraphicsItem* parent)
    : QGraphicsItem(parent)
    , m_node(std::move(node))
{}

void OverviewChipItem::show(const QList<int>& counts, double rps)
{
    // Compared as shown (whole requests/s): a rate that moves below that repaints nothing.
    if (counts == m_counts && std::round(rps) == std::round(m_rps))
        return;
    m_counts = counts;
    m_rps = rps;
    QStringList parts;
    for (int s = 0; s < counts.size(); ++s) {
        if (counts[s] > 0)
            parts << u"%1 %2"_s.arg(counts[s]).arg(OverviewModel::stateText(OverviewModel::State(s)));
    }
    setToolTip(QObject::tr("%1 backends on %2: %3 — click to see them in the Backends view")
                   .arg(std::accumulate(counts.cbegin(), counts.cend(), 0))
                   .arg(m_node, parts.join(u", "_s)));
    update();
}

int OverviewChipItem::type() const
{
    return overview::ChipType;
}

QRectF OverviewChipItem::boundingRect() const
{
    return {0, 0, Width, Height};
}

void OverviewChipItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const int total = std::accumulate(m_counts.cbegin(), m_counts.cend(), 0);
    const QRectF r = boundingRect().adjusted(1, 1, -1, -1);
    painter->setPen(QPen(QColor(0x60, 0x60, 0x60), 1));
    painter->setBrush(QColor(0xfa, 0xfa, 0xfa));
    painter->drawRoundedRect(r, 8, 8);
    painter->setPen(Qt::black);
    QString title = QObject::tr("%1 backends").arg(total);
    if (m_rps >= 0)
        title += u" · %1 r/s"_s.arg(m_rps, 0, 'f', 0);
    painter->drawText(QRectF(r.left() + 8, r.top() + 2, r.width() - 16, 20), Qt::AlignLeft | Qt::AlignVCenter,
                      title);
    // The bar: each state's share, in its colour, most urgent first.
    const QRectF bar(r.left() + 8, r.top() + 24, r.width() - 16, 10);
    qreal x = bar.left();
    painter->setPen(Qt::NoPen);
    for (int s = 0; s < m_counts.size() && total > 0; ++s) {
        const qreal w = bar.width() * m_counts[s] / total;
        painter->setBrush(overview::stateColor(OverviewModel::State(s)));
        painter->drawRect(QRectF(x, bar.top(), w, bar.height()));
        x += w;
    }
    QStringList parts;
    for (int s = 0; s < m_counts.size(); ++s) {
        if (m_counts[s] > 0)
            parts << u"%1 %2"_s.arg(m_counts[s]).arg(OverviewModel::stateText(OverviewModel::State(s)));
    }
    painter->setPen(QColor(0x30, 0x30, 0x30));
    const QFontMetricsF fm(painter->font());
    painter->drawText(QRectF(r.left() + 8, bar.bottom() + 2, r.width() - 16, r.bottom() - bar.bottom() - 2),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      fm.elidedText(parts.join(u" · "_s), Qt::ElideRight, r.width() - 16));
}

} // namespace lbdeck
