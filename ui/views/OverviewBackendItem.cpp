// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "OverviewBackendItem.h"

#include "OverviewPalette.h"

#include <QPainter>

using namespace Qt::StringLiterals;

namespace lbdeck {

OverviewBackendItem::OverviewBackendItem(QString key, QGraphicsItem* parent)
    : QGraphicsItem(parent)
    , m_key(std::move(key))
{}

void OverviewBackendItem::show(const QString& name, OverviewModel::State state, double rps,
                               const QString& detail)
{
    if (name == m_name && state == m_state && rps == m_rps)
        return;
    m_name = name;
    m_state = state;
    m_rps = rps;
    setToolTip(detail);
    update();
}

int OverviewBackendItem::type() const
{
    return overview::BackendType;
}

QRectF OverviewBackendItem::boundingRect() const
{
    return {0, 0, Width, Height};
}

void OverviewBackendItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const QColor color = overview::stateColor(m_state);
    const QRectF r = boundingRect().adjusted(1, 1, -1, -1);
    painter->setPen(QPen(color.darker(130), 1.5));
    painter->setBrush(color.lighter(175));
    painter->drawRoundedRect(r, 5, 5);
    painter->setBrush(color);
    painter->setPen(Qt::NoPen);
    painter->drawRoundedRect(QRectF(r.left(), r.top(), 6, r.height()), 3, 3);
    painter->setPen(Qt::black);
    const QRectF text = r.adjusted(10, 2, -4, -2);
    const QFontMetricsF fm(painter->font());
    painter->drawText(QRectF(text.left(), text.top(), text.width(), text.height() / 2),
                      Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(m_name, Qt::ElideMiddle, text.width()));
    const QString second = OverviewModel::stateText(m_state) +
                           (m_rps >= 0 ? u" · %1 r/s"_s.arg(m_rps, 0, 'f', m_rps < 10 ? 1 : 0) : QString());
    painter->setPen(color.darker(180));
    painter->drawText(QRectF(text.left(), text.center().y(), text.width(), text.height() / 2),
                      Qt::AlignLeft | Qt::AlignVCenter, second);
}

} // namespace lbdeck
