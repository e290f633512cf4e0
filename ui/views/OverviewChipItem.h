// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ui/models/OverviewModel.h"

#include <QGraphicsItem>

namespace lbdeck {

// A crowded node's backends as one chip: "42 backends", a bar of their states, the counts that
// matter ("3 down · 1 drift"), requests/s in all.
class OverviewChipItem : public QGraphicsItem
{
public:
    static constexpr qreal Width = 230;
    static constexpr qreal Height = 64;

    explicit OverviewChipItem(QString node, QGraphicsItem* parent = nullptr);

    const QString& node() const { return m_node; }
    void show(const QList<int>& counts, double rps);

    int type() const override;
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QString m_node;
    QList<int> m_counts;
    double m_rps = -1;
};

} // namespace lbdeck
