// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BalancersPanel.h"

#include "core/cluster/BalancerFleet.h"
#include "ui/models/BalancersModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

BalancersPanel::BalancersPanel(BalancersModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_summary(new QLabel(this))
    , m_table(new QTableView(this))
{
    setObjectName(u"balancersPanel"_s);
    m_summary->setObjectName(u"balancersSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table->setObjectName(u"balancersView"_s);
    m_table->setModel(model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 4);
    layout->addWidget(m_summary);
    layout->addWidget(m_table);
    connect(model, &QAbstractItemModel::modelReset, this, &BalancersPanel::refresh);
    connect(model, &QAbstractItemModel::dataChanged, this, &BalancersPanel::refresh);
    refresh();
}

QString BalancersPanel::summary() const
{
    return m_summary->text();
}

void BalancersPanel::refresh()
{
    const BalancerFleet* fleet = m_model->fleet();
    setVisible(fleet && fleet->size() > 0);
    if (!fleet)
        return;
    m_summary->setText(fleet->summary());
    m_summary->setStyleSheet(fleet->allInSync() ? QString() : u"color: #d32f2f"_s);
    // As tall as its rows (a few load balancers), never a scrolling box of its own.
    const int rows = m_model->rowCount();
    m_table->setFixedHeight(m_table->horizontalHeader()->height() +
                            rows * m_table->verticalHeader()->defaultSectionSize() +
                            2 * m_table->frameWidth());
    for (int c = 0; c + 1 < m_model->columnCount(); ++c)
        m_table->resizeColumnToContents(c);
}

} // namespace lbdeck
