// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/cluster/DriftDetector.h"

#include <QDialog>

#include <optional>

class QTableWidget;

namespace lbdeck {

// What a resync found, one row per disagreement, each with the repairs that fit the live state
// (or "leave as is", the default): nothing is fixed all-or-nothing.
class ResyncDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ResyncDialog(const QList<DriftItem>& drift, QWidget* parent = nullptr);

    // The repair chosen for row `row`, if any.
    std::optional<DriftItem::Repair> choice(int row) const;
    // For tests and keyboard users: 0 = leave as is, 1.. = the item's repairs in order.
    void setChoice(int row, int option);
    int rowCount() const;

private:
    QList<DriftItem> m_drift;
    QTableWidget* m_table; // Owned (child).
};

} // namespace lbdeck
