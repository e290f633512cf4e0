// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "OverviewBoxItem.h"

#include "OverviewPalette.h"

#include <QPainter>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QRectF nginxRect(const QRectF& r)
{
    return {r.left() + 10, r.top() + OverviewBoxItem::TitleHeight + 4, r.width() / 2 - 15,
            r.height() - OverviewBoxItem::TitleHeight - 14};
}

} // namespace

OverviewBoxItem::OverviewBoxItem(OverviewModel::Kind kind, QString name, QSizeF size, QGraphicsItem* parent)
    : QGraphicsItem(parent)
    , m_kind(kind)
    , m_name(std::move(name))
    , m_size(size)
{}

void OverviewBoxItem::show(bool up, const QString& subtitle, OverviewModel::State worst,
                           const QString& detail)
{
    if (up == m_up && subtitle == m_subtitle && worst == m_worst)
        return;
    m_up = up;
    m_subtitle = subtitle;
    m_worst = worst;
    setToolTip(detail);
    update();
}

QPointF OverviewBoxItem::nginxAnchor() const
{
    const QRectF n = nginxRect(boundingRect());
    return mapToScene(QPointF(n.center().x(), n.bottom()));
}

int OverviewBoxItem::type() const
{
    return overview::BoxType;
}

QRectF OverviewBoxItem::boundingRect() const
{
    return {QPointF(0, 0), m_size};
}

void OverviewBoxItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const QRectF r = boundingRect().adjusted(1, 1, -1, -1);
    const bool elsewhere = m_kind == OverviewModel::Kind::Elsewhere;
    const QColor edge = elsewhere ? QColor(0x90, 0x90, 0x90)
                        : m_up    ? QColor(0x45, 0x5a, 0x64)
                                  : QColor(0xd3, 0x2f, 0x2f);
    painter->setPen(QPen(edge, 2, elsewhere ? Qt::DashLine : Qt::SolidLine));
    painter->setBrush(elsewhere ? QColor(0xfc, 0xfc, 0xfc) : QColor(0xec, 0xef, 0xf1));
    painter->drawRoundedRect(r, 8, 8);
    QFont bold = painter->font();
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(Qt::black);
    const QRectF title(r.left() + 10, r.top(), r.width() - 20, TitleHeight);
    const QFontMetricsF fm(bold);
    painter->drawText(title, Qt::AlignLeft | Qt::AlignVCenter,
                      fm.elidedText(m_name, Qt::ElideRight, title.width() * 0.55));
    bold.setBold(false);
    painter->setFont(bold);
    painter->setPen(m_up || elsewhere ? QColor(0x45, 0x5a, 0x64) : QColor(0xd3, 0x2f, 0x2f));
    painter->drawText(title, Qt::AlignRight | Qt::AlignVCenter,
                      QFontMetricsF(bold).elidedText(m_subtitle, Qt::ElideRight, title.width() * 0.45));
    if (m_kind == OverviewModel::Kind::LoadBalancer)
        paintBalancer(painter, r);
}

void OverviewBoxItem::paintBalancer(QPainter* painter, const QRectF& r)
{
    const QRectF nginx = nginxRect(r);
    const QRectF engine = nginx.translated(nginx.width() + 10, 0);
    const QColor engineColor = overview::stateColor(m_worst);
    painter->setPen(QPen(QColor(0x2e, 0x7d, 0x32).darker(120), 1.5));
    painter->setBrush(QColor(0xe8, 0xf5, 0xe9));
    painter->drawRoundedRect(nginx, 5, 5);
    painter->setPen(QPen(engineColor.darker(130), 1.5));
    painter->setBrush(engineColor.lighter(175));
    painter->drawRoundedRect(engine, 5, 5);
    painter->setPen(Qt::black);
    painter->drawText(nginx, Qt::AlignCenter, u"nginx"_s);
    painter->drawText(engine, Qt::AlignCenter,
                      m_up ? QObject::tr("engine") : QObject::tr("engine\nunreachable"));
}

} // namespace lbdeck
