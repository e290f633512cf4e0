// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "StartBackendDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStandardItemModel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

Result<quint16> StartBackendDialog::parsePort(const QString& text)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return makeError(ErrorCode::Validation, tr("Enter a port from 1 to 65535."));
    static const QRegularExpression digits(u"^[0-9]{1,6}$"_s);
    if (!digits.match(t).hasMatch())
        return makeError(ErrorCode::Validation,
                         tr("“%1” is not a port: use digits only, 1 to 65535.").arg(t));
    const int port = t.toInt();
    if (port < 1 || port > 65535)
        return makeError(ErrorCode::Validation, tr("%1 is out of range: a port is 1 to 65535.").arg(t));
    return quint16(port);
}

StartBackendDialog::StartBackendDialog(const QList<NodeChoice>& nodes, quint16 suggestedPort,
                                       const QString& image, const QString& namePattern, QWidget* parent)
    : QDialog(parent)
    , m_namePattern(namePattern)
{
    setObjectName(u"startBackendDialog"_s);
    setWindowTitle(tr("Start a backend"));
    m_node = new QComboBox(this);
    m_node->setObjectName(u"startNode"_s);
    auto* items = new QStandardItemModel(m_node);
    int firstReady = -1;
    for (const NodeChoice& n : nodes) {
        auto* item = new QStandardItem(n.ready ? n.name : tr("%1 — %2").arg(n.name, n.reason));
        item->setData(n.name, Qt::UserRole);
        item->setData(n.ready, Qt::UserRole + 2);
        item->setToolTip(n.ready ? tr("Docker on %1 answers").arg(n.name) : n.reason);
        if (!n.ready)
            item->setFlags(item->flags() & ~(Qt::ItemIsEnabled | Qt::ItemIsSelectable));
        else if (firstReady < 0)
            firstReady = items->rowCount();
        items->appendRow(item);
    }
    m_node->setModel(items);
    m_node->setCurrentIndex(firstReady);
    m_port = new QLineEdit(suggestedPort ? QString::number(suggestedPort) : QString(), this);
    m_port->setObjectName(u"startPort"_s);
    m_port->setPlaceholderText(tr("1–65535"));
    m_portError = new QLabel(this);
    m_portError->setObjectName(u"startPortError"_s);
    m_portError->setStyleSheet(u"color: palette(bright-text); background: #b00020; padding: 2px;"_s);
    m_portError->setWordWrap(true);
    m_image = new QLineEdit(image, this);
    m_image->setObjectName(u"startImage"_s);
    m_preview = new QLabel(this);
    m_preview->setObjectName(u"startPreview"_s);
    m_preview->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(tr("&Node:"), m_node);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(QString(), m_portError);
    form->addRow(tr("&Image:"), m_image);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("&Start"));
    connect(buttons, &QDialogButtonBox::accepted, this, &StartBackendDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_node, &QComboBox::currentIndexChanged, this, &StartBackendDialog::validate);
    connect(m_port, &QLineEdit::textChanged, this, &StartBackendDialog::validate);
    connect(m_image, &QLineEdit::textChanged, this, &StartBackendDialog::validate);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_preview);
    layout->addWidget(buttons);
    validate();
}

void StartBackendDialog::accept()
{
    validate();
    if (m_ok->isEnabled())
        QDialog::accept();
}

void StartBackendDialog::setFixedPort(quint16 port, const QString& title)
{
    m_port->setText(QString::number(port));
    m_port->setReadOnly(true);
    setWindowTitle(title);
    m_ok->setText(tr("&Replace…"));
    validate();
}

void StartBackendDialog::setAutomatic(const QString& node, const QString& reason)
{
    auto* items = qobject_cast<QStandardItemModel*>(m_node->model());
    // Called again when a newer load sample changes the choice: the one Automatic row, updated.
    QStandardItem* item =
        items->rowCount() > 0 && items->item(0)->data(Qt::UserRole + 1).toBool() ? items->item(0) : nullptr;
    const bool first = !item;
    const bool wasCurrent = !first && m_node->currentIndex() == 0;
    if (first) {
        item = new QStandardItem;
        item->setData(true, Qt::UserRole + 1);
        items->insertRow(0, item);
    }
    item->setText(node.isEmpty() ? tr("Automatic — %1").arg(reason) : tr("Automatic (%1)").arg(node));
    item->setData(node, Qt::UserRole);
    item->setToolTip(reason);
    const Qt::ItemFlags usable = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    item->setFlags(node.isEmpty() ? item->flags() & ~usable : item->flags() | usable);
    m_automaticReason = reason;
    if (!node.isEmpty() && (first || wasCurrent))
        m_node->setCurrentIndex(0);
    else if (node.isEmpty() && wasCurrent) // the first node that answers, as when it opened
        m_node->setCurrentIndex(m_node->findData(true, Qt::UserRole + 2));
    validate();
}

bool StartBackendDialog::isAutomatic() const
{
    return m_node->currentData(Qt::UserRole + 1).toBool();
}

void StartBackendDialog::validate()
{
    const Result<quint16> port = parsePort(m_port->text());
    m_portError->setVisible(!port);
    m_portError->setText(port ? QString() : port.error().message);
    const bool haveNode = m_node->currentIndex() >= 0;
    const bool haveImage = !image().isEmpty();
    m_ok->setEnabled(port && haveNode && haveImage);
    if (!haveNode)
        m_preview->setText(tr("No node can take a backend now: backends start on a node whose Docker engine "
                              "answers. The reasons are in the list."));
    else if (!haveImage)
        m_preview->setText(tr("Enter the image to run."));
    else if (port && isAutomatic())
        m_preview->setText(
            tr("Starts container <b>%1</b> on %2, chosen by placement (%3), waits until it answers, then "
               "registers it in etcd, as apache@%4.service did.")
                .arg(m_namePattern.arg(*port), node(), m_automaticReason.toHtmlEscaped())
                .arg(*port));
    else if (port)
        m_preview->setText(
            tr("Starts container <b>%1</b> on %2, waits until it answers, then registers it in "
               "etcd, as apache@%3.service did.")
                .arg(m_namePattern.arg(*port), node())
                .arg(*port));
    else
        m_preview->clear();
}

QString StartBackendDialog::node() const
{
    return m_node->currentData(Qt::UserRole).toString();
}

quint16 StartBackendDialog::port() const
{
    const Result<quint16> p = parsePort(m_port->text());
    return p ? *p : 0;
}

QString StartBackendDialog::image() const
{
    return m_image->text().trimmed();
}

} // namespace lbdeck
