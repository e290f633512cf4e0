// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "FilteredTable.h"

#include <QKeyEvent>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

FilteredTable::FilteredTable(QTableView* view, QAbstractItemModel* model, const QString& filterName,
                             QWidget* parent)
    : QWidget(parent)
    , m_view(view)
    , m_filter(new QLineEdit(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    m_proxy->setSourceModel(model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_view->setParent(this);
    m_view->setModel(m_proxy);
    m_filter->setObjectName(filterName);
    m_filter->setPlaceholderText(tr("Filter (/ or Ctrl+F; Esc clears)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
}

void FilteredTable::focusFilter()
{
    // Every tab page on the way up becomes current (the ledger sits in the Config view's tabs).
    for (QWidget* w = this; w && w->parentWidget(); w = w->parentWidget()) {
        if (qobject_cast<QStackedWidget*>(w->parentWidget())) {
            if (auto* tabs = qobject_cast<QTabWidget*>(w->parentWidget()->parentWidget()))
                tabs->setCurrentWidget(w);
        }
    }
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

bool FilteredTable::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_filter && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
        if (m_filter->text().isEmpty())
            m_view->setFocus(Qt::OtherFocusReason);
        else
            m_filter->clear();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace lbdeck
