// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "PlaceholderDelegate.h"

#include <QLineEdit>

namespace lbdeck {

PlaceholderDelegate::PlaceholderDelegate(QStringList placeholders, QObject* parent)
    : QStyledItemDelegate(parent)
    , m_placeholders(std::move(placeholders))
{}

QString PlaceholderDelegate::placeholder(const QModelIndex& index) const
{
    return m_placeholders.value(index.column());
}

QWidget* PlaceholderDelegate::createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                                           const QModelIndex& index) const
{
    QWidget* editor = QStyledItemDelegate::createEditor(parent, option, index);
    if (auto* line = qobject_cast<QLineEdit*>(editor))
        line->setPlaceholderText(placeholder(index));
    return editor;
}

void PlaceholderDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (!option->text.isEmpty() || placeholder(index).isEmpty())
        return;
    option->features |= QStyleOptionViewItem::HasDisplay;
    option->text = placeholder(index);
    option->font.setItalic(true);
    const QColor hint = option->palette.color(QPalette::PlaceholderText);
    option->palette.setColor(QPalette::Text, hint);
    option->palette.setColor(QPalette::HighlightedText, hint);
}

} // namespace lbdeck
