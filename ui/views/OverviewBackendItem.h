// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ui/models/OverviewModel.h"

#include <QGraphicsItem>

namespace lbdeck {

// One backend container inside its node's box: its name, requests/s, coloured by its state.
class OverviewBackendItem : public QGraphicsItem
{
public:
    static constexpr qreal Width = 150;
    static constexpr qreal Height = 40;

    explicit OverviewBackendItem(QString key, QGraphicsItem* parent = nullptr);

    const QString& key() const { return m_key; }
    // Repaints only when something shown changed.
    void show(const QString& name, OverviewModel::State state, double rps, const QString& detail);
    OverviewModel::State state() const { return m_state; }

    int type() const override;
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QString m_key;
    QString m_name;
    OverviewModel::State m_state = OverviewModel::State::Unknown;
    double m_rps = -1;
};

} // namespace lbdeck
