// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ui/models/OverviewModel.h"

#include <QColor>

namespace lbdeck::overview {

// One colour per state, the same in every item of the drawing (and its legend).
QColor stateColor(OverviewModel::State state);
// Item types, to tell a click's target apart (QGraphicsItem::type()).
enum ItemType
{
    BoxType = 65536 + 11, // QGraphicsItem::UserType + ...
    BackendType,
    ChipType,
    BadgeType
};

} // namespace lbdeck::overview
