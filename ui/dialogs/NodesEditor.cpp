// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodesEditor.h"

#include "RowsTable.h"
#include "core/cluster/ProfileValidation.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

const QColor kInvalidCell(0xff, 0xeb, 0xee);

QString columnHelp(int column)
{
    switch (column) {
    case NodesEditor::Name:
        return NodesEditor::tr("Shown in lbdeck and written into container labels; unique.");
    case NodesEditor::PublishAddress:
        return NodesEditor::tr("The IP (or host name) backends on this node publish on and are "
                               "registered with, like the seed's COREOS_PRIVATE_IPV4.");
    case NodesEditor::DockerEndpoint:
        return NodesEditor::tr("As Docker writes it: unix:///var/run/docker.sock, tcp://host:2376 "
                               "(TLS) or ssh://user@host[:port][/socket/path].");
    default:
        return {};
    }
}

} // namespace

NodesEditor::NodesEditor(QWidget* parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_error(new QLabel(this))
{
    m_table->setObjectName(u"nodesTable"_s);
    QStringList help;
    for (int c = 0; c < ColumnCount; ++c)
        help << columnHelp(c);
    setUpRowsTable(m_table, {tr("Node"), tr("Publish address"), tr("Docker endpoint")}, help,
                   {tr("e.g. node-b"), tr("e.g. 10.0.0.2"), tr("e.g. ssh://core@10.0.0.2")});
    QHeaderView* h = m_table->horizontalHeader();
    h->setSectionResizeMode(Name, QHeaderView::Interactive);
    h->setSectionResizeMode(PublishAddress, QHeaderView::Interactive);
    h->setSectionResizeMode(DockerEndpoint, QHeaderView::Stretch);
    h->resizeSection(Name, 130);
    h->resizeSection(PublishAddress, 150);
    QHeaderView* v = m_table->verticalHeader();
    m_table->setMinimumSize(560, v->defaultSectionSize() * 5 + h->sizeHint().height() + 4);
    connect(m_table, &QTableWidget::itemChanged, this, [this] {
        if (!m_updating)
            revalidate();
    });

    auto* add = new QPushButton(tr("Add &node"), this);
    add->setObjectName(u"addNodeButton"_s);
    connect(add, &QPushButton::clicked, this, &NodesEditor::addNode);
    auto* remove = new QPushButton(tr("&Remove node"), this);
    remove->setObjectName(u"removeNodeButton"_s);
    remove->setEnabled(false);
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_table->currentRow() < 0)
            return;
        m_table->removeRow(m_table->currentRow());
        revalidate();
    });
    connect(m_table, &QTableWidget::currentCellChanged, remove,
            [remove](int row) { remove->setEnabled(row >= 0); });

    m_error->setObjectName(u"nodesError"_s);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #d32f2f"_s);
    m_error->setTextFormat(Qt::PlainText);
    m_error->hide();

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_error);
    layout->addLayout(buttons);
}

void NodesEditor::appendRow(const NodeProfile& node)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, Name, new QTableWidgetItem(node.name));
    m_table->setItem(row, PublishAddress, new QTableWidgetItem(node.publishAddress));
    m_table->setItem(row, DockerEndpoint, new QTableWidgetItem(node.dockerEndpoint));
}

void NodesEditor::setNodes(const QList<NodeProfile>& nodes)
{
    m_updating = true;
    m_table->setRowCount(0);
    for (const NodeProfile& n : nodes)
        appendRow(n);
    m_updating = false;
    revalidate();
}

void NodesEditor::addNode()
{
    m_updating = true;
    appendRow({});
    m_updating = false;
    const int row = m_table->rowCount() - 1;
    m_table->setCurrentCell(row, Name);
    if (isVisible())
        m_table->editItem(m_table->item(row, Name));
    revalidate();
}

QList<NodeProfile> NodesEditor::nodes() const
{
    QList<NodeProfile> out;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        auto text = [&](int c) {
            return m_table->item(r, c) ? m_table->item(r, c)->text().trimmed() : QString();
        };
        out.append({text(Name), text(PublishAddress), text(DockerEndpoint)});
    }
    return out;
}

void NodesEditor::revalidate()
{
    const QList<profilecheck::NodeProblems> problems = profilecheck::nodes(nodes());
    QStringList lines;
    m_updating = true;
    for (int r = 0; r < int(problems.size()); ++r) {
        const profilecheck::NodeProblems& p = problems.at(r);
        const QString cells[ColumnCount] = {p.name, p.publishAddress, p.dockerEndpoint};
        for (int c = 0; c < ColumnCount; ++c) {
            QTableWidgetItem* item = m_table->item(r, c);
            if (!item)
                continue;
            item->setBackground(cells[c].isEmpty() ? QBrush() : QBrush(kInvalidCell));
            item->setToolTip(cells[c].isEmpty() ? columnHelp(c) : cells[c]);
        }
        if (!p.ok())
            lines << tr("Row %1: %2.").arg(r + 1).arg(p.summary());
    }
    m_updating = false;
    m_valid = lines.isEmpty();
    m_error->setText(lines.join(u'\n'));
    m_error->setVisible(!m_valid);
    Q_EMIT changed();
}

} // namespace lbdeck
