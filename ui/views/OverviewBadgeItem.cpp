// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "OverviewBadgeItem.h"

#include "OverviewPalette.h"

#include <QPainter>

namespace lbdeck {

OverviewBadgeItem::OverviewBadgeItem(QString caption, qreal width, QGraphicsItem* parent)
    : QGraphicsItem(parent)
    , m_caption(std::move(caption))
    , m_width(width)
{}

void OverviewBadgeItem::show(const QString& value, bool alarm, const QString& detail)
{
    if (value == m_value && alarm == m_alarm)
        return;
    m_value = value;
    m_alarm = alarm;
    setToolTip(detail);
    update();
}

int OverviewBadgeItem::type() const
{
    return overview::BadgeType;
}

QRectF OverviewBadgeItem::boundingRect() const
{
    return {0, 0, m_width, Height};
}

void OverviewBadgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const QRectF r = boundingRect().adjusted(1, 1, -1, -1);
    const QColor color =
        m_alarm ? overview::stateColor(OverviewModel::State::Down) : QColor(0x45, 0x5a, 0x64);
    painter->setPen(QPen(color, 1.5));
    painter->setBrush(m_alarm ? color.lighter(185) : QColor(0xfa, 0xfa, 0xfa));
    painter->drawRoundedRect(r, 6, 6);
    QFont small = painter->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    painter->setFont(small);
    painter->setPen(color);
    painter->drawText(QRectF(r.left() + 8, r.top() + 2, r.width() - 16, 16), Qt::AlignLeft | Qt::AlignVCenter,
                      m_caption);
    QFont bold = small;
    bold.setPointSizeF(small.pointSizeF() / 0.85);
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(m_alarm ? color.darker(130) : Qt::black);
    painter->drawText(QRectF(r.left() + 8, r.top() + 17, r.width() - 16, r.height() - 19),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(bold).elidedText(m_value, Qt::ElideRight, r.width() - 16));
}

} // namespace lbdeck
