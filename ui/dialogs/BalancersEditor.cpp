// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "BalancersEditor.h"

#include "RowsTable.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString columnHelp(int column)
{
    switch (column) {
    case BalancersEditor::Name:
        return BalancersEditor::tr("How the views name this load balancer; unique.");
    case BalancersEditor::EngineStatusUrl:
        return BalancersEditor::tr(
            "lbdeck-engine's status URL; through SSH, as the load balancer itself sees "
            "it (http://127.0.0.1:9913).");
    case BalancersEditor::EngineSsh:
        return BalancersEditor::tr(
            "Empty when the status URL is reachable from here; else ssh://user@host[:port], "
            "and the status URL is reached through that tunnel.");
    case BalancersEditor::NginxUrl:
        return BalancersEditor::tr("Where its nginx takes traffic (http://10.0.0.2:80); optional.");
    default:
        return {};
    }
}

} // namespace

BalancersEditor::BalancersEditor(QWidget* parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, ColumnCount, this))
{
    m_table->setObjectName(u"balancersTable"_s);
    QStringList help;
    for (int c = 0; c < ColumnCount; ++c)
        help << columnHelp(c);
    setUpRowsTable(m_table,
                   {tr("Load balancer"), tr("Engine status URL"), tr("Engine through SSH"), tr("nginx URL")},
                   help,
                   {tr("e.g. core-d"), tr("e.g. http://127.0.0.1:9913"), tr("e.g. ssh://core@10.0.0.4"),
                    tr("e.g. http://10.0.0.4:80")});
    QHeaderView* h = m_table->horizontalHeader();
    h->setSectionResizeMode(QHeaderView::Interactive);
    h->setSectionResizeMode(EngineSsh, QHeaderView::Stretch);
    h->resizeSection(Name, 120);
    h->resizeSection(EngineStatusUrl, 180);
    h->resizeSection(NginxUrl, 150);
    QHeaderView* v = m_table->verticalHeader();
    m_table->setMinimumHeight(v->defaultSectionSize() * 3 + h->sizeHint().height() + 4);
    connect(m_table, &QTableWidget::itemChanged, this, [this] {
        if (!m_updating)
            Q_EMIT changed();
    });

    auto* add = new QPushButton(tr("Add &load balancer"), this);
    add->setObjectName(u"addBalancerButton"_s);
    connect(add, &QPushButton::clicked, this, &BalancersEditor::addBalancer);
    auto* remove = new QPushButton(tr("Remo&ve load balancer"), this);
    remove->setObjectName(u"removeBalancerButton"_s);
    remove->setEnabled(false);
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        if (row < 0)
            return;
        m_table->removeRow(row);
        m_kept.removeAt(row);
        Q_EMIT changed();
    });
    connect(m_table, &QTableWidget::currentCellChanged, remove,
            [remove](int row) { remove->setEnabled(row >= 0); });

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
}

void BalancersEditor::appendRow(const BalancerProfile& b)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, Name, new QTableWidgetItem(b.name));
    m_table->setItem(row, EngineStatusUrl, new QTableWidgetItem(b.engineStatusUrl));
    m_table->setItem(row, EngineSsh, new QTableWidgetItem(b.engineSsh));
    m_table->setItem(row, NginxUrl, new QTableWidgetItem(b.nginxUrl));
    m_kept.append(b);
}

void BalancersEditor::setBalancers(const QList<BalancerProfile>& balancers)
{
    m_updating = true;
    m_table->setRowCount(0);
    m_kept.clear();
    for (const BalancerProfile& b : balancers)
        appendRow(b);
    m_updating = false;
    Q_EMIT changed();
}

void BalancersEditor::addBalancer()
{
    m_updating = true;
    appendRow({});
    m_updating = false;
    const int row = m_table->rowCount() - 1;
    m_table->setCurrentCell(row, Name);
    if (isVisible())
        m_table->editItem(m_table->item(row, Name));
    Q_EMIT changed();
}

QList<BalancerProfile> BalancersEditor::balancers() const
{
    QList<BalancerProfile> out;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        auto text = [&](int c) {
            return m_table->item(r, c) ? m_table->item(r, c)->text().trimmed() : QString();
        };
        BalancerProfile b = m_kept.value(r);
        b.name = text(Name);
        b.engineStatusUrl = text(EngineStatusUrl);
        b.engineSsh = text(EngineSsh);
        b.nginxUrl = text(NginxUrl);
        out.append(b);
    }
    return out;
}

} // namespace lbdeck
