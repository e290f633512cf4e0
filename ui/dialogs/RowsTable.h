// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QStringList>

class QTableWidget;

namespace lbdeck {

// The profile dialog's tables of rows (nodes, load balancers) look and behave alike: a header per
// column with its help as tooltip, examples as placeholders only, fixed-height rows, one row
// selected at a time, edited in place. Column widths are the caller's.
void setUpRowsTable(QTableWidget* table, const QStringList& headers, const QStringList& help,
                    const QStringList& placeholders);

} // namespace lbdeck
