// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/docker/DockerLogFrames.h"

#include <QPointer>
#include <QStringList>
#include <QWidget>

#include <deque>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace lbdeck {

class DockerClient;
class DockerLogStream;

// Node detail's Logs tab: follows one container's log (`docker logs -f -t --tail 200`), newest
// at the bottom. The search box highlights what it finds, or keeps only the matching lines; Pause
// stops the view moving while lines still arrive into the buffer; Copy takes the selection, or
// every line shown. The buffer keeps the last maxLines() lines.
class NodeDetailLogs : public QWidget
{
    Q_OBJECT
public:
    explicit NodeDetailLogs(QWidget* parent = nullptr);
    ~NodeDetailLogs() override;

    // Follows this container (no-op if it is followed already; a follow that ended because the
    // container stopped starts again once it runs). docker: Not owned.
    void follow(DockerClient* docker, const QString& id, const QString& name, bool running);
    // Stops following and empties the view (nothing selected).
    void clear(const QString& why = {});

    void setMaxLines(int lines);
    int maxLines() const { return m_maxLines; }
    bool isPaused() const { return m_paused; }
    void setPaused(bool paused);
    bool isFollowing() const;
    const QString& containerId() const { return m_id; }
    // What the view shows now (filtered, as of the last resume when paused).
    QString visibleText() const;
    qsizetype bufferedLines() const { return qsizetype(m_buffer.size()); }
    // The selection, or every line shown, to the clipboard.
    void copy();

private:
    void start(DockerClient* docker);
    void append(const QList<LogLine>& lines);
    void render();
    bool shows(const QString& line) const;
    void setStatus(const QString& text, bool error);
    void updatePauseStatus();

    QLineEdit* m_search;                 // Owned (child).
    QCheckBox* m_onlyMatching;           // Owned (child).
    QPushButton* m_pause;                // Owned (child).
    QPushButton* m_copy;                 // Owned (child).
    QPlainTextEdit* m_text;              // Owned (child).
    QLabel* m_status;                    // Owned (child).
    DockerLogStream* m_stream = nullptr; // Owned (child).
    QPointer<DockerClient> m_docker;
    QString m_id;
    QString m_name;
    std::deque<QString> m_buffer;
    int m_maxLines = 5000;
    int m_newWhilePaused = 0;
    bool m_paused = false;
    bool m_ended = false;
};

} // namespace lbdeck
