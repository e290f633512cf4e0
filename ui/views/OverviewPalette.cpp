// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "OverviewPalette.h"

namespace lbdeck::overview {

QColor stateColor(OverviewModel::State state)
{
    switch (state) {
    case OverviewModel::State::Stale:
        return QColor(0x9e, 0x9e, 0x9e);
    case OverviewModel::State::Drift:
        return QColor(0xef, 0x6c, 0x00);
    case OverviewModel::State::Down:
        return QColor(0xd3, 0x2f, 0x2f);
    case OverviewModel::State::Cordoned:
        return QColor(0x7b, 0x1f, 0xa2);
    case OverviewModel::State::NotLive:
        return QColor(0xf9, 0xa8, 0x25);
    case OverviewModel::State::Ok:
        return QColor(0x2e, 0x7d, 0x32);
    case OverviewModel::State::Unknown:
    case OverviewModel::State::Count:
        break;
    }
    return QColor(0x78, 0x90, 0x9c);
}

} // namespace lbdeck::overview
