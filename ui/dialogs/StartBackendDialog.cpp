// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "StartBackendDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

StartBackendDialog::StartBackendDialog(const QStringList& readyNodes, quint16 suggestedPort,
                                       const QString& image, const QString& namePattern, QWidget* parent)
    : QDialog(parent)
    , m_namePattern(namePattern)
{
    setObjectName(u"startBackendDialog"_s);
    setWindowTitle(tr("Start a backend"));
    m_node = new QComboBox(this);
    m_node->setObjectName(u"startNode"_s);
    m_node->addItems(readyNodes);
    m_port = new QSpinBox(this);
    m_port->setObjectName(u"startPort"_s);
    m_port->setRange(1, 65535);
    m_port->setValue(suggestedPort);
    m_image = new QLineEdit(image, this);
    m_image->setObjectName(u"startImage"_s);
    m_preview = new QLabel(this);
    m_preview->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(tr("&Node:"), m_node);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("&Image:"), m_image);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Start"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(!readyNodes.isEmpty());
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_node, &QComboBox::currentTextChanged, this, &StartBackendDialog::updatePreview);
    connect(m_port, &QSpinBox::valueChanged, this, &StartBackendDialog::updatePreview);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_preview);
    layout->addWidget(buttons);
    updatePreview();
}

void StartBackendDialog::updatePreview()
{
    if (m_node->count() == 0) {
        m_preview->setText(tr("No node is connected: backends start on a node whose Docker engine answers."));
        return;
    }
    m_preview->setText(
        tr("Starts container <b>%1</b> on %2 and registers it in etcd, as apache@%3.service did.")
            .arg(m_namePattern.arg(m_port->value()), m_node->currentText())
            .arg(m_port->value()));
}

QString StartBackendDialog::node() const
{
    return m_node->currentText();
}

quint16 StartBackendDialog::port() const
{
    return quint16(m_port->value());
}

QString StartBackendDialog::image() const
{
    return m_image->text().trimmed();
}

} // namespace lbdeck
