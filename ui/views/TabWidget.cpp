// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TabWidget.h"

namespace lbdeck {

void TabWidget::tabInserted(int index)
{
    QTabWidget::tabInserted(index);
    Q_EMIT tabsChanged();
}

void TabWidget::tabRemoved(int index)
{
    QTabWidget::tabRemoved(index);
    Q_EMIT tabsChanged();
}

} // namespace lbdeck
