// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodeDetailInspect.h"

#include "core/docker/DockerClient.h"

#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

NodeDetailInspect::NodeDetailInspect(QWidget* parent)
    : QWidget(parent)
    , m_text(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
{
    m_text->setObjectName(u"nodeInspectText"_s);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFont(u"monospace"_s));
    m_status->setObjectName(u"nodeInspectStatus"_s);
    m_status->setWordWrap(true);
    m_refresh->setObjectName(u"nodeInspectRefresh"_s);
    connect(m_refresh, &QPushButton::clicked, this, &NodeDetailInspect::refresh);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_status, 1);
    bar->addWidget(m_refresh);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_text, 1);
    inspect(nullptr, {}, {});
}

void NodeDetailInspect::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? u"color: #b00020;"_s : QString());
}

void NodeDetailInspect::inspect(DockerClient* docker, const QString& id, const QString& name)
{
    const bool same = docker == m_docker && id == m_id;
    m_docker = docker;
    m_id = id;
    m_name = name;
    if (!same)
        m_text->clear();
    refresh();
}

void NodeDetailInspect::refresh()
{
    const quint64 generation = ++m_generation;
    m_loading = false;
    m_refresh->setEnabled(!m_id.isEmpty());
    if (m_id.isEmpty()) {
        setStatus(tr("Select a container to inspect it."), false);
        return;
    }
    if (!m_docker) {
        setStatus(tr("The node is not connected: %1 cannot be inspected now. Try again once it answers "
                     "(see the Nodes tab).")
                      .arg(m_name),
                  true);
        return;
    }
    m_loading = true;
    setStatus(tr("Inspecting %1…").arg(m_name), false);
    m_docker->inspectContainerJson(m_id, this, [this, generation](const Result<QJsonObject>& json) {
        if (generation != m_generation)
            return;
        m_loading = false;
        if (!json) {
            setStatus(tr("Could not inspect %1: %2. Check the node's connection, then press Refresh.")
                          .arg(m_name, json.error().toString()),
                      true);
            return;
        }
        const int scroll = m_text->verticalScrollBar() ? m_text->verticalScrollBar()->value() : 0;
        m_text->setPlainText(QString::fromUtf8(QJsonDocument(*json).toJson(QJsonDocument::Indented)));
        m_text->verticalScrollBar()->setValue(scroll);
        setStatus(tr("%1, as Docker reports it (read-only).").arg(m_name), false);
    });
}

QString NodeDetailInspect::text() const
{
    return m_text->toPlainText();
}

} // namespace lbdeck
