// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodeDetailLogs.h"

#include "core/docker/DockerClient.h"
#include "core/docker/DockerLogs.h"

#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSyntaxHighlighter>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

constexpr int TailLines = 200;

// Marks every occurrence of the search text, case-insensitive.
class SearchHighlighter : public QSyntaxHighlighter
{
public:
    using QSyntaxHighlighter::QSyntaxHighlighter;
    void setNeedle(const QString& needle)
    {
        if (needle == m_needle)
            return;
        m_needle = needle;
        rehighlight();
    }

protected:
    void highlightBlock(const QString& text) override
    {
        if (m_needle.isEmpty())
            return;
        QTextCharFormat mark;
        mark.setBackground(QColor(255, 220, 80));
        mark.setForeground(Qt::black);
        for (qsizetype at = text.indexOf(m_needle, 0, Qt::CaseInsensitive); at >= 0;
             at = text.indexOf(m_needle, at + m_needle.size(), Qt::CaseInsensitive))
            setFormat(int(at), int(m_needle.size()), mark);
    }

private:
    QString m_needle;
};

QString formatLine(const LogLine& line)
{
    const QString time =
        line.time.isValid() ? line.time.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s) : QString();
    const QString stream = line.stream == LogLine::Stream::StdErr ? u"err"_s : u"out"_s;
    return time.isEmpty() ? u"%1  %2"_s.arg(stream, line.text) : u"%1 %2  %3"_s.arg(time, stream, line.text);
}

} // namespace

NodeDetailLogs::NodeDetailLogs(QWidget* parent)
    : QWidget(parent)
    , m_search(new QLineEdit(this))
    , m_onlyMatching(new QCheckBox(tr("Only matching lines"), this))
    , m_pause(new QPushButton(tr("Pause"), this))
    , m_copy(new QPushButton(tr("Copy"), this))
    , m_text(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
{
    m_search->setObjectName(u"nodeLogSearch"_s);
    m_search->setPlaceholderText(tr("Search the log"));
    m_search->setClearButtonEnabled(true);
    m_onlyMatching->setObjectName(u"nodeLogOnlyMatching"_s);
    m_pause->setObjectName(u"nodeLogPause"_s);
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Stop the view moving; lines keep arriving and show when you resume"));
    m_copy->setObjectName(u"nodeLogCopy"_s);
    m_copy->setToolTip(tr("Copy the selected text, or every line shown"));
    m_text->setObjectName(u"nodeLogText"_s);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setMaximumBlockCount(m_maxLines);
    m_text->setFont(QFont(u"monospace"_s));
    m_status->setObjectName(u"nodeLogStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* highlighter = new SearchHighlighter(m_text->document());

    connect(m_search, &QLineEdit::textChanged, this, [this, highlighter](const QString& text) {
        highlighter->setNeedle(text);
        if (m_onlyMatching->isChecked())
            render();
    });
    connect(m_onlyMatching, &QCheckBox::toggled, this, &NodeDetailLogs::render);
    connect(m_pause, &QPushButton::toggled, this, &NodeDetailLogs::setPaused);
    connect(m_copy, &QPushButton::clicked, this, &NodeDetailLogs::copy);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_search, 1);
    bar->addWidget(m_onlyMatching);
    bar->addWidget(m_pause);
    bar->addWidget(m_copy);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_status);
    clear();
}

NodeDetailLogs::~NodeDetailLogs() = default;

void NodeDetailLogs::setMaxLines(int lines)
{
    m_maxLines = qMax(1, lines);
    m_text->setMaximumBlockCount(m_maxLines);
    while (m_buffer.size() > size_t(m_maxLines))
        m_buffer.pop_front();
}

bool NodeDetailLogs::isFollowing() const
{
    return m_stream && m_stream->isFollowing();
}

void NodeDetailLogs::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? u"color: #b00020;"_s : QString());
}

void NodeDetailLogs::clear(const QString& why)
{
    delete std::exchange(m_stream, nullptr);
    m_id.clear();
    m_name.clear();
    m_buffer.clear();
    m_newWhilePaused = 0;
    m_ended = false;
    m_text->clear();
    setStatus(why.isEmpty() ? tr("Select a container to follow its log.") : why, false);
}

