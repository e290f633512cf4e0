// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

namespace lbdeck {

class MainWindow;

// For the docs: once backends, nodes and the engine have shown data, saves one PNG per view
// (nodes.png, backends.png, upstreams.png, traffic.png, config.png, ledger.png) and quits.
void takeScreenshots(MainWindow* window, const QString& directory);

} // namespace lbdeck
