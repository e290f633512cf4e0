// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QStyledItemDelegate>

namespace lbdeck {

// The Traffic table's cells: the background and selection as the style draws them, then one line
// of text (and the sparkline) drawn directly. The style's own item drawing lays out and elides
// every cell's text, which for a table of numbers repainted every second is most of the frame.
class TrafficDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
};

} // namespace lbdeck
