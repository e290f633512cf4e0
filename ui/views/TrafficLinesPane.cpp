// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TrafficLinesPane.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QTextCursor>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

TrafficLinesPane::TrafficLinesPane(QWidget* parent)
    : QWidget(parent)
    , m_text(new QPlainTextEdit(this))
    , m_pause(new QPushButton(tr("&Pause"), this))
    , m_filter(new QComboBox(this))
    , m_copy(new QPushButton(tr("&Copy"), this))
    , m_heldLabel(new QLabel(this))
{
    setObjectName(u"trafficLines"_s);
    m_text->setObjectName(u"trafficLinesText"_s);
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(MaxLines);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->installEventFilter(this);
    m_pause->setObjectName(u"trafficLinesPause"_s);
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Hold the lines back (Space); new ones are counted"));
    m_filter->setObjectName(u"trafficLinesFilter"_s);
    m_filter->addItem(tr("All backends"), QString());
    m_copy->setObjectName(u"trafficLinesCopy"_s);
    m_copy->setToolTip(tr("Copy the selected lines, or all of them (Ctrl+C)"));
    m_heldLabel->setObjectName(u"trafficLinesHeld"_s);
    m_heldLabel->hide();

    connect(m_pause, &QPushButton::toggled, this, &TrafficLinesPane::setPaused);
    connect(m_copy, &QPushButton::clicked, this, &TrafficLinesPane::copy);
    connect(m_filter, &QComboBox::currentIndexChanged, this, [this] {
        m_endpoint = tcpdumpEndpoint(m_filter->currentData().toString());
        m_held = 0;
        render();
    });
    auto* space = new QShortcut(QKeySequence(Qt::Key_Space), this);
    space->setContext(Qt::WidgetWithChildrenShortcut);
    connect(space, &QShortcut::activated, m_pause, &QPushButton::toggle);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Live lines"), this));
    bar->addWidget(m_pause);
    bar->addWidget(m_heldLabel);
    bar->addStretch(1);
    bar->addWidget(m_filter);
    bar->addWidget(m_copy);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_text, 1);
}

QString TrafficLinesPane::tcpdumpEndpoint(const QString& address)
{
    if (address.isEmpty())
        return {};
    const qsizetype colon = address.lastIndexOf(u':');
    if (colon < 0)
        return u" "_s + address;
    QString host = address.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    return u" "_s + host + u'.' + address.mid(colon + 1);
}

bool TrafficLinesPane::matches(const QString& line, const QString& endpoint)
{
    if (endpoint.isEmpty() || line.startsWith(u'['))
        return true; // "[N lines not shown]" is about every backend
    // The endpoint ends at ':' (destination) or ' ' (source): "…3.8001" is not "…3.80011".
    for (qsizetype at = line.indexOf(endpoint); at >= 0; at = line.indexOf(endpoint, at + 1)) {
        const qsizetype after = at + endpoint.size();
        if (after >= line.size() || line.at(after) == u':' || line.at(after) == u' ')
            return true;
    }
    return false;
}

void TrafficLinesPane::appendLines(const QStringList& lines)
{
    if (lines.isEmpty())
        return;
    QStringList shown;
    for (const QString& line : lines) {
        m_lines.push_back(line);
        if (matches(line, m_endpoint))
            shown << line;
    }
    while (m_lines.size() > std::size_t(MaxLines))
        m_lines.pop_front();
    if (shown.isEmpty())
        return;
    if (m_paused) {
        m_held += int(shown.size());
        showHeld();
        return;
    }
    if (shown.size() > MaxLines)
        shown = shown.mid(shown.size() - MaxLines);
    m_text->appendPlainText(shown.join(u'\n'));
}

void TrafficLinesPane::setBackends(const QStringList& addresses)
{
    QStringList current;
    for (int i = 1; i < m_filter->count(); ++i)
        current << m_filter->itemData(i).toString();
    if (current == addresses)
        return;
    const QString chosen = filterBackend();
    const QSignalBlocker block(m_filter);
    while (m_filter->count() > 1)
        m_filter->removeItem(1);
    for (const QString& a : addresses)
        m_filter->addItem(a, a);
    const int again = m_filter->findData(chosen);
    m_filter->setCurrentIndex(again >= 0 ? again : 0);
    if (again < 0 && !chosen.isEmpty()) {
        m_endpoint.clear();
        render();
    }
}

QString TrafficLinesPane::filterBackend() const
{
    return m_filter->currentData().toString();
}

void TrafficLinesPane::setFilterBackend(const QString& address)
{
    const int i = m_filter->findData(address);
    m_filter->setCurrentIndex(i >= 0 ? i : 0);
}

void TrafficLinesPane::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    if (m_pause->isChecked() != paused)
        m_pause->setChecked(paused);
    if (!paused) {
        m_held = 0;
        render();
    }
    showHeld();
}

void TrafficLinesPane::showHeld()
{
    m_heldLabel->setText(m_held == 1 ? tr("1 new line") : tr("%1 new lines").arg(m_held));
    m_heldLabel->setVisible(m_paused);
}

void TrafficLinesPane::render()
{
    if (m_paused)
        return; // shown on resume
    QStringList shown;
    for (const QString& line : m_lines) {
        if (matches(line, m_endpoint))
            shown << line;
    }
    m_text->setPlainText(shown.join(u'\n'));
    m_text->moveCursor(QTextCursor::End);
}

QString TrafficLinesPane::shownText() const
{
    return m_text->toPlainText();
}

QString TrafficLinesPane::copyText() const
{
    const QString selected = m_text->textCursor().selectedText();
    // QTextCursor gives paragraph separators between lines.
    return selected.isEmpty() ? m_text->toPlainText()
                              : QString(selected).replace(QChar::ParagraphSeparator, u'\n');
}

void TrafficLinesPane::copy() const
{
    QApplication::clipboard()->setText(copyText());
}

bool TrafficLinesPane::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_text &&
        (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->matches(QKeySequence::Copy)) {
            if (event->type() == QEvent::KeyPress)
                copy();
            event->accept();
            return true;
        }
        if (key->key() == Qt::Key_Space && key->modifiers() == Qt::NoModifier) {
            if (event->type() == QEvent::KeyPress)
                m_pause->toggle();
            event->accept();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace lbdeck
