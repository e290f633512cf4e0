// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

class QMainWindow;

namespace lbdeck {

// Help → Keyboard shortcuts (F1) and About. Call after every other menu exists.
void addHelpMenu(QMainWindow* window);

// Every action of the window's menus (and of the window itself) that has a shortcut, as
// "Menu › Action\tShortcut, Shortcut" lines, in menu order. Read from the actions, so it lists
// what the keys really do: one tab switch per tab there is.
QString shortcutSummary(const QMainWindow* window);

} // namespace lbdeck
