// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

class QMainWindow;

namespace lbdeck {

// Help → Keyboard shortcuts (F1) and About. Call after every other menu exists.
void addHelpMenu(QMainWindow* window);

// Every action of the window's menus that has a shortcut, as "Menu › Action\tShortcut" lines, in
// menu order (the tab switches too).
QString shortcutSummary(const QMainWindow* window);

} // namespace lbdeck
