// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ui/models/OverviewModel.h"

#include <QGraphicsItem>
#include <QStaticText>

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
    QString m_detail;
    // What paint() draws, laid out once per change rather than once per frame: a repaint of the
    // drawing with 1,000 backends must stay well inside a frame.
    QStaticText m_nameText; // elided to the tile's width, for the font it was laid out with
    QFont m_nameFont;
    bool m_nameStale = true;
    QStaticText m_stateText; // "serving · 12 r/s"
};

} // namespace lbdeck
