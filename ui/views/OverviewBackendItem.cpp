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
{
    // Repainted from a pixmap when only its neighbours (the lines, the box) changed.
    setCacheMode(QGraphicsItem::DeviceCoordinateCache);
    m_nameText.setTextFormat(Qt::PlainText);
    m_stateText.setTextFormat(Qt::PlainText);
    m_stateText.setPerformanceHint(QStaticText::AggressiveCaching);
}

void OverviewBackendItem::show(const QString& name, OverviewModel::State state, double rps,
                               const QString& detail)
{
    // Compared as shown: a rate that moves below the shown precision repaints nothing.
    const QString second = OverviewModel::stateText(state) +
                           (rps >= 0 ? u" · %1 r/s"_s.arg(rps, 0, 'f', rps < 10 ? 1 : 0) : QString());
    if (detail != m_detail) {
        m_detail = detail;
        setToolTip(detail);
    }
    if (name == m_name && state == m_state && second == m_stateText.text())
        return;
    if (name != m_name) {
        m_name = name;
        m_nameStale = true; // laid out again at the next paint, for the painter's font
    }
    m_state = state;
    m_stateText.setText(second);
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
    const QRectF text = r.adjusted(10, 2, -4, -2);
    const QFontMetricsF fm(painter->font());
    if (m_nameStale || m_nameFont != painter->font()) {
        m_nameStale = false;
        m_nameFont = painter->font();
        m_nameText.setText(fm.elidedText(m_name, Qt::ElideMiddle, text.width()));
        m_nameText.prepare(painter->transform(), m_nameFont);
    }
    // Each line centred in its half, as drawText's AlignVCenter put it.
    const qreal lineHeight = fm.height();
    const qreal half = text.height() / 2;
    painter->setPen(Qt::black);
    painter->drawStaticText(QPointF(text.left(), text.top() + (half - lineHeight) / 2), m_nameText);
    painter->setPen(color.darker(180));
    painter->drawStaticText(QPointF(text.left(), text.top() + half + (half - lineHeight) / 2), m_stateText);
}

} // namespace lbdeck
