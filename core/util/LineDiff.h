// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QByteArray>
#include <QString>

namespace lbdeck {

// A unified diff (diff -u style, 3 lines of context) between two texts, line by line (Myers'
// O(ND) algorithm: cheap when few lines differ, as between two renders of one config).
// Empty when the texts are equal.
QString unifiedDiff(const QByteArray& before, const QByteArray& after,
                    const QString& beforeName = QStringLiteral("live"),
                    const QString& afterName = QStringLiteral("new"), int context = 3);

} // namespace lbdeck
