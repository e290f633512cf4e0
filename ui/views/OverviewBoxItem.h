// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ui/models/OverviewModel.h"

#include <QGraphicsItem>

namespace lbdeck {

// A machine in the drawing: the load balancer (with nginx and the engine inside) or a node (its
// backends are child items). Dashed for the group of backends on no node of the profile.
class OverviewBoxItem : public QGraphicsItem
{
public:
    static constexpr qreal TitleHeight = 26;
    static constexpr qreal BalancerHeight = 96;

    OverviewBoxItem(OverviewModel::Kind kind, QString name, QSizeF size, QGraphicsItem* parent = nullptr);

    OverviewModel::Kind kind() const { return m_kind; }
    const QString& name() const { return m_name; }
    // up: the node answers / the engine is reachable; subtitle: a short line under the name.
    void show(bool up, const QString& subtitle, OverviewModel::State worst, const QString& detail);
    // Where lines to the backends start (the nginx box), in scene coordinates.
    QPointF nginxAnchor() const;

    int type() const override;
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    void paintBalancer(QPainter* painter, const QRectF& r);

    OverviewModel::Kind m_kind;
    QString m_name;
    QSizeF m_size;
    bool m_up = false;
    QString m_subtitle;
    OverviewModel::State m_worst = OverviewModel::State::Unknown;
};

} // namespace lbdeck
