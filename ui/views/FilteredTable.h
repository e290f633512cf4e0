// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QWidget>

class QAbstractItemModel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace lbdeck {

// A table with a filter box above it. The view shows its model through a proxy that keeps the
// rows where any column contains the box's text (case-insensitive); Esc in the box clears it, a
// second Esc goes back to the table. view()->model() is the proxy: code that needs the model's
// own rows maps through proxy() or keeps the model it gave.
class FilteredTable : public QWidget
{
    Q_OBJECT
public:
    // Takes the view (reparented into this widget) and shows model in it; filterName is the box's
    // object name ("backendsFilter").
    FilteredTable(QTableView* view, QAbstractItemModel* model, const QString& filterName,
                  QWidget* parent = nullptr);

    QTableView* view() const { return m_view; }
    QLineEdit* filter() const { return m_filter; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    // Puts the cursor in the filter box, its text selected, showing this table if it sits in a
    // tab that is not current.
    void focusFilter();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QTableView* m_view;             // Owned (child).
    QLineEdit* m_filter;            // Owned (child).
    QSortFilterProxyModel* m_proxy; // Owned (child).
};

} // namespace lbdeck
