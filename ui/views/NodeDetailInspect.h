// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace lbdeck {

class DockerClient;

// Node detail's Inspect tab: `docker inspect` of the selected container, read-only, as Docker
// sent it (indented JSON). Fetched when the selection changes and on Refresh.
class NodeDetailInspect : public QWidget
{
    Q_OBJECT
public:
    explicit NodeDetailInspect(QWidget* parent = nullptr);

    // docker: Not owned. Empty id: nothing selected.
    void inspect(DockerClient* docker, const QString& id, const QString& name);
    void refresh();
    QString text() const;
    bool isLoading() const { return m_loading; }

private:
    void setStatus(const QString& text, bool error);

    QPlainTextEdit* m_text; // Owned (child).
    QLabel* m_status;       // Owned (child).
    QPushButton* m_refresh; // Owned (child).
    QPointer<DockerClient> m_docker;
    QString m_id;
    QString m_name;
    quint64 m_generation = 0; // an answer for an earlier selection is dropped
    bool m_loading = false;
};

} // namespace lbdeck
