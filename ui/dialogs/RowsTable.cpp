// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "RowsTable.h"

#include "PlaceholderDelegate.h"

#include <QHeaderView>
#include <QTableWidget>

namespace lbdeck {

void setUpRowsTable(QTableWidget* table, const QStringList& headers, const QStringList& help,
                    const QStringList& placeholders)
{
    for (int c = 0; c < headers.size(); ++c) {
        auto* header = new QTableWidgetItem(headers.at(c));
        header->setToolTip(help.value(c));
        header->setTextAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        table->setHorizontalHeaderItem(c, header);
    }
    table->setItemDelegate(new PlaceholderDelegate(placeholders, table));
    QHeaderView* h = table->horizontalHeader();
    h->setMinimumSectionSize(90);
    h->setHighlightSections(false);
    QHeaderView* v = table->verticalHeader();
    v->setSectionResizeMode(QHeaderView::Fixed);
    v->setDefaultSectionSize(table->fontMetrics().height() + 14);
    v->setDefaultAlignment(Qt::AlignCenter);
    table->setAlternatingRowColors(true);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                           QAbstractItemView::AnyKeyPressed | QAbstractItemView::SelectedClicked);
    table->setWordWrap(false);
    table->setTextElideMode(Qt::ElideMiddle);
}

} // namespace lbdeck
