// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QStringList>
#include <QStyledItemDelegate>

namespace lbdeck {

// A table cell that is empty shows its column's example in the placeholder colour, and its editor
// has it as placeholder text: the example is painted, never put into the model, so never saved.
class PlaceholderDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    PlaceholderDelegate(QStringList placeholders, QObject* parent = nullptr); // one per column

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                          const QModelIndex& index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;

private:
    QString placeholder(const QModelIndex& index) const;

    QStringList m_placeholders;
};

} // namespace lbdeck