void NodeDetailLogs::follow(DockerClient* docker, const QString& id, const QString& name, bool running)
{
    if (id == m_id && docker == m_docker && m_stream && !(m_ended && running))
        return;
    if (id != m_id) {
        clear();
        m_id = id;
        m_name = name;
    }
    if (!docker) {
        setStatus(tr("The node is not connected: the log of %1 cannot be read now. It follows again once the "
                     "node answers (see the Nodes tab).")
                      .arg(name),
                  true);
        return;
    }
    // A new connection starts again from the tail: what the buffer holds would come twice.
    m_buffer.clear();
    start(docker);
}

void NodeDetailLogs::start(DockerClient* docker)
{
    delete std::exchange(m_stream, nullptr);
    m_docker = docker;
    m_ended = false;
    render();
    setStatus(tr("Reading the log of %1…").arg(m_name), false);
    m_stream = new DockerLogStream(docker, m_id, TailLines, this);
    connect(m_stream, &DockerLogStream::linesReceived, this, &NodeDetailLogs::append);
    connect(m_stream, &DockerLogStream::followingChanged, this, [this](bool following, const QString& error) {
        if (following)
            setStatus(tr("Following the log of %1 (stdout and stderr).").arg(m_name), false);
        else if (!error.isEmpty())
            setStatus(tr("Lost the log of %1: %2. Reconnecting…").arg(m_name, error), true);
        updatePauseStatus();
    });
    connect(m_stream, &DockerLogStream::ended, this, [this] {
        m_ended = true;
        setStatus(tr("%1 is not running: its log is shown up to where it stopped. Following resumes when it "
                     "runs again.")
                      .arg(m_name),
                  false);
    });
    connect(m_stream, &DockerLogStream::failed, this, [this](const QString& error) {
        setStatus(
            tr("Could not read the log of %1: %2. Select the container again to retry.").arg(m_name, error),
            true);
    });
    m_stream->start();
}

bool NodeDetailLogs::shows(const QString& line) const
{
    return !m_onlyMatching->isChecked() || m_search->text().isEmpty() ||
           line.contains(m_search->text(), Qt::CaseInsensitive);
}

void NodeDetailLogs::append(const QList<LogLine>& lines)
{
    QStringList shown;
    for (const LogLine& l : lines) {
        QString text = formatLine(l);
        if (!m_paused && shows(text))
            shown << text;
        m_buffer.push_back(std::move(text));
    }
    while (m_buffer.size() > size_t(m_maxLines))
        m_buffer.pop_front();
    if (m_paused) {
        m_newWhilePaused += int(lines.size());
        updatePauseStatus();
        return;
    }
    if (shown.isEmpty())
        return;
    // Stay at the bottom only when the reader is there: scrolling up to read is not interrupted.
    QScrollBar* bar = m_text->verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum() - 2;
    const int keep = bar->value();
    m_text->appendPlainText(shown.join(u'\n'));
    if (atBottom)
        bar->setValue(bar->maximum());
    else
        bar->setValue(keep);
}

void NodeDetailLogs::render()
{
    if (m_paused)
        return;
    QStringList shown;
    for (const QString& line : m_buffer) {
        if (shows(line))
            shown << line;
    }
    m_text->setPlainText(shown.join(u'\n'));
    m_text->verticalScrollBar()->setValue(m_text->verticalScrollBar()->maximum());
}

void NodeDetailLogs::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (m_pause->isChecked() != paused)
        m_pause->setChecked(paused);
    if (!paused) {
        m_newWhilePaused = 0;
        render();
    }
    updatePauseStatus();
}

void NodeDetailLogs::updatePauseStatus()
{
    if (!m_paused)
        m_pause->setText(tr("Pause"));
    else if (m_newWhilePaused == 0)
        m_pause->setText(tr("Resume"));
    else
        m_pause->setText(tr("Resume (%n new)", nullptr, m_newWhilePaused));
}

QString NodeDetailLogs::visibleText() const
{
    return m_text->toPlainText();
}

void NodeDetailLogs::copy()
{
    const QString selected = m_text->textCursor().selectedText().replace(QChar::ParagraphSeparator, u'\n');
    QGuiApplication::clipboard()->setText(selected.isEmpty() ? m_text->toPlainText() : selected);
}

} // namespace lbdeck
