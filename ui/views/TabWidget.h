// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QTabWidget>

namespace lbdeck {

// A QTabWidget that says when tabs come and go, so that what is derived from the tabs (Alt+1…
// shortcuts, the View menu) follows tabs added later.
class TabWidget : public QTabWidget
{
    Q_OBJECT
public:
    using QTabWidget::QTabWidget;

Q_SIGNALS:
    void tabsChanged();

protected:
    void tabInserted(int index) override;
    void tabRemoved(int index) override;
};

} // namespace lbdeck
