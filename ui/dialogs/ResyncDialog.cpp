// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ResyncDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

ResyncDialog::ResyncDialog(const QList<DriftItem>& drift, QWidget* parent)
    : QDialog(parent)
    , m_drift(drift)
{
    setObjectName(u"resyncDialog"_s);
    setWindowTitle(tr("Drift found"));
    auto* intro =
        new QLabel(tr("Docker and etcd disagree. Choose a repair for each line, or leave it as is."), this);
    intro->setWordWrap(true);
    m_table = new QTableWidget(int(drift.size()), 2, this);
    m_table->setObjectName(u"resyncItems"_s);
    m_table->setHorizontalHeaderLabels({tr("What disagrees"), tr("Repair")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(true);
    for (int r = 0; r < drift.size(); ++r) {
        const DriftItem& d = drift[r];
        auto* what = new QTableWidgetItem(d.describe());
        what->setFlags(what->flags() & ~Qt::ItemIsEditable);
        what->setToolTip(d.describe());
        m_table->setItem(r, 0, what);
        auto* combo = new QComboBox(m_table);
        combo->setObjectName(u"repair%1"_s.arg(r));
        combo->addItem(tr("Leave as is"));
        for (DriftItem::Repair repair : d.repairs())
            combo->addItem(d.repairDescription(repair), int(repair));
        m_table->setCellWidget(r, 1, combo);
    }
    m_table->resizeRowsToContents();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Apply chosen repairs"));
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_table);
    layout->addWidget(buttons);
    resize(760, 160 + 40 * int(qMin<qsizetype>(drift.size(), 8)));
}

int ResyncDialog::rowCount() const
{
    return int(m_drift.size());
}

std::optional<DriftItem::Repair> ResyncDialog::choice(int row) const
{
    const auto* combo = qobject_cast<QComboBox*>(m_table->cellWidget(row, 1));
    if (!combo || combo->currentIndex() <= 0)
        return std::nullopt;
    return DriftItem::Repair(combo->currentData().toInt());
}

void ResyncDialog::setChoice(int row, int option)
{
    if (auto* combo = qobject_cast<QComboBox*>(m_table->cellWidget(row, 1)))
        combo->setCurrentIndex(option);
}

} // namespace lbdeck
