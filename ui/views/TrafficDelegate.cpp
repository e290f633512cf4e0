// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TrafficDelegate.h"

#include <QApplication>
#include <QPainter>
#include <QPixmap>

namespace lbdeck {

void TrafficDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                            const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    // The panel only: no icon, no text.
    QStyleOptionViewItem panel = opt;
    panel.text.clear();
    panel.icon = QIcon();
    panel.features &= ~QStyleOptionViewItem::HasDecoration;
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &panel, painter, widget);
    QRect r = opt.rect.adjusted(3, 0, -3, 0);
    if (opt.features & QStyleOptionViewItem::HasDecoration) {
        const QPixmap pixmap = index.data(Qt::DecorationRole).value<QPixmap>();
        if (!pixmap.isNull()) {
            painter->drawPixmap(r.left(), r.center().y() - pixmap.height() / 2, pixmap);
            r.setLeft(r.left() + pixmap.width() + 3);
        }
    }
    if (opt.text.isEmpty())
        return;
    painter->save();
    painter->setFont(opt.font);
    painter->setPen(
        opt.palette.color(opt.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawText(r, int(opt.displayAlignment) | Qt::TextSingleLine, opt.text);
    painter->restore();
}

} // namespace lbdeck
