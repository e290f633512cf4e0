// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QStringList>
#include <QWidget>

#include <deque>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace lbdeck {

// The engine's tcpdump -q lines, newest last: a read-only pane that keeps the last MaxLines, with
// Pause (Space; lines that come meanwhile are counted, and shown on resume), a backend filter
// (client side: the line names the backend as tcpdump does, " 127.0.1.3.8001") and Copy (Ctrl+C:
// the selection, or everything shown).
class TrafficLinesPane : public QWidget
{
    Q_OBJECT
public:
    static constexpr int MaxLines = 2000;

    explicit TrafficLinesPane(QWidget* parent = nullptr);

    void appendLines(const QStringList& lines);
    // The filter's choices ("IP:PORT"); the chosen one stays while it is offered.
    void setBackends(const QStringList& addresses);

    bool isPaused() const { return m_paused; }
    void setPaused(bool paused);
    int heldLines() const { return m_held; }
    QString filterBackend() const; // empty: all
    void setFilterBackend(const QString& address);
    QString shownText() const;
    // What Copy puts on the clipboard: the selection, or everything shown.
    QString copyText() const;
    void copy() const;

    // " 127.0.1.3.8001" for "127.0.1.3:8001", " ::1.8001" for "[::1]:8001".
    static QString tcpdumpEndpoint(const QString& address);
    static bool matches(const QString& line, const QString& endpoint);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void render();
    void showHeld();

    QPlainTextEdit* m_text;      // Owned (child).
    QPushButton* m_pause;        // Owned (child).
    QComboBox* m_filter;         // Owned (child).
    QPushButton* m_copy;         // Owned (child).
    QLabel* m_heldLabel;         // Owned (child).
    std::deque<QString> m_lines; // the last MaxLines, unfiltered
    QString m_endpoint;          // the filter's, empty for all
    bool m_paused = false;
    int m_held = 0; // matching lines that came while paused
};

} // namespace lbdeck
