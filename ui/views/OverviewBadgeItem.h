// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QColor>
#include <QGraphicsItem>

namespace lbdeck {

// A summary badge above the drawing: a caption and a value ("Problems" "2"), red when alarming.
class OverviewBadgeItem : public QGraphicsItem
{
public:
    static constexpr qreal Height = 40;

    OverviewBadgeItem(QString caption, qreal width, QGraphicsItem* parent = nullptr);

    const QString& caption() const { return m_caption; }
    const QString& value() const { return m_value; }
    void show(const QString& value, bool alarm, const QString& detail);

    int type() const override;
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QString m_caption;
    qreal m_width;
    QString m_value;
    bool m_alarm = false;
};

} // namespace lbdeck
